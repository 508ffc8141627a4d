// End-to-end: the demo page (examples/demo) in headless Debian Chromium, driven by playwright-core,
// served from another origin than the API (real CORS), through the whole flow:
//   register -> verify -> login -> userinfo -> TOTP setup (current password) + verify -> logout
//   -> login with the TOTP challenge -> userinfo -> TOTP re-enrolment refused -> refresh -> userinfo
//   -> delete the account (current password) -> login refused.
// A second test runs the passkey and emailed-code steps with a DevTools virtual authenticator.
// Fails on any console error, page error, failed request, or API response >= 400 other than the
// ones this test provokes on purpose (each announced with expectFailure), and on any API answer
// without the CORS header for the page's origin. Ends with a screenshot in tests/e2e/screenshots/.
//
// Run: make e2e (installs what it needs). Env: CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { flowPage } from './page.mjs';
import { repo, stackAndBrowser, startStack } from './stack.mjs';

// The browser driver and the TOTP library are the demo package's dev dependencies.
const require = createRequire(join(repo, 'examples/demo/package.json'));
const { chromium } = require('playwright-core');
const { generate } = require('otplib');

const CODE = process.env.DEV_CONFIRMATION_CODE || '123456';
const SHOTS = join(repo, 'tests/e2e/screenshots');

const live = stackAndBrowser(chromium);

