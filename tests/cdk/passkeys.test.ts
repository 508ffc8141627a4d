import { defaultPasskeyRelyingPartyId, validatePasskeyRelyingPartyId } from '../../lib/passkeys';
import { loadUserPoolDefinition } from '../../lib/user-pool-definition';
import { definition, resourcesOf, stackWith, template } from './helpers';

const pool = loadUserPoolDefinition();

describe('the passkey relying-party id', () => {
  test('is the one host of corsOrigins', () => {
    expect(defaultPasskeyRelyingPartyId(['https://app.example.com'])).toBe('app.example.com');
    expect(defaultPasskeyRelyingPartyId(['https://app.example.com', 'https://app.example.com:8443'])).toBe('app.example.com');
    // localhost origins are for make dev; alone, they give localhost.
    expect(defaultPasskeyRelyingPartyId(['https://app.example.com', 'http://localhost:5173'])).toBe('app.example.com');
    expect(defaultPasskeyRelyingPartyId(['http://localhost:5173'])).toBe('localhost');
  });

  test('is a synth error saying what to set when corsOrigins are ambiguous', () => {
    expect(() => defaultPasskeyRelyingPartyId(['https://app.example.com', 'https://www.example.com'])).toThrow(/passkeyRelyingPartyId/);
    expect(() => defaultPasskeyRelyingPartyId(['https://203.0.113.7'])).toThrow(/passkeyRelyingPartyId/);
    expect(() => stackWith({ corsOrigins: ['https://a.example.com', 'https://b.example.net'] })).toThrow(
      /several hosts \(a\.example\.com, b\.example\.net\).*Set passkeyRelyingPartyId to the registrable domain they share/,
    );
    // An explicit id settles it.
    expect(() => stackWith({ corsOrigins: ['https://a.example.com', 'https://b.example.net'], passkeyRelyingPartyId: 'example.com' })).not.toThrow();
  });

  test('an explicit id must be a bare domain', () => {
    expect(validatePasskeyRelyingPartyId('example.com')).toBe('example.com');
    for (const bad of ['https://example.com', 'example.com:443', 'Example.com', 'example.com/', '']) {
      expect(() => validatePasskeyRelyingPartyId(bad)).toThrow(/passkeyRelyingPartyId/);
    }
    expect(() => stackWith({ passkeyRelyingPartyId: 'https://example.com' })).toThrow(/passkeyRelyingPartyId/);
  });
});

describe('the created pool and client allow passkeys and email codes', () => {
  // Two frontends of one domain: the operator names the shared registrable domain.
  const t = template(stackWith({ corsOrigins: ['https://app.example.com', 'https://www.example.com'], passkeyRelyingPartyId: 'example.com' }));

  test('Essentials plan, first factors from cdk/user-pool.json, the relying party', () => {
    expect(pool.allowedFirstAuthFactors).toEqual(expect.arrayContaining(['PASSWORD', 'WEB_AUTHN', 'EMAIL_OTP']));
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      WebAuthnRelyingPartyID: 'example.com',
      WebAuthnUserVerification: pool.passkeys.userVerification,
    });
    const [[, p]] = resourcesOf(t, 'AWS::Cognito::UserPool');
    expect([...p.Properties.Policies.SignInPolicy.AllowedFirstAuthFactors].sort()).toEqual([...pool.allowedFirstAuthFactors].sort());
  });

  test('the app client allows USER_AUTH besides the admin password flow (refresh is GetTokensFromRefreshToken, no flow)', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH'],
    });
  });

  test('the sign-in functions get the relying party and user verification the pool has', () => {
    const wanting = definition.routes.filter((r) => r.env.includes('PASSKEY_RP_ID'));
    expect(wanting.map((r) => r.name)).toContain('loginStart');
    const fns = resourcesOf(t, 'AWS::Lambda::Function').filter(([, f]) => f.Properties.Environment?.Variables?.PASSKEY_RP_ID);
    expect(fns.length).toBe(wanting.length);
    for (const [, f] of fns) {
      expect(f.Properties.Environment.Variables.PASSKEY_RP_ID).toBe('example.com');
      expect(f.Properties.Environment.Variables.PASSKEY_USER_VERIFICATION).toBe(pool.passkeys.userVerification);
    }
  });
});
