import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CognitoAuthApi } from '../../lib/cognito-auth-api';
import { defaultPasskeyRelyingPartyId, validatePasskeyRelyingPartyId } from '../../lib/passkeys';
import { loadUserPoolDefinition, offeredFirstAuthFactors } from '../../lib/user-pool-definition';
import { appFromContext, definition, FROM_SOURCE, resourcesOf, SKIP_BUNDLING, stackWith, template } from './helpers';

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

const SES = cognito.UserPoolEmail.withSES({ fromEmail: 'no-reply@example.com', sesRegion: 'us-east-1' });
const factorsOf = (tt: Template): string[] => resourcesOf(tt, 'AWS::Cognito::UserPool')[0][1].Properties.Policies.SignInPolicy.AllowedFirstAuthFactors;
const envOf = (tt: Template, name: string): string[] =>
  resourcesOf(tt, 'AWS::Lambda::Function').map(([, f]) => f.Properties.Environment?.Variables?.[name]).filter((v) => v !== undefined);

describe('the created pool and client allow passkeys and email codes', () => {
  // Two frontends of one domain: the operator names the shared registrable domain.
  const t = template(stackWith({ corsOrigins: ['https://app.example.com', 'https://www.example.com'], passkeyRelyingPartyId: 'example.com', email: SES }));

  test('Essentials plan, first factors from cdk/user-pool.json (EMAIL_OTP with SES), the relying party, user verification required', () => {
    expect(pool.allowedFirstAuthFactors).toEqual(expect.arrayContaining(['PASSWORD', 'WEB_AUTHN', 'EMAIL_OTP']));
    expect(pool.passkeys.userVerification).toBe('required');
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      WebAuthnRelyingPartyID: 'example.com',
      WebAuthnUserVerification: 'required',
    });
    expect([...factorsOf(t)].sort()).toEqual([...pool.allowedFirstAuthFactors].sort());
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
      expect(f.Properties.Environment.Variables.PASSKEY_USER_VERIFICATION).toBe('required');
      expect(f.Properties.Environment.Variables.FIRST_AUTH_FACTORS).toBe(factorsOf(t).join(','));
    }
  });
});

describe('EMAIL_OTP needs Amazon SES', () => {
  // "Email-based one-time password requires your Amazon Cognito user pool to be configured to use Amazon Simple Email
  // Service (SES)" (https://docs.amplify.aws/react/build-a-backend/auth/concepts/passwordless/).
  test('on Cognito\'s default sender (the default) the pool does not offer it, nor do the sign-in functions', () => {
    expect(pool.firstAuthFactorsNeedingSes).toEqual(['EMAIL_OTP']);
    const tt = template(stackWith());
    expect(factorsOf(tt)).toEqual(pool.allowedFirstAuthFactors.filter((f) => f !== 'EMAIL_OTP'));
    expect(envOf(tt, 'FIRST_AUTH_FACTORS')).toEqual(['PASSWORD,WEB_AUTHN']);
    expect(resourcesOf(tt, 'AWS::Cognito::UserPool')[0][1].Properties.EmailConfiguration).toBeUndefined();
    expect(offeredFirstAuthFactors(pool, false)).toEqual(['PASSWORD', 'WEB_AUTHN']);
  });

  test('asking for it without SES fails synth with the fix; SES turns it on, emailOtpSignIn: false keeps it off', () => {
    expect(() => stackWith({ emailOtpSignIn: true })).toThrow(/emailOtpSignIn needs the user pool to send email through Amazon SES.*Fix: set email: cognito\.UserPoolEmail\.withSES/s);
    expect(() => stackWith({ emailOtpSignIn: true, email: cognito.UserPoolEmail.withCognito('help@example.com') })).toThrow(/emailOtpSignIn needs/);
    expect(factorsOf(template(stackWith({ emailOtpSignIn: true, email: SES })))).toContain('EMAIL_OTP');
    const off = template(stackWith({ emailOtpSignIn: false, email: SES }));
    expect(factorsOf(off)).not.toContain('EMAIL_OTP');
    expect(envOf(off, 'FIRST_AUTH_FACTORS')).toEqual(['PASSWORD,WEB_AUTHN']);
  });

  test('with an existing pool the operator states it; the functions follow', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const s = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
    const userPool = cognito.UserPool.fromUserPoolId(s, 'P', 'us-east-1_abc');
    new CognitoAuthApi(s, 'Off', { corsOrigins: ['https://app.example.com'], userPool, frontDoor: false, code: FROM_SOURCE });
    new CognitoAuthApi(s, 'On', { corsOrigins: ['https://app.example.com'], userPool, frontDoor: false, code: FROM_SOURCE, emailOtpSignIn: true });
    expect(envOf(Template.fromStack(s), 'FIRST_AUTH_FACTORS').sort()).toEqual(['PASSWORD,EMAIL_OTP,WEB_AUTHN', 'PASSWORD,WEB_AUTHN']);
  });
});

describe('passkey user verification', () => {
  test('required by default; the prop (or context passkeyUserVerification) makes it preferred for the pool and the functions', () => {
    const preferred = template(stackWith({ passkeyUserVerification: cognito.PasskeyUserVerification.PREFERRED }));
    preferred.hasResourceProperties('AWS::Cognito::UserPool', { WebAuthnUserVerification: 'preferred' });
    expect(envOf(preferred, 'PASSKEY_USER_VERIFICATION')).toEqual(['preferred']);
    expect(envOf(template(stackWith()), 'PASSKEY_USER_VERIFICATION')).toEqual(['required']);
    const { api } = appFromContext({ region: 'us-east-1', passkeyUserVerification: 'preferred' }, false).stacks;
    Template.fromStack(api).hasResourceProperties('AWS::Cognito::UserPool', { WebAuthnUserVerification: 'preferred' });
    expect(() => appFromContext({ passkeyUserVerification: 'sometimes' }, false)).toThrow(/passkeyUserVerification must be required or preferred/);
  });
});
