// A resource server's view of the pre token generation trigger (tokenClaims): the emulator's pool runs this project's
// own trigger handler (auth-local's trigger listener, TOKEN_CLAIMS as the stack sets it) on every token issue, and the
// backend checks the access tokens with AWS's aws-jwt-verify against the emulator's JWKS: the scope a route needs
// (added by a group rule), the roles claim, and a token whose roles were edited after signing refused.
// Run by `make resource-servers` (which builds auth-local first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { accessTokenVerifier, caller } from './verify.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const authLocal = `${root}target/debug/auth-local`;
const CLAIMS = { groups: [{ group: 'editors', roles: ['editor'], scopes: ['notes-api/notes.write'] }], scopes: ['notes-api/notes.read'] };
let emulator;
let api;
let ready;

function firstLine(child, pattern, what) {
  let timer;
  const lines = createInterface({ input: child.stdout });
  return Promise.race([
    new Promise((resolve) => lines.on('line', (l) => { if (pattern.test(l)) resolve(l); })),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} printed no ready line`)), 60000); }),
  ]).finally(() => clearTimeout(timer));
}

before(async () => {
  assert.ok(existsSync(authLocal), `${authLocal} is not built (make resource-servers builds it)`);
  emulator = spawn(process.env.LOCAL_COGNITO_PYTHON ?? `${root}.venv/bin/python`,
    [`${root}tests/local-cognito/local_cognito.py`, '--port', '0', '--bootstrap', '--triggers', 'preTokenGeneration', '--exit-with-parent'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  ready = JSON.parse(await firstLine(emulator, /^\{/, 'the emulator'));
  api = spawn(authLocal, [], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_ENDPOINT_URL: ready.endpoint,
      COGNITO_USER_POOL_ID: ready.userPoolId, COGNITO_APP_CLIENT_ID: ready.clientId, COGNITO_APP_CLIENT_SECRET: ready.clientSecret,
      PASSWORD_POLICY: ready.passwordPolicy, CORS_ORIGIN: 'http://localhost:5173', PORT: '0', TRIGGER_PORT: '0', TOKEN_CLAIMS: JSON.stringify(CLAIMS),
    },
  });
  const line = await firstLine(api, /^triggers listening on /, 'auth-local');
  const endpoint = line.replace('triggers listening on ', '').trim();
  const r = await fetch(`${ready.endpoint}/_local/lambda`, { method: 'POST', body: JSON.stringify({ endpoint }) });
  assert.equal(r.status, 200);
});

after(() => {
  api?.kill();
  emulator?.kill();
});

function emulatorJwks() {
  const prefix = 'https://cognito-idp.us-east-1.amazonaws.com/';
  return new SimpleJwksCache({ fetcher: { fetch: async (uri) => (await fetch(`${ready.endpoint}/${uri.slice(prefix.length)}`)).arrayBuffer() } });
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

/** A confirmed user in `groups`, signed in through the API's own client as the login route does. */
async function accessToken(groups) {
  const email = `claims.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'Corr3ct-Horse-Battery!';
  const secretHash = (u) => createHmac('sha256', ready.clientSecret).update(u + ready.clientId).digest('base64');
  await cognito('SignUp', { ClientId: ready.clientId, Username: email, Password: password, SecretHash: secretHash(email), UserAttributes: [{ Name: 'email', Value: email }] });
  await cognito('AdminConfirmSignUp', { UserPoolId: ready.userPoolId, Username: email });
  for (const g of groups) {
    await fetch(ready.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.CreateGroup' }, body: JSON.stringify({ UserPoolId: ready.userPoolId, GroupName: g }) });
    await cognito('AdminAddUserToGroup', { UserPoolId: ready.userPoolId, Username: email, GroupName: g });
  }
  const r = await cognito('AdminInitiateAuth', {
    UserPoolId: ready.userPoolId, ClientId: ready.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: email, PASSWORD: password, SECRET_HASH: secretHash(email) },
  });
  return r.AuthenticationResult.AccessToken;
}

const backend = () => accessTokenVerifier({ userPoolId: ready.userPoolId, clientIds: [ready.clientId], jwksCache: emulatorJwks() });

test('an editor\'s access token carries the roles claim and the scopes the rules add, and passes the scope check', async () => {
  const token = await accessToken(['editors']);
  const claims = await caller(backend(), `Bearer ${token}`, 'notes-api/notes.write');
  assert.ok(claims, 'aws-jwt-verify refused the editor\'s token for notes.write');
  assert.deepEqual(claims.roles, ['editor']);
  assert.deepEqual(claims.scope.split(' ').sort(), ['aws.cognito.signin.user.admin', 'notes-api/notes.read', 'notes-api/notes.write']);
});

test('a user of no group gets the everyone-scope only: refused where notes.write is needed, accepted for notes.read', async () => {
  const token = await accessToken([]);
  assert.equal(await caller(backend(), `Bearer ${token}`, 'notes-api/notes.write'), null);
  const claims = await caller(backend(), `Bearer ${token}`, 'notes-api/notes.read');
  assert.deepEqual(claims?.roles, []);
});

test('a token whose roles or scope were edited after signing is refused', async () => {
  const token = await accessToken([]);
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const forged = [h, Buffer.from(JSON.stringify({ ...payload, roles: ['editor'], scope: `${payload.scope} notes-api/notes.write` })).toString('base64url'), s].join('.');
  assert.equal(await caller(backend(), `Bearer ${forged}`, 'notes-api/notes.write'), null);
});
