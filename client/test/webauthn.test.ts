// Passkeys: the base64url codec, the fallback conversions (checked against the shapes the
// WebAuthn Level 3 JSON definitions give), which path the ceremonies take (the browser's own
// parse*FromJSON / toJSON when present, the fallback when not), and the one-call ceremonies
// through the client. The real-browser check of both paths is tests/e2e/demo.e2e.mjs (Chromium's
// virtual authenticator, the emulator verifying with py_webauthn).
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { AuthApiError, createAuthClient, creationOptionsFromJSON, credentialToJSON, fromBase64url, requestOptionsFromJSON, toBase64url } from '../src/index.js';
import { FakeApi } from './support/fake-api.js';
import { FakeClock } from './support/fake-clock.js';

const bytes = (...b: number[]) => new Uint8Array(b).buffer;
const hex = (b: ArrayBuffer) => Buffer.from(b).toString('hex');

describe('base64url', () => {
  test('round-trips every byte value and every length mod 3, unpadded, with - and _', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    for (let n = 0; n <= 7; n++) {
      const b = all.slice(250 - n, 250);
      const s = toBase64url(b);
      assert.equal(s, Buffer.from(b).toString('base64url'), `length ${n}`);
      assert.equal(hex(fromBase64url(s)), Buffer.from(b).toString('hex'));
    }
    const s = toBase64url(all);
    assert.equal(s, Buffer.from(all).toString('base64url'));
    assert.match(s, /-/);
    assert.match(s, /_/);
    assert.doesNotMatch(s, /[+/=]/);
    assert.equal(hex(fromBase64url(s)), Buffer.from(all).toString('hex'));
  });

  test('a typed-array view encodes its own bytes, not its whole buffer', () => {
    const buf = new Uint8Array([9, 1, 2, 3, 9]);
    assert.equal(toBase64url(buf.subarray(1, 4)), 'AQID');
  });

  test('large inputs (past the 32 KiB chunk) encode whole', () => {
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) & 255);
    assert.equal(toBase64url(big), Buffer.from(big).toString('base64url'));
  });

  test('padding is tolerated; other alphabets and impossible lengths are refused', () => {
    assert.equal(hex(fromBase64url('AQI=')), '0102');
    for (const bad of ['AQ+/', 'A Q', 'AQID!', 'A', 'AQIDB']) assert.throws(() => fromBase64url(bad), TypeError, bad);
  });
});

