// The example verifier against tokens the local emulator issues (tests/local-cognito: real RS256 tokens, the pool's
// JWKS): a machine client's token with and without the scope, another app's token, a user's ID token offered as an
// access token, and an expired token. Run by `make resource-servers`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { accessTokenVerifier, caller } from './verify.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
let emulator;
let ready;

before(async () => {
  emulator = spawn(process.env.LOCAL_COGNITO_PYTHON ?? `${root}.venv/bin/python`, [`${root}tests/local-cognito/local_cognito.py`, '--port', '0', '--bootstrap', '--exit-with-parent'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let timer;
  const line = await Promise.race([
    new Promise((resolve) => createInterface({ input: emulator.stdout }).once('line', resolve)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the emulator printed no ready line')), 30000); }),
  ]);
  clearTimeout(timer);
  ready = JSON.parse(line);
});

after(() => emulator?.kill());

/** A JWKS cache that fetches the pool's keys from the emulator instead of cognito-idp.<region>.amazonaws.com. */
function emulatorJwks() {
  const prefix = 'https://cognito-idp.us-east-1.amazonaws.com/';
  return new SimpleJwksCache({
    fetcher: {
      fetch: async (uri) => {
        assert.ok(uri.startsWith(prefix), uri);
        const r = await fetch(`${ready.endpoint}/${uri.slice(prefix.length)}`);
        return r.arrayBuffer();
      },
    },
  });
}

const machine = (app, id) => ready.apps.find((a) => a.id === app).machineClients.find((m) => m.id === id);

async function machineToken(m, scope) {
  const r = await fetch(ready.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${m.clientId}:${m.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  assert.equal(r.status, 200);
  return (await r.json()).access_token;
}

async function cognito(operation, body) {
  const r = await fetch(ready.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`, authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cognito-idp/aws4_request' },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  assert.equal(r.status, 200, JSON.stringify(json.__type));
  return json;
}

/** A confirmed user's tokens from the API's own app client (AdminInitiateAuth, as the login route signs in). */
async function userTokens() {
  const email = `res.${Date.now()}@example.com`;
  const password = 'Corr3ct-Horse-Battery!';
  const secretHash = (u) => createHmac('sha256', ready.clientSecret).update(u + ready.clientId).digest('base64');
  await cognito('SignUp', { ClientId: ready.clientId, Username: email, Password: password, SecretHash: secretHash(email), UserAttributes: [{ Name: 'email', Value: email }] });
  await cognito('AdminConfirmSignUp', { UserPoolId: ready.userPoolId, Username: email });
  const r = await cognito('AdminInitiateAuth', {
    UserPoolId: ready.userPoolId, ClientId: ready.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password, SECRET_HASH: secretHash(email) },
  });
  return r.AuthenticationResult;
}

// The reports app's backend: its API (reports-api) accepts its own exporter service, with the reports scope.
const reportsBackend = () => accessTokenVerifier({ userPoolId: ready.userPoolId, clientIds: [machine('reports', 'exporter').clientId], jwksCache: emulatorJwks() });

test('a machine token of a trusted client with the scope the route needs is accepted', async () => {
  const token = await machineToken(machine('reports', 'exporter'), 'reports-api/reports.read');
  const claims = await caller(reportsBackend(), `Bearer ${token}`, 'reports-api/reports.read');
  assert.ok(claims);
  assert.equal(claims.client_id, machine('reports', 'exporter').clientId);
  assert.equal(claims.token_use, 'access');
});

test('the same client without that scope is refused', async () => {
  const token = await machineToken(machine('reports', 'exporter'), 'demo-api/notes.read');
  assert.equal(await caller(reportsBackend(), `Bearer ${token}`, 'reports-api/reports.read'), null);
});

test('a token for another app is refused: another app\'s machine client, a user token of the API\'s client', async () => {
  const other = await machineToken(machine('demo', 'worker'), 'demo-api/notes.read');
  assert.equal(await caller(reportsBackend(), `Bearer ${other}`), null);
  const user = await userTokens();
  assert.equal(await caller(reportsBackend(), `Bearer ${user.AccessToken}`), null);
});

test('a user\'s ID token offered as an access token is refused, the access token of the same sign-in accepted', async () => {
  const user = await userTokens();
  const apiBackend = accessTokenVerifier({ userPoolId: ready.userPoolId, clientIds: [ready.clientId], jwksCache: emulatorJwks() });
  assert.equal(await caller(apiBackend, `Bearer ${user.IdToken}`), null);
  const claims = await caller(apiBackend, `Bearer ${user.AccessToken}`);
  assert.equal(claims?.client_id, ready.clientId);
});

test('an expired token is refused', async () => {
  // The emulator's short validity (/_local/faults accessTokenTtlSeconds): a token that expires after 1 s.
  await fetch(`${ready.endpoint}/_local/faults`, { method: 'POST', body: JSON.stringify({ accessTokenTtlSeconds: 1 }) });
  const token = await machineToken(machine('reports', 'exporter'), 'reports-api/reports.read');
  await fetch(`${ready.endpoint}/_local/faults`, { method: 'DELETE' });
  const verifier = reportsBackend();
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal(await caller(verifier, `Bearer ${token}`, 'reports-api/reports.read'), null);
  await assert.rejects(verifier.verify(token), /expired/i);
});

test('a forged token (payload changed) and a malformed header are refused', async () => {
  const token = await machineToken(machine('reports', 'exporter'), 'reports-api/reports.read');
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const forged = [h, Buffer.from(JSON.stringify({ ...payload, scope: 'reports-api/reports.read demo-api/notes.write' })).toString('base64url'), s].join('.');
  assert.equal(await caller(reportsBackend(), `Bearer ${forged}`), null);
  assert.equal(await caller(reportsBackend(), `Basic ${token}`), null);
  assert.equal(await caller(reportsBackend(), undefined), null);
});
