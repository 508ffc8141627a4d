import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { loadUserPoolDefinition, parseUserPoolDefinition, passwordPolicyEnv } from '../../lib/user-pool-definition';
import { appFromContext, definition, resourcesOf, stackWith, template } from './helpers';

// cdk/user-pool.json is the one definition of the pool: these tests hold the construct to it (the
// emulator's pytest test_ready_line_and_bootstrap_configuration holds the local pool to the same file,
// and the Rust password_policy tests parse it).
const pool = loadUserPoolDefinition();

describe('the construct takes its pool settings from cdk/user-pool.json', () => {
  const t = template(stackWith());

  test('pool: case sensitivity, password policy, MFA, recovery, deletion protection', () => {
    const p = pool.passwordPolicy;
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameConfiguration: { CaseSensitive: pool.signInCaseSensitive },
      Policies: {
        PasswordPolicy: {
          MinimumLength: p.minLength,
          RequireLowercase: p.requireLowercase,
          RequireUppercase: p.requireUppercase,
          RequireNumbers: p.requireDigits,
          RequireSymbols: p.requireSymbols,
          TemporaryPasswordValidityDays: p.tempPasswordValidityDays,
        },
      },
      MfaConfiguration: { OFF: 'OFF', OPTIONAL: 'OPTIONAL', REQUIRED: 'ON' }[pool.mfa],
      EnabledMfas: pool.mfaSecondFactor.otp ? Match.arrayWith(['SOFTWARE_TOKEN_MFA']) : Match.absent(),
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: pool.deletionProtection ? 'ACTIVE' : 'INACTIVE',
    });
    expect(pool.accountRecovery).toBe('EMAIL_ONLY');
    t.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: pool.removalPolicy === 'RETAIN' ? 'Retain' : 'Delete' });
  });

  test('client: token lifetimes, auth session validity, refresh-token rotation grace period', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: pool.refreshTokenRotation.retryGracePeriodSeconds },
      AccessTokenValidity: pool.tokenValidity.accessTokenMinutes,
      IdTokenValidity: pool.tokenValidity.idTokenMinutes,
      RefreshTokenValidity: pool.tokenValidity.refreshTokenDays * 24 * 60,
      AuthSessionValidity: pool.authSessionValidityMinutes,
    });
  });

  test('a shorter access token by prop or context: whole minutes within Cognito\'s 5 minutes to 1 day, else a synth error with the fix', () => {
    template(stackWith({ accessTokenValidity: Duration.minutes(10) })).hasResourceProperties('AWS::Cognito::UserPoolClient', { AccessTokenValidity: 10 });
    const { api } = appFromContext({ region: 'us-east-1', accessTokenValidityMinutes: '15' }, false).stacks;
    template(api).hasResourceProperties('AWS::Cognito::UserPoolClient', { AccessTokenValidity: 15 });
    // https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html: access token 5 minutes - 1 day.
    for (const bad of [Duration.minutes(4), Duration.seconds(330), Duration.minutes(1441)]) {
      expect(() => stackWith({ accessTokenValidity: bad })).toThrow(/accessTokenValidity must be 5 to 1440 whole minutes.*Fix: pass e\.g\. Duration\.minutes\(15\)/);
    }
    expect(() => stackWith({ accessTokenValidity: Duration.minutes(5) })).not.toThrow();
    expect(() => appFromContext({ accessTokenValidityMinutes: '1.5' }, false)).toThrow(/accessTokenValidityMinutes must be a whole number of minutes/);
  });

  test('functions that take a new password get PASSWORD_POLICY from the file; the others do not', () => {
    const expected = passwordPolicyEnv(pool.passwordPolicy);
    expect(JSON.parse(expected)).toEqual({
      minLength: pool.passwordPolicy.minLength,
      requireLowercase: pool.passwordPolicy.requireLowercase,
      requireUppercase: pool.passwordPolicy.requireUppercase,
      requireDigits: pool.passwordPolicy.requireDigits,
      requireSymbols: pool.passwordPolicy.requireSymbols,
    });
    const takesPassword = new Set(['register', 'loginChallenge', 'passwordReset', 'passwordChange']);
    for (const r of definition.routes) expect([r.name, r.env.includes('PASSWORD_POLICY')]).toEqual([r.name, takesPassword.has(r.name)]);
    const fns = resourcesOf(t, 'AWS::Lambda::Function').map(([, f]) => f.Properties.Environment?.Variables ?? {});
    const withPolicy = fns.filter((v) => 'PASSWORD_POLICY' in v);
    expect(withPolicy).toHaveLength(takesPassword.size);
    for (const v of withPolicy) expect(v.PASSWORD_POLICY).toBe(expected);
  });

  test('a passwordPolicy prop overrides the file for the pool and the functions alike', () => {
    const custom = { ...pool.passwordPolicy, minLength: 16 };
    const tc = template(stackWith({ passwordPolicy: custom }));
    tc.hasResourceProperties('AWS::Cognito::UserPool', { Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 16 }) } });
    for (const [, f] of resourcesOf(tc, 'AWS::Lambda::Function')) {
      const v = f.Properties.Environment?.Variables ?? {};
      if ('PASSWORD_POLICY' in v) expect(JSON.parse(v.PASSWORD_POLICY).minLength).toBe(16);
    }
  });

  test('a bad definition fails with the field named', () => {
    const raw = JSON.parse(JSON.stringify(pool));
    raw.passwordPolicy.minLength = 4;
    expect(() => parseUserPoolDefinition(raw, 'x.json')).toThrow('x.json: passwordPolicy.minLength must be an integer from 6 to 99');
    raw.passwordPolicy.minLength = 12;
    raw.authSessionValidityMinutes = 30;
    expect(() => parseUserPoolDefinition(raw)).toThrow('authSessionValidityMinutes');
    raw.authSessionValidityMinutes = 3;
    raw.refreshTokenRotation.retryGracePeriodSeconds = 61;
    expect(() => parseUserPoolDefinition(raw)).toThrow('refreshTokenRotation.retryGracePeriodSeconds must be an integer from 0 to 60');
    delete raw.refreshTokenRotation;
    expect(() => parseUserPoolDefinition(raw)).toThrow('refreshTokenRotation is required');
  });
});