describe('the fallback conversions', () => {
  const creationJSON = {
    rp: { id: 'localhost', name: 'Auth API' },
    user: { id: 'dXNlci1pZA', name: 'jane@example.com', displayName: 'Jane' },
    challenge: 'AAECAwQ',
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }, { type: 'public-key', alg: -257 }],
    timeout: 300000,
    excludeCredentials: [{ id: '_-8', type: 'public-key', transports: ['internal'] }],
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    attestation: 'none',
  };

  test('creation options: challenge, user.id and excluded ids become bytes; everything else stays', () => {
    const o = creationOptionsFromJSON(creationJSON) as unknown as Record<string, unknown> & { user: { id: ArrayBuffer }; excludeCredentials: { id: ArrayBuffer }[] };
    assert.equal(hex(o['challenge'] as ArrayBuffer), '0001020304');
    assert.equal(Buffer.from(o.user.id).toString(), 'user-id');
    assert.equal(o.user['name' as 'id'] as unknown, 'jane@example.com');
    assert.equal(hex(o.excludeCredentials[0]!.id), 'ffef');
    assert.deepEqual((o.excludeCredentials[0] as unknown as { transports: string[] }).transports, ['internal']);
    assert.deepEqual(o['pubKeyCredParams'], creationJSON.pubKeyCredParams);
    assert.deepEqual(o['authenticatorSelection'], creationJSON.authenticatorSelection);
    assert.equal(creationJSON.challenge, 'AAECAwQ', 'the input is not changed');
  });

  test('request options: challenge and allowed ids become bytes; an absent list stays absent', () => {
    const o = requestOptionsFromJSON({ challenge: 'AAE', rpId: 'localhost', allowCredentials: [{ id: 'AQ', type: 'public-key' }], userVerification: 'required' }) as unknown as Record<string, unknown> & { allowCredentials: { id: ArrayBuffer }[] };
    assert.equal(hex(o['challenge'] as ArrayBuffer), '0001');
    assert.equal(hex(o.allowCredentials[0]!.id), '01');
    assert.equal(o['rpId'], 'localhost');
    assert.equal('allowCredentials' in requestOptionsFromJSON({ challenge: 'AAE' }), false);
  });

  const attestation = () =>
    ({
      id: 'AQID',
      rawId: bytes(1, 2, 3),
      type: 'public-key',
      authenticatorAttachment: 'platform',
      getClientExtensionResults: () => ({ credProps: { rk: true } }),
      response: {
        clientDataJSON: bytes(123, 125),
        attestationObject: bytes(0xa0),
        getAuthenticatorData: () => bytes(5, 6),
        getTransports: () => ['internal', 'hybrid'],
        getPublicKeyAlgorithm: () => -7,
        getPublicKey: () => bytes(7),
      },
    }) as unknown as PublicKeyCredential;

  test('a registration serialises as RegistrationResponseJSON', () => {
    assert.deepEqual(credentialToJSON(attestation()), {
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: { credProps: { rk: true } },
      response: { clientDataJSON: 'e30', attestationObject: 'oA', authenticatorData: 'BQY', transports: ['internal', 'hybrid'], publicKeyAlgorithm: -7, publicKey: 'Bw' },
    });
  });

  test('a sign-in serialises as AuthenticationResponseJSON; bytes in extension results too', () => {
    const cred = {
      id: 'AQID',
      rawId: bytes(1, 2, 3),
      type: 'public-key',
      authenticatorAttachment: null,
      getClientExtensionResults: () => ({ prf: { results: { first: bytes(255) } } }),
      response: { clientDataJSON: bytes(123, 125), authenticatorData: bytes(1), signature: bytes(2), userHandle: bytes(3) },
    } as unknown as PublicKeyCredential;
    assert.deepEqual(credentialToJSON(cred), {
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      clientExtensionResults: { prf: { results: { first: '_w' } } },
      response: { clientDataJSON: 'e30', authenticatorData: 'AQ', signature: 'Ag', userHandle: 'Aw' },
    });
  });
});

// ---- the ceremonies, with a fake browser ---------------------------------------------------------
type Calls = { parseCreation: number; parseRequest: number; toJSON: number; create: unknown[]; get: unknown[] };

function fakeBrowser(native: boolean, refuse?: string): Calls {
  const calls: Calls = { parseCreation: 0, parseRequest: 0, toJSON: 0, create: [], get: [] };
  const withToJSON = (c: PublicKeyCredential) =>
    native ? Object.assign(c, { toJSON: () => (calls.toJSON++, { native: true, id: c.id }) }) : c;
  const PKC: Record<string, unknown> = {};
  if (native) {
    PKC['parseCreationOptionsFromJSON'] = (o: Record<string, unknown>) => (calls.parseCreation++, { native: true, ...o });
    PKC['parseRequestOptionsFromJSON'] = (o: Record<string, unknown>) => (calls.parseRequest++, { native: true, ...o });
  }
  const g = globalThis as Record<string, unknown>;
  g['PublicKeyCredential'] = PKC;
  const refusal = () => Promise.reject(new DOMException('The operation either timed out or was not allowed.', refuse));
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: {
      credentials: {
        create: (o: { publicKey: unknown }) => (refuse ? refusal() : (calls.create.push(o.publicKey), Promise.resolve(withToJSON(attestationCred())))),
        get: (o: { publicKey: unknown }) => (refuse ? refusal() : (calls.get.push(o.publicKey), Promise.resolve(withToJSON(assertionCred())))),
      },
    },
  });
  return calls;
}
const attestationCred = () =>
  ({
    id: 'AQID',
    rawId: bytes(1, 2, 3),
    type: 'public-key',
    authenticatorAttachment: 'platform',
    getClientExtensionResults: () => ({}),
    response: { clientDataJSON: bytes(1), attestationObject: bytes(2), getAuthenticatorData: () => bytes(3), getTransports: () => ['internal'] },
  }) as unknown as PublicKeyCredential;