test('the demo page runs every flow cross-origin in headless Chromium', { timeout: 180_000 }, async (t) => {
  const { apiUrl, pageOrigin, cognitoUrl } = live.stack;
  assert.notEqual(new URL(apiUrl).origin, pageOrigin, 'the page and the API must be on different origins');
  const context = await live.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();

  // What counts as a failure, the step helpers (tests/e2e/page.mjs).
  const { expectFailure, act, expectOk, expectErr: expectErrCode, signedIn, step, failed, checkNoProblems } = flowPage(t, page, { apiUrl, pageOrigin });
  const expectErr = (r, status, code, what) => {
    expectErrCode(r, status, code, what);
    // The page shows the error code and the API's message, not just a status.
    assert.match(r.text, new RegExp(code));
    assert.match(r.text, /requestId/);
  };
  // TOTP codes are made for the emulator's clock, which the test moves on instead of waiting (the
  // clockOffsetSeconds control: tests/local-cognito/controls.py), so each code is the one of the
  // emulator's current time step, whatever the wall clock does between two steps of the flow.
  assert.match(cognitoUrl ?? '', /^http:\/\//, 'dev.sh names the local Cognito endpoint');
  let clockOffset = 0;
  const advanceEmulatorClock = async (seconds) => {
    clockOffset += seconds;
    const r = await fetch(`${cognitoUrl}/_local/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clockOffsetSeconds: clockOffset }),
    });
    assert.equal(r.status, 200, `the emulator's clock: ${await r.text()}`);
  };
  const totp = (secret) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + clockOffset });

  // ---- the flow -----------------------------------------------------------------------------
  const email = `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'Corr3ct-Horse!battery';

  await step('open the page with ?api=', async () => {
    await page.goto(`${pageOrigin}/?api=${encodeURIComponent(apiUrl)}`);
    assert.equal(await page.inputValue('#api-url'), apiUrl);
    assert.equal(await page.textContent('#page-origin'), pageOrigin);
    assert.equal(await signedIn(), false);
  });

  await step('register', async () => {
    await page.fill('#email', email);
    await page.fill('#password', password);
    const r = await act('btn-register', 'out-register');
    expectOk(r, 202, 'register');
    assert.match(r.text, /codeDelivery/);
  });

  await step('login before verifying shows the JSON error (provoked)', async () => {
    expectFailure('POST', '/auth/login', 403);
    expectErr(await act('btn-login', 'out-login'), 403, 'user_not_confirmed', 'early login');
  });

  await step('a wrong code shows the JSON error (provoked)', async () => {
    expectFailure('POST', '/auth/verify', 400);
    await page.fill('#verify-code', CODE === '000000' ? '999999' : '000000');
    expectErr(await act('btn-verify', 'out-verify'), 400, 'invalid_code', 'wrong code');
  });

  await step('verify', async () => {
    await page.fill('#verify-code', CODE);
    expectOk(await act('btn-verify', 'out-verify'), 200, 'verify');
  });

  await step('login (no MFA yet): tokens', async () => {
    const r = await act('btn-login', 'out-login');
    expectOk(r, 200, 'login');
    assert.match(r.text, /accessToken/);
    assert.equal(await signedIn(), true);
    assert.equal(await page.isVisible('#challenge'), false);
  });

  await step('userinfo', async () => {
    const r = await act('btn-userinfo', 'out-session');
    expectOk(r, 200, 'userinfo');
    assert.match(r.text, new RegExp(`"email": "${email}"`));
    assert.match(r.text, /"mfaEnabled": false/);
  });

  let secret;
  await step('TOTP setup with a wrong current password shows the JSON error (provoked)', async () => {
    expectFailure('POST', '/auth/mfa/totp/setup', 401);
    await page.fill('#totp-current-password', `${password}-wrong`);
    expectErr(await act('btn-totp-setup', 'out-totp'), 401, 'incorrect_password', 'TOTP setup, wrong password');
    assert.equal(await page.isVisible('#totp-secret-box'), false, 'no secret without the password');
  });

  await step('TOTP setup and verify', async () => {
    await page.fill('#totp-current-password', password);
    const r = await act('btn-totp-setup', 'out-totp');
    expectOk(r, 200, 'TOTP setup');
    secret = (await page.textContent('#totp-secret')).trim();
    assert.match(secret, /^[A-Z2-7]+=*$/, 'a base32 secret is shown');
    assert.match(await page.textContent('#totp-uri'), /^otpauth:\/\/totp\//);
    await page.fill('#totp-code', await totp(secret));
    const v = await act('btn-totp-verify', 'out-totp');
    expectOk(v, 200, 'TOTP verify');
    assert.match(v.text, /"mfaEnabled": true/);
  });

  await step('logout', async () => {
    const r = await act('btn-logout', 'out-session');
    expectOk(r, 200, 'logout');
    assert.match(r.text, /"refreshTokenRevoked": true/);
    assert.equal(await signedIn(), false);
    assert.equal(await page.isVisible('#totp-secret-box'), false, 'the TOTP secret goes with the session');
  });

  await step('login answers the TOTP challenge', async () => {
    const r = await act('btn-login', 'out-login');
    expectOk(r, 200, 'login');
    assert.match(r.text, /"challenge": "SOFTWARE_TOKEN_MFA"/);
    assert.equal(await page.isVisible('#challenge'), true);
    assert.equal(await page.textContent('#challenge-name'), 'SOFTWARE_TOKEN_MFA');
    assert.equal(await signedIn(), false);
    // TOTP codes are single-use: the enrolment used this time step's code. A user signing in later
    // has the next step's: move the emulator's clock one step (30 s) on and answer with its code.
    await advanceEmulatorClock(30);
    await page.fill('#challenge-answer', await totp(secret));
    const a = await act('btn-challenge', 'out-login');
    expectOk(a, 200, 'challenge');
    assert.match(a.text, /accessToken/);
    assert.equal(await signedIn(), true);
    assert.equal(await page.isVisible('#challenge'), false);
  });

  await step('userinfo shows TOTP on', async () => {
    const r = await act('btn-userinfo', 'out-session');
    expectOk(r, 200, 'userinfo');
    assert.match(r.text, /"mfaEnabled": true/);
  });

  await step('a second TOTP setup while TOTP is on is refused (provoked)', async () => {
    expectFailure('POST', '/auth/mfa/totp/setup', 409);
    await page.fill('#totp-current-password', password);
    expectErr(await act('btn-totp-setup', 'out-totp'), 409, 'mfa_already_enabled', 'TOTP re-enrolment');
  });

  await step('refresh, then userinfo with the new access token', async () => {
    const r = await act('btn-refresh', 'out-session');
    expectOk(r, 200, 'refresh');
    assert.match(r.text, /accessToken/);
    expectOk(await act('btn-userinfo', 'out-session'), 200, 'userinfo after refresh');
  });

  await step('deleting the account with a wrong current password shows the JSON error (provoked)', async () => {
    expectFailure('DELETE', '/auth/user', 401);
    await page.fill('#delete-current-password', `${password}-wrong`);
    expectErr(await act('btn-delete', 'out-delete'), 401, 'incorrect_password', 'delete, wrong password');
    assert.equal(await signedIn(), true, 'still signed in, account still there');
  });

  await step('delete the account with the current password; login then fails (provoked)', async () => {
    await page.fill('#delete-current-password', password);
    const r = await act('btn-delete', 'out-delete');
    expectOk(r, 200, 'delete');
    assert.match(r.text, /"deleted": true/);
    assert.equal(await signedIn(), false);
    expectFailure('POST', '/auth/login', 401);
    expectErr(await act('btn-login', 'out-login'), 401, 'invalid_credentials', 'login after delete');
  });

  mkdirSync(SHOTS, { recursive: true });
  const shot = join(SHOTS, failed() ? 'demo-failed.png' : 'demo-final.png');
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);

  await checkNoProblems();
  await context.close();
});

// ---- browser session mode ---------------------------------------------------------------------
// The API with SESSION_COOKIE=on (its own stack), called by the page as localhost:<port>, the
// page's site on another port: login puts the refresh token in an HttpOnly cookie (never in the
// JSON body, never visible to page scripts), a reload loses the in-memory access token and
// "Refresh tokens" restores the session from the cookie, logout clears the cookie.
test('browser session mode: the refresh token lives in an HttpOnly cookie across a reload', { timeout: 180_000 }, async (t) => {
  const cookieStack = await startStack({ sessionCookie: true });
  const context = await live.browser.newContext();
  try {
    const { apiUrl, pageOrigin } = cookieStack;
    const api = new URL(apiUrl);
    assert.equal(api.hostname, new URL(pageOrigin).hostname, 'same site: the cookie is sent');
    assert.notEqual(api.origin, pageOrigin, 'different origins: CORS with credentials is real');
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));

    // The account, made directly (the first test covers the page's register and verify).
    const email = `e2e-cookie-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const password = 'Corr3ct-Horse!battery';
    const post = (path, body) => fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post('/auth/register', { email, password })).status, 202);
    assert.equal((await post('/auth/verify', { email, code: CODE })).status, 200);

    const click = async (buttonId, outId, path) => {
      const before = (await page.getAttribute(`#${outId}`, 'data-seq')) ?? '';
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${apiUrl}${path}` && r.request().method() === 'POST'),
        page.click(`#${buttonId}`),
      ]);
      await page.waitForFunction(([id, seq]) => (document.getElementById(id)?.dataset.seq ?? '') !== seq, [outId, before]);
      return { resp, status: Number(await page.getAttribute(`#${outId}`, 'data-status')), body: await resp.json() };
    };
    const sessionCookie = async () => (await context.cookies(`${apiUrl}/auth/refresh`)).find((c) => c.name === '__Host-auth_refresh');
    /** The token must be nowhere a page script can read: document.cookie, storage, the page's text. */
    const assertInvisible = async (token) => {
      const seen = await page.evaluate(() => ({
        cookie: document.cookie,
        storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
        text: document.body.innerText,
      }));
      for (const [where, text] of Object.entries(seen)) assert.ok(!text.includes(token), `the refresh token is visible in ${where}`);
      assert.ok(!seen.cookie.includes('auth_refresh'), `document.cookie shows the session cookie: ${seen.cookie}`);
      // Cookies do not keep to a port, and this one has Path=/ (the __Host- prefix requires it): a
      // script of any page of the same host would be offered it too, unless it is HttpOnly.
      const probe = await context.newPage();
      await probe.goto(`${pageOrigin}/auth/probe`);
      const probeCookie = await probe.evaluate(() => document.cookie);
      await probe.close();
      assert.ok(!probeCookie.includes('auth_refresh') && !probeCookie.includes(token), `document.cookie under /auth: ${probeCookie}`);
    };

    await t.test('open the page in browser session mode', async () => {
      await page.goto(`${pageOrigin}/?api=${encodeURIComponent(apiUrl)}&session=cookie`);
      assert.equal(await page.isChecked('#session-cookie'), true);
    });

    let token;
    await t.test('login: tokens in the body except the refresh token, which is an HttpOnly cookie', async () => {
      await page.fill('#email', email);
      await page.fill('#password', password);
      const { resp, status, body } = await click('btn-login', 'out-login', '/auth/login');
      assert.equal(status, 200);
      assert.ok(body.accessToken && body.idToken, 'access and id tokens in the body');
      assert.equal(body.refreshToken, undefined, 'no refresh token in the JSON body');
      assert.equal((await resp.allHeaders())['access-control-allow-credentials'], 'true');
      const c = await sessionCookie();
      assert.ok(c, 'the browser stored the session cookie');
      assert.deepEqual(
        { httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite, path: c.path, domain: c.domain },
        { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', domain: 'localhost' },
      );
      const days = (c.expires - Date.now() / 1000) / 86400;
      assert.ok(days > 29.9 && days <= 30, `Max-Age is the pool's 30-day refresh token validity (${days} days)`);
      token = decodeURIComponent(c.value);
      assert.ok(token.length > 20);
      await assertInvisible(token);
      assert.equal(await page.getAttribute('#session-state', 'data-signed-in'), 'true');
    });

    await t.test('after a reload, Refresh tokens restores the session from the cookie', async () => {
      await page.reload();
      assert.equal(await page.getAttribute('#session-state', 'data-signed-in'), 'false', 'the access token was in memory only');
      assert.equal(await page.isChecked('#session-cookie'), true, 'the mode survives the reload (?session=cookie)');
      const { resp, status, body } = await click('btn-refresh', 'out-session', '/auth/refresh');
      assert.equal(status, 200, JSON.stringify(body));
      assert.ok(body.accessToken);
      assert.equal(body.refreshToken, undefined, 'no refresh token in the JSON body');
      const sent = (await resp.request().allHeaders());
      assert.equal(sent['x-requested-with'], 'fetch');
      assert.equal(await page.getAttribute('#session-state', 'data-signed-in'), 'true');
      const c = await sessionCookie();
      assert.ok(c?.httpOnly, 'still an HttpOnly cookie (rotated or kept)');
      await assertInvisible(decodeURIComponent(c.value));
      await assertInvisible(token);
      const [u] = await Promise.all([page.waitForResponse((r) => r.url() === `${apiUrl}/auth/userinfo`), page.click('#btn-userinfo')]);
      assert.equal(u.status(), 200, 'the restored access token works');
    });

    await t.test('logout revokes the cookie\'s token and clears the cookie', async () => {
      const { status, body } = await click('btn-logout', 'out-session', '/auth/logout');
      assert.equal(status, 200);
      assert.deepEqual(body, { signedOut: true, everywhere: true, refreshTokenRevoked: true });
      assert.equal(await sessionCookie(), undefined, 'the cookie is gone');
      assert.equal(await page.getAttribute('#session-state', 'data-signed-in'), 'false');
    });

    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await cookieStack.stop();
  }
});

