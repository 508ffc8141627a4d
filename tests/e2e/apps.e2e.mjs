// End-to-end: two apps of one pool in one headless Chromium (playwright-core), each the demo page on its own
// origin of the same site: app A is the API's own app (`default`, the demo page on DEMO_PORT), app B is the app
// `demo` of cdk/apps.json (the same page on APP_PORT, `?app=demo`: X-App-Id, its own app client). One user:
//   signed in on both, each app's access token names its own client, and B's backend check (the Node
//   resource-server example, aws-jwt-verify with B's client id) accepts B's token and refuses A's;
//   signing out of B only leaves A signed in; signing out everywhere on A ends B's session too.
// Single sign-on (B's tokens without typing the password again) is not built yet (docs/architecture.md
// "Single sign-on: design"): the user signs in on B with the password here.
// Fails on any console error, page error, failed request, unannounced API error or missing CORS header, on either page.
//
// Run: make e2e (installs what it needs). Env: CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { flowPage } from './page.mjs';
import { repo, stackAndBrowser } from './stack.mjs';

const require = createRequire(join(repo, 'examples/demo/package.json'));
const { chromium } = require('playwright-core');
// An app backend's token check: the resource-server example (its own package, aws-jwt-verify).
const { accessTokenVerifier, caller } = await import(join(repo, 'examples/resource-server-node/verify.mjs'));
const { SimpleJwksCache } = createRequire(join(repo, 'examples/resource-server-node/package.json'))('aws-jwt-verify/jwk');

const CODE = process.env.DEV_CONFIRMATION_CODE || '123456';
const live = stackAndBrowser(chromium, { secondApp: true, emailOtp: false });

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());

test('two apps on one pool: each its own tokens, a backend refuses the other app\'s, sign out of one or everywhere', { timeout: 180_000 }, async (t) => {
  const { apiUrl, pageOrigin, appOrigin, appId, cognitoUrl } = live.stack;
  assert.equal(appId, 'demo', 'make dev serves cdk/apps.json\'s app demo');
  assert.notEqual(appOrigin, pageOrigin);
  assert.equal(new URL(appOrigin).hostname, new URL(pageOrigin).hostname, 'two origins of one site');
  // What dev.sh's emulator made: the pool and each app's own user client.
  const ready = JSON.parse(readFileSync(join(repo, `.dev/local-cognito.${new URL(apiUrl).port}.json`), 'utf8'));
  const bClient = ready.apps.find((a) => a.id === appId).userClient.clientId;
  const aClient = ready.clientId;
  assert.notEqual(aClient, bClient);

  // The user, registered and confirmed through the API (as the default app).
  const email = `apps-e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'Corr3ct-Horse!battery';
  for (const [path, body, status] of [['/auth/register', { email, password }, 202], ['/auth/verify', { email, code: CODE }, 200]]) {
    const r = await fetch(`${apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, status, `${path}: ${await r.text()}`);
  }

  const context = await live.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const open = async (origin, query) => {
    const page = await context.newPage();
    const f = flowPage(t, page, { apiUrl, pageOrigin: origin });
    const logins = []; // each login answer's JSON, as the page received it
    page.on('response', async (resp) => {
      if (new URL(resp.url()).pathname === '/auth/login' && resp.request().method() === 'POST' && resp.status() === 200) logins.push(await resp.json());
    });
    await page.goto(`${origin}/?api=${encodeURIComponent(apiUrl)}${query}`);
    return { page, ...f, logins };
  };
  const a = await open(pageOrigin, '');
  const b = await open(appOrigin, `&app=${appId}`);
  const { step } = a;

  const signIn = async (p) => {
    await p.page.fill('#email', email);
    await p.page.fill('#password', password);
    p.expectOk(await p.act('btn-login', 'out-login'), 200, 'login');
    assert.equal(await p.signedIn(), true);
    return p.logins.at(-1).accessToken;
  };
  const verifierOf = (clientId) => accessTokenVerifier({
    userPoolId: ready.userPoolId,
    clientIds: [clientId],
    jwksCache: new SimpleJwksCache({
      fetcher: { fetch: async (uri) => (await fetch(`${cognitoUrl}/${uri.replace(/^https:\/\/cognito-idp\.[^/]+\//, '')}`)).arrayBuffer() },
    }),
  });

  let aToken;
  let bToken;
  await step('each page says which app it is', async () => {
    assert.equal(await a.page.textContent('#app-id'), 'default (no X-App-Id)');
    assert.equal(await b.page.textContent('#app-id'), appId);
  });

  await step('signed in on A and on B, each app\'s access token names its own client', async () => {
    aToken = await signIn(a);
    bToken = await signIn(b); // the password again: single sign-on is not built yet
    assert.equal(claims(aToken).client_id, aClient);
    assert.equal(claims(bToken).client_id, bClient);
  });

  await step('B\'s backend accepts B\'s access token and refuses A\'s', async () => {
    const bBackend = verifierOf(bClient);
    assert.equal((await caller(bBackend, `Bearer ${bToken}`))?.client_id, bClient);
    assert.equal(await caller(bBackend, `Bearer ${aToken}`), null);
    // And the API, asked as app B, refuses A's token before any Cognito call.
    const r = await fetch(`${apiUrl}/auth/userinfo`, { headers: { authorization: `Bearer ${aToken}`, 'x-app-id': appId } });
    assert.equal(r.status, 403);
    assert.equal((await r.json()).error, 'app_mismatch');
  });

  await step('signing out of B only ends B\'s session; A stays signed in', async () => {
    b.expectOk(await b.act('btn-logout-app', 'out-session'), 200, 'log out of this app');
    assert.match(await b.page.innerText('#out-session'), /"everywhere": false/);
    assert.equal(await b.signedIn(), false);
    a.expectOk(await a.act('btn-refresh', 'out-session'), 200, 'A refreshes');
    a.expectOk(await a.act('btn-userinfo', 'out-session'), 200, 'A userinfo');
  });

  await step('signing out everywhere on A ends B\'s new session too', async () => {
    bToken = await signIn(b);
    a.expectOk(await a.act('btn-logout', 'out-session'), 200, 'log out everywhere');
    assert.match(await a.page.innerText('#out-session'), /"everywhere": true/);
    // B's page still holds tokens: its refresh is refused, and the client ends the session.
    b.expectFailure('POST', '/auth/refresh', 401);
    b.expectErr(await b.act('btn-refresh', 'out-session'), 401, 'invalid_refresh_token', 'B refresh after everywhere');
    assert.equal(await b.signedIn(), false);
  });

  await a.checkNoProblems();
  await b.checkNoProblems();
  await context.close();
});