const assertionCred = () =>
  ({
    id: 'AQID',
    rawId: bytes(1, 2, 3),
    type: 'public-key',
    authenticatorAttachment: 'platform',
    getClientExtensionResults: () => ({}),
    response: { clientDataJSON: bytes(1), authenticatorData: bytes(2), signature: bytes(3), userHandle: null },
  }) as unknown as PublicKeyCredential;

describe('passkey ceremonies in one call', () => {
  afterEach(() => {
    delete (globalThis as Record<string, unknown>)['PublicKeyCredential'];
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: undefined });
  });

  async function signedInClient() {
    const clock = new FakeClock();
    const server = new FakeApi(clock);
    server.addUser('jane@example.com', 'pw');
    const auth = createAuthClient({ baseUrl: 'https://auth.example.com', fetch: server.fetch, clock });
    return { auth, server };
  }

  for (const native of [true, false]) {
    test(`${native ? "the browser's own JSON helpers" : 'the fallback (no JSON helpers)'}: register and sign in`, async () => {
      const calls = fakeBrowser(native);
      const { auth, server } = await signedInClient();
      await auth.signIn({ email: 'jane@example.com', password: 'pw' });
      assert.deepEqual(await auth.registerPasskey({ currentPassword: 'pw' }), { registered: true });
      await auth.signOut();
      const step = await auth.signInWithPasskey({ email: 'jane@example.com' });
      assert.equal(step.kind, 'signedIn');

      assert.deepEqual([calls.parseCreation, calls.parseRequest, calls.toJSON], native ? [1, 1, 2] : [0, 0, 0]);
      const created = calls.create[0] as { challenge: unknown };
      const asked = calls.get[0] as { challenge: unknown; rpId: string };
      if (native) {
        assert.equal(created.challenge, 'AAEC', 'the native parser had the JSON');
      } else {
        assert.equal(hex(created.challenge as ArrayBuffer), '000102');
        assert.equal(hex(asked.challenge as ArrayBuffer), '00010203');
      }
      assert.equal(asked.rpId, 'localhost');
      const complete = server.requests.find((r) => r.operation === 'passkeyRegisterComplete')!.body!['credential'] as Record<string, unknown>;
      const answer = server.requests.find((r) => r.operation === 'loginChallenge')!.body!;
      assert.equal(answer['challenge'], 'WEB_AUTHN');
      assert.equal(answer['answer'], undefined);
      if (native) {
        assert.deepEqual(complete, { native: true, id: 'AQID' });
      } else {
        assert.deepEqual(complete['response'], { clientDataJSON: 'AQ', attestationObject: 'Ag', authenticatorData: 'Aw', transports: ['internal'] });
        assert.deepEqual((answer['credential'] as Record<string, unknown>)['response'], { clientDataJSON: 'AQ', authenticatorData: 'Ag', signature: 'Aw' });
      }
    });
  }

  test('a cancelled ceremony is kind webauthn with the DOMException as cause, and nothing is sent', async () => {
    fakeBrowser(true, 'NotAllowedError');
    const { auth, server } = await signedInClient();
    await auth.signIn({ email: 'jane@example.com', password: 'pw' });
    await assert.rejects(auth.registerPasskey({ currentPassword: 'pw' }), (e: AuthApiError) => e.kind === 'webauthn' && e.code === 'webauthn_failed' && (e.cause as DOMException).name === 'NotAllowedError');
    assert.equal(server.count('passkeyRegisterComplete'), 0);
  });

  test('a browser without WebAuthn gets a clear webauthn error', async () => {
    const { auth } = await signedInClient();
    await assert.rejects(auth.signInWithPasskey({ email: 'jane@example.com' }), (e: AuthApiError) => e.kind === 'webauthn' && /no WebAuthn/.test(e.message));
  });
});