// ---- Sign-in without a password (step 7 of the page) ------------------------------------------
// A signed-in user adds a passkey held by Chromium's DevTools virtual authenticator (CTAP2, internal
// transport, resident keys, user verification: a platform passkey), signs out, signs in with it,
// signs in again with an emailed code, deletes the passkey, and the deleted passkey no longer signs
// in. Cross-origin as above: the page is on http://localhost:<port> (the relying-party id is
// localhost, cdk/user-pool.json), the API on http://127.0.0.1:<port>.
// https://chromedevtools.github.io/devtools-protocol/tot/WebAuthn/
// It runs twice: with Chromium's own WebAuthn JSON helpers (PublicKeyCredential.parseCreationOptionsFromJSON,
// parseRequestOptionsFromJSON, credential.toJSON()), and with them removed before the page loads, as in a
// browser that lacks them, so the client package's fallback encoding does the ceremonies and the emulator
// (py_webauthn) verifies what it sent.
for (const helpers of ['native', 'fallback']) test(`passkeys and emailed codes through the demo page with a virtual authenticator (${helpers} WebAuthn JSON)`, { timeout: 180_000 }, async (t) => {
  const { apiUrl, pageOrigin } = live.stack;
  const context = await live.browser.newContext({ viewport: { width: 1280, height: 1100 } });
  if (helpers === 'fallback') {
    await context.addInitScript(() => {
      delete PublicKeyCredential.parseCreationOptionsFromJSON;
      delete PublicKeyCredential.parseRequestOptionsFromJSON;
      delete PublicKeyCredential.prototype.toJSON;
    });
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const heldCredentials = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;

  // What counts as a failure, the step helpers: as in the test above.
  const { expectFailure, act, expectOk, expectErr, signedIn, step, failed, checkNoProblems } = flowPage(t, page, { apiUrl, pageOrigin });

  const email = `e2e-pk-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'Corr3ct-Horse!battery';

  await step('register, verify and log in with the password', async () => {
    await page.goto(`${pageOrigin}/?api=${encodeURIComponent(apiUrl)}`);
    const present = await page.evaluate(() => [
      typeof PublicKeyCredential.parseCreationOptionsFromJSON,
      typeof PublicKeyCredential.parseRequestOptionsFromJSON,
      typeof PublicKeyCredential.prototype.toJSON,
    ]);
    assert.deepEqual(present, Array(3).fill(helpers === 'native' ? 'function' : 'undefined'), `the browser's WebAuthn JSON helpers (${helpers})`);
    await page.fill('#email', email);
    await page.fill('#password', password);
    expectOk(await act('btn-register', 'out-register'), 202, 'register');
    await page.fill('#verify-code', CODE);
    expectOk(await act('btn-verify', 'out-verify'), 200, 'verify');
    expectOk(await act('btn-login', 'out-login'), 200, 'login');
    assert.equal(await signedIn(), true);
  });

  await step('add a passkey: the virtual authenticator holds it, the API lists it', async () => {
    await page.fill('#passkey-current-password', password);
    expectOk(await act('btn-passkey-add', 'out-passkeys'), 200, 'add a passkey');
    const held = await heldCredentials();
    assert.equal(held.length, 1, 'one credential in the authenticator');
    assert.equal(held[0].rpId, 'localhost');
    assert.equal(held[0].isResidentCredential, true);
    const r = await act('btn-passkeys-list', 'out-passkeys');
    expectOk(r, 200, 'list passkeys');
    assert.match(r.text, /"authenticatorAttachment": "platform"/);
    assert.match(r.text, /"relyingPartyId": "localhost"/);
    assert.equal(await page.locator('#passkey-list li').count(), 1);
    // The credential id the API lists is the one the authenticator made (both base64url).
    assert.equal(await page.getAttribute('#passkey-list li', 'data-credential-id'), held[0].credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  });

  await step('log out, then sign in with the passkey', async () => {
    expectOk(await act('btn-logout', 'out-session'), 200, 'logout');
    assert.equal(await signedIn(), false);
    const r = await act('btn-passkey-signin', 'out-passwordless');
    expectOk(r, 200, 'passkey sign-in');
    assert.match(r.text, /accessToken/);
    assert.equal(await signedIn(), true);
    assert.equal((await heldCredentials())[0].signCount > 0, true, 'the authenticator signed');
    expectOk(await act('btn-userinfo', 'out-session'), 200, 'userinfo after passkey sign-in');
  });

  await step('log out, then sign in with an emailed code (a wrong code first, provoked)', async () => {
    expectOk(await act('btn-logout', 'out-session'), 200, 'logout');
    const r = await act('btn-email-code', 'out-passwordless');
    expectOk(r, 200, 'email me a code');
    assert.match(r.text, /"challenge": "EMAIL_OTP"/);
    assert.equal(await page.isVisible('#email-code-form'), true);
    assert.match(await page.textContent('#email-code-destination'), /\*\*\*@/);
    expectFailure('POST', '/auth/login/challenge', 400);
    await page.fill('#email-code', CODE === '000000' ? '999999' : '000000');
    expectErr(await act('btn-email-code-signin', 'out-passwordless'), 400, 'invalid_code', 'wrong emailed code');
    await page.fill('#email-code', CODE);
    const s = await act('btn-email-code-signin', 'out-passwordless');
    expectOk(s, 200, 'sign in with the code');
    assert.equal(await signedIn(), true);
    assert.equal(await page.isVisible('#email-code-form'), false);
  });

  await step('delete the passkey; the deleted passkey no longer signs in (provoked)', async () => {
    expectOk(await act('btn-passkeys-list', 'out-passkeys'), 200, 'list passkeys');
    const before = (await page.getAttribute('#out-passkeys', 'data-seq')) ?? '';
    await page.click('#passkey-list li button');
    await page.waitForFunction((seq) => (document.getElementById('out-passkeys')?.dataset.seq ?? '') !== seq, before);
    assert.equal(await page.getAttribute('#out-passkeys', 'data-status'), '200', await page.innerText('#out-passkeys'));
    await page.waitForFunction(() => document.querySelectorAll('#passkey-list li').length === 0);
    expectOk(await act('btn-logout', 'out-session'), 200, 'logout');
    // The authenticator still holds the credential and signs with it; the API refuses it.
    assert.equal((await heldCredentials()).length, 1);
    expectFailure('POST', '/auth/login/challenge', 401);
    expectErr(await act('btn-passkey-signin', 'out-passwordless'), 401, 'invalid_passkey', 'deleted passkey');
    assert.equal(await signedIn(), false);
  });

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `passwordless-${helpers}-${failed() ? 'failed' : 'final'}.png`), fullPage: true });

  await checkNoProblems();
  await context.close();
});
