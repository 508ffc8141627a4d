// A software WebAuthn authenticator (one ES256 credential, "none" attestation), what navigator.credentials.create()
// and .get() answer in RegistrationResponseJSON / AuthenticationResponseJSON form
// (https://www.w3.org/TR/webauthn-3/#dictdef-registrationresponsejson). CBOR by @levischuck/tiny-cbor, keys and
// signatures by node:crypto. The same shapes as the Python authenticator of tests/local-cognito/test_passwordless.py.
import * as crypto from 'crypto';
import { encodeCBOR } from '@levischuck/tiny-cbor';

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;
const AAGUID = Buffer.alloc(16);

const b64url = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64url');
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest();

export class SoftAuthenticator {
  private readonly key = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly credentialId = crypto.randomBytes(32);
  private counter = 0;
  private userHandle?: Buffer;

  get id(): string {
    return b64url(this.credentialId);
  }

  private cosePublicKey(): Uint8Array {
    const jwk = this.key.publicKey.export({ format: 'jwk' }) as { x: string; y: string };
    // COSE_Key (RFC 9053): kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y
    return encodeCBOR(new Map<number, any>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x, 'base64url')], [-3, Buffer.from(jwk.y, 'base64url')]]));
  }

  private static clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create() for PublicKeyCredentialCreationOptionsJSON, as seen from `origin` (`userVerified: false`: presence only, a key without a PIN). */
  register(options: any, origin: string, o: { userVerified?: boolean } = {}): any {
    const rpId: string = options.rp?.id;
    this.userHandle = Buffer.from(options.user?.id ?? '', 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([FLAG_UP | (o.userVerified === false ? 0 : FLAG_UV) | FLAG_AT]), counter, AAGUID, idLength, this.credentialId, Buffer.from(this.cosePublicKey())]);
    const attestation = encodeCBOR(new Map<string, any>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(SoftAuthenticator.clientData('webauthn.create', options.challenge, origin)),
        attestationObject: b64url(attestation),
        transports: ['internal'],
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  /** navigator.credentials.get() for PublicKeyCredentialRequestOptionsJSON; `badSignature` signs other bytes. */
  assert(options: any, origin: string, o: { badSignature?: boolean } = {}): any {
    const opts = typeof options === 'string' ? JSON.parse(options) : options;
    this.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const authData = Buffer.concat([sha256(opts.rpId), Buffer.from([FLAG_UP | FLAG_UV]), counter]);
    const clientData = SoftAuthenticator.clientData('webauthn.get', opts.challenge, origin);
    let signed = Buffer.concat([authData, sha256(clientData)]);
    if (o.badSignature) signed = Buffer.concat([signed.subarray(0, -1), Buffer.from([signed[signed.length - 1] ^ 1])]);
    const signature = crypto.sign('sha256', signed, this.key.privateKey); // DER ECDSA, as WebAuthn's ES256 wants
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: b64url(this.userHandle ?? Buffer.alloc(0)),
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }
}
