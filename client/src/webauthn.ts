// The WebAuthn JSON conversions. The API speaks the standard JSON forms
// (PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON in, RegistrationResponseJSON /
// AuthenticationResponseJSON out: https://www.w3.org/TR/webauthn-3/#sctn-parseCreationOptionsFromJSON,
// https://www.w3.org/TR/webauthn-3/#dom-publickeycredential-tojson). Browsers that have
// PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON and
// credential.toJSON() do the conversion themselves and are used as they are; for the others this
// file converts the base64url fields the specification names, nothing more.
import { AuthApiError } from './errors.js';
import type { ApiErrorCode } from './generated/routes.js';

export type JsonObject = Record<string, unknown>;

// ---- base64url (RFC 4648 §5, no padding) ------------------------------------------------------------

export function toBase64url(bytes: ArrayBuffer | ArrayBufferView): string {
  const u8 = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let bin = '';
  for (let i = 0; i < u8.length; i += 0x8000) bin += String.fromCharCode(...u8.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64url(s: string): ArrayBuffer {
  // Padding is tolerated; anything outside the base64url alphabet is an error, not silently dropped.
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) {
    throw new TypeError(`not base64url: ${String(s).slice(0, 40)}`);
  }
  const b64 = s.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

// ---- the fallback conversions ----------------------------------------------------------------------

type Descriptor = { id: string; type: string; transports?: string[] };
const descriptors = (list: unknown) =>
  Array.isArray(list) ? (list as Descriptor[]).map((d) => ({ ...d, id: fromBase64url(d.id) })) : undefined;

/** PublicKeyCredentialCreationOptionsJSON → the options `navigator.credentials.create` takes. */
export function creationOptionsFromJSON(json: JsonObject): PublicKeyCredentialCreationOptions {
  const user = json['user'] as JsonObject;
  const out: JsonObject = { ...json, challenge: fromBase64url(json['challenge'] as string), user: { ...user, id: fromBase64url(user['id'] as string) } };
  if (json['excludeCredentials'] !== undefined) out['excludeCredentials'] = descriptors(json['excludeCredentials']);
  return out as unknown as PublicKeyCredentialCreationOptions;
}

/** PublicKeyCredentialRequestOptionsJSON → the options `navigator.credentials.get` takes. */
export function requestOptionsFromJSON(json: JsonObject): PublicKeyCredentialRequestOptions {
  const out: JsonObject = { ...json, challenge: fromBase64url(json['challenge'] as string) };
  if (json['allowCredentials'] !== undefined) out['allowCredentials'] = descriptors(json['allowCredentials']);
  return out as unknown as PublicKeyCredentialRequestOptions;
}

/** Extension outputs may hold bytes (e.g. prf results): base64url them, as toJSON() does. */
function extensionsToJSON(v: unknown): unknown {
  if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return toBase64url(v as ArrayBuffer);
  if (Array.isArray(v)) return v.map(extensionsToJSON);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, extensionsToJSON(x)]));
  return v;
}

/** A created or asserted PublicKeyCredential → RegistrationResponseJSON or AuthenticationResponseJSON. */
export function credentialToJSON(cred: PublicKeyCredential): JsonObject {
  const r = cred.response as AuthenticatorResponse & Partial<AuthenticatorAttestationResponse & AuthenticatorAssertionResponse>;
  const response: JsonObject = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject !== undefined) {
    // Registration (AuthenticatorAttestationResponseJSON).
    response['attestationObject'] = toBase64url(r.attestationObject);
    response['authenticatorData'] = toBase64url(r.getAuthenticatorData!());
    response['transports'] = r.getTransports ? r.getTransports() : [];
    const alg = r.getPublicKeyAlgorithm?.();
    if (alg !== undefined) response['publicKeyAlgorithm'] = alg;
    const key = r.getPublicKey?.();
    if (key) response['publicKey'] = toBase64url(key);
  } else {
    // Sign-in (AuthenticatorAssertionResponseJSON).
    response['authenticatorData'] = toBase64url(r.authenticatorData!);
    response['signature'] = toBase64url(r.signature!);
    if (r.userHandle) response['userHandle'] = toBase64url(r.userHandle);
  }
  const json: JsonObject = {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    response,
    type: cred.type,
    clientExtensionResults: extensionsToJSON(cred.getClientExtensionResults()),
  };
  if (cred.authenticatorAttachment) json['authenticatorAttachment'] = cred.authenticatorAttachment;
  return json;
}

// ---- the ceremonies --------------------------------------------------------------------------------

type PKC = typeof PublicKeyCredential & {
  parseCreationOptionsFromJSON?: (o: JsonObject) => PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON?: (o: JsonObject) => PublicKeyCredentialRequestOptions;
};

function browserPKC(): PKC | undefined {
  return (globalThis as unknown as { PublicKeyCredential?: PKC }).PublicKeyCredential;
}

function webauthnError(what: string, e: unknown): AuthApiError {
  const name = e instanceof Error ? e.name : 'Error';
  return new AuthApiError<ApiErrorCode>({
    kind: 'webauthn',
    code: 'webauthn_failed',
    // NotAllowedError: the user cancelled or the ceremony timed out; InvalidStateError: this
    // authenticator already holds a passkey for the account; SecurityError: wrong relying party.
    message: `${what}: the browser refused (${name}: ${e instanceof Error ? e.message : String(e)})`,
    cause: e,
  });
}

function credentials(): CredentialsContainer {
  const c = (globalThis as unknown as { navigator?: Navigator }).navigator?.credentials;
  if (!c || !browserPKC()) throw webauthnError('passkeys', new Error('this browser has no WebAuthn (navigator.credentials, PublicKeyCredential)'));
  return c;
}

const toJSON = (cred: PublicKeyCredential): JsonObject =>
  typeof (cred as { toJSON?: unknown }).toJSON === 'function' ? (cred.toJSON() as JsonObject) : credentialToJSON(cred);

/** One ceremony: the options JSON parsed (by the browser when it can), navigator.credentials.create/get, the response JSON. */
async function ceremony(kind: 'create' | 'get', options: JsonObject): Promise<JsonObject> {
  const container = credentials();
  const pkc = browserPKC()!;
  const what = `navigator.credentials.${kind}`;
  let cred: PublicKeyCredential | null;
  try {
    if (kind === 'create') {
      const publicKey = pkc.parseCreationOptionsFromJSON ? pkc.parseCreationOptionsFromJSON(options) : creationOptionsFromJSON(options);
      cred = (await container.create({ publicKey })) as PublicKeyCredential | null;
    } else {
      const publicKey = pkc.parseRequestOptionsFromJSON ? pkc.parseRequestOptionsFromJSON(options) : requestOptionsFromJSON(options);
      cred = (await container.get({ publicKey })) as PublicKeyCredential | null;
    }
  } catch (e) {
    throw webauthnError(what, e);
  }
  if (!cred) throw webauthnError(what, new Error('no credential'));
  return toJSON(cred);
}

/** Registration: creation options JSON in, RegistrationResponseJSON out. */
export const createCredential = (options: JsonObject): Promise<JsonObject> => ceremony('create', options);
/** Sign-in: request options JSON in, AuthenticationResponseJSON out. */
export const getCredential = (options: JsonObject): Promise<JsonObject> => ceremony('get', options);
