import * as fs from 'fs';
import * as path from 'path';

/**
 * The user pool's password policy, as declared in `cdk/user-pool.json`. The same object (as JSON) is
 * passed to the functions in `PASSWORD_POLICY`, which check it before calling Cognito.
 */
export interface PoolPasswordPolicy {
  /** Minimum length (Cognito allows 6 to 99). */
  readonly minLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireDigits: boolean;
  readonly requireSymbols: boolean;
  /** Days an administrator-set temporary password stays valid (0 to 365). */
  readonly tempPasswordValidityDays: number;
}

/** A first sign-in factor, by its Cognito API name. */
export type FirstAuthFactor = 'PASSWORD' | 'EMAIL_OTP' | 'WEB_AUTHN';
const FIRST_AUTH_FACTORS: readonly FirstAuthFactor[] = ['PASSWORD', 'EMAIL_OTP', 'WEB_AUTHN'];

/** Second factors of a created pool's MFA (`mfaSecondFactor` of `cdk/user-pool.json`). */
export interface PoolMfaSecondFactor {
  /** TOTP authenticator apps. */
  readonly otp: boolean;
  /** SMS text messages. */
  readonly sms: boolean;
}

/** Token lifetimes of a created app client (`tokenValidity` of `cdk/user-pool.json`). */
export interface PoolTokenValidity {
  /** Access token validity in minutes (5 to 1440). */
  readonly accessTokenMinutes: number;
  /** ID token validity in minutes (5 to 1440). */
  readonly idTokenMinutes: number;
  /** Refresh token validity in days (1 to 3650). */
  readonly refreshTokenDays: number;
}

/** Refresh-token rotation of a created app client (`refreshTokenRotation` of `cdk/user-pool.json`). */
export interface PoolRefreshTokenRotation {
  /** How long a rotated-out refresh token keeps working, for retries (0 to 60 seconds). */
  readonly retryGracePeriodSeconds: number;
}

/** Passkey settings (`passkeys` of `cdk/user-pool.json`). */
export interface PoolPasskeys {
  /** The relying-party id of the local emulator (`make dev`); a deployed pool's comes from the construct. */
  readonly relyingPartyId: string;
  /** WebAuthn user verification. */
  readonly userVerification: 'preferred' | 'required';
}

/** Code lifetimes (`codeValidity` of `cdk/user-pool.json`). */
export interface PoolCodeValidity {
  /** Hours a sign-up confirmation code stays valid. */
  readonly signUpHours: number;
  /** Hours a password-reset code stays valid. */
  readonly passwordResetHours: number;
}

/**
 * The whole user pool definition file (`cdk/user-pool.json`). Its string-literal unions reach jsii languages as
 * strings; the construct checks a definition given as a prop as strictly as the file (parseUserPoolDefinition).
 */
export interface UserPoolDefinition {
  readonly signInCaseSensitive: boolean;
  readonly passwordPolicy: PoolPasswordPolicy;
  readonly mfa: 'OFF' | 'OPTIONAL' | 'REQUIRED';
  readonly mfaSecondFactor: PoolMfaSecondFactor;
  readonly accountRecovery: 'EMAIL_ONLY' | 'EMAIL_AND_PHONE_WITHOUT_MFA' | 'NONE';
  readonly removalPolicy: 'RETAIN' | 'DESTROY';
  readonly deletionProtection: boolean;
  readonly tokenValidity: PoolTokenValidity;
  readonly authSessionValidityMinutes: number;
  /** Refresh-token rotation of the app client: the retry grace period of a rotated-out token (0-60 s). */
  readonly refreshTokenRotation: PoolRefreshTokenRotation;
  /**
   * Sign-in factors a user may start with (Cognito's `SignInPolicy.AllowedFirstAuthFactors`; PASSWORD is required),
   * those of `firstAuthFactorsNeedingSes` only when the pool sends email through Amazon SES (offeredFirstAuthFactors).
   */
  readonly allowedFirstAuthFactors: FirstAuthFactor[];
  /** Factors of `allowedFirstAuthFactors` offered only when the pool sends email through Amazon SES (EMAIL_OTP). */
  readonly firstAuthFactorsNeedingSes: FirstAuthFactor[];
  /** Passkey settings: the local relying-party id (`make dev`; a deployed pool's comes from the construct) and user verification. */
  readonly passkeys: PoolPasskeys;
  readonly codeValidity: PoolCodeValidity;
}

/** Where the pool definition lives in this repository (beside `cdk/routes.json`). */
export const DEFAULT_USER_POOL_FILE = path.join(__dirname, '..', 'cdk', 'user-pool.json');

/**
 * Check a parsed pool definition and return it typed. Throws naming the field, so a bad edit fails at
 * synth. Ranges are Cognito's documented ones: password length 6-99 and temporary password 0-365 days
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html),
 * access/id token 5 min-1 day, refresh token 1 h-3650 days, auth session 3-15 min
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html),
 * refresh-token rotation grace period 0-60 s
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html).
 */
export function parseUserPoolDefinition(raw: any, source = 'user pool definition'): UserPoolDefinition {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  const bool = (v: unknown, where: string): boolean => (typeof v === 'boolean' ? v : fail(`${where} must be true or false`));
  const int = (v: unknown, where: string, min: number, max: number): number =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(`${where} must be an integer from ${min} to ${max}`);
  const oneOf = <T extends string>(v: unknown, where: string, values: readonly T[]): T =>
    values.includes(v as T) ? (v as T) : fail(`${where} must be one of ${values.join(', ')}`);
  if (typeof raw !== 'object' || raw === null) fail('expected a JSON object');
  const p = raw.passwordPolicy ?? fail('passwordPolicy is required');
  const t = raw.tokenValidity ?? fail('tokenValidity is required');
  const c = raw.codeValidity ?? fail('codeValidity is required');
  const f = raw.mfaSecondFactor ?? fail('mfaSecondFactor is required');
  const r = raw.refreshTokenRotation ?? fail('refreshTokenRotation is required');
  const pk = raw.passkeys ?? fail('passkeys is required');
  const factors = Array.isArray(raw.allowedFirstAuthFactors) ? raw.allowedFirstAuthFactors : fail('allowedFirstAuthFactors must be a list');
  for (const x of factors) oneOf(x, 'allowedFirstAuthFactors[]', FIRST_AUTH_FACTORS);
  // "password: This must be true" (aws-cdk-lib AllowedFirstAuthFactors); the API's /auth/login needs it too.
  if (!factors.includes('PASSWORD')) fail('allowedFirstAuthFactors must include PASSWORD');
  // The file's {description, factors}, or the list itself (a definition parsed before, passed in again).
  const needingSesRaw = Array.isArray(raw.firstAuthFactorsNeedingSes) ? raw.firstAuthFactorsNeedingSes : raw.firstAuthFactorsNeedingSes?.factors;
  const needingSes = Array.isArray(needingSesRaw) ? needingSesRaw : fail('firstAuthFactorsNeedingSes.factors must be a list');
  for (const x of needingSes) oneOf(x, 'firstAuthFactorsNeedingSes.factors[]', ['EMAIL_OTP', 'WEB_AUTHN'] as const);
  return {
    signInCaseSensitive: bool(raw.signInCaseSensitive, 'signInCaseSensitive'),
    passwordPolicy: {
      minLength: int(p.minLength, 'passwordPolicy.minLength', 6, 99),
      requireLowercase: bool(p.requireLowercase, 'passwordPolicy.requireLowercase'),
      requireUppercase: bool(p.requireUppercase, 'passwordPolicy.requireUppercase'),
      requireDigits: bool(p.requireDigits, 'passwordPolicy.requireDigits'),
      requireSymbols: bool(p.requireSymbols, 'passwordPolicy.requireSymbols'),
      tempPasswordValidityDays: int(p.tempPasswordValidityDays, 'passwordPolicy.tempPasswordValidityDays', 0, 365),
    },
    mfa: oneOf(raw.mfa, 'mfa', ['OFF', 'OPTIONAL', 'REQUIRED'] as const),
    mfaSecondFactor: { otp: bool(f.otp, 'mfaSecondFactor.otp'), sms: bool(f.sms, 'mfaSecondFactor.sms') },
    accountRecovery: oneOf(raw.accountRecovery, 'accountRecovery', ['EMAIL_ONLY', 'EMAIL_AND_PHONE_WITHOUT_MFA', 'NONE'] as const),
    removalPolicy: oneOf(raw.removalPolicy, 'removalPolicy', ['RETAIN', 'DESTROY'] as const),
    deletionProtection: bool(raw.deletionProtection, 'deletionProtection'),
    tokenValidity: {
      accessTokenMinutes: int(t.accessTokenMinutes, 'tokenValidity.accessTokenMinutes', 5, 1440),
      idTokenMinutes: int(t.idTokenMinutes, 'tokenValidity.idTokenMinutes', 5, 1440),
      refreshTokenDays: int(t.refreshTokenDays, 'tokenValidity.refreshTokenDays', 1, 3650),
    },
    authSessionValidityMinutes: int(raw.authSessionValidityMinutes, 'authSessionValidityMinutes', 3, 15),
    refreshTokenRotation: { retryGracePeriodSeconds: int(r.retryGracePeriodSeconds, 'refreshTokenRotation.retryGracePeriodSeconds', 0, 60) },
    allowedFirstAuthFactors: [...factors],
    firstAuthFactorsNeedingSes: [...needingSes],
    passkeys: {
      relyingPartyId: typeof pk.relyingPartyId === 'string' && pk.relyingPartyId.length > 0 ? pk.relyingPartyId : fail('passkeys.relyingPartyId must be a host name'),
      userVerification: oneOf(pk.userVerification, 'passkeys.userVerification', ['preferred', 'required'] as const),
    },
    codeValidity: {
      signUpHours: int(c.signUpHours, 'codeValidity.signUpHours', 1, 8760),
      passwordResetHours: int(c.passwordResetHours, 'codeValidity.passwordResetHours', 1, 8760),
    },
  };
}

/**
 * The first factors a pool offers: `allowedFirstAuthFactors` without those of `firstAuthFactorsNeedingSes` unless the
 * pool sends email through Amazon SES. The emulator's bootstrap pool applies the same rule
 * (tests/local-cognito/fidelity.py offered_first_auth_factors), and the functions answer with the result
 * (`FIRST_AUTH_FACTORS`).
 */
export function offeredFirstAuthFactors(def: UserPoolDefinition, sendsWithSes: boolean): FirstAuthFactor[] {
  return def.allowedFirstAuthFactors.filter((f) => sendsWithSes || !def.firstAuthFactorsNeedingSes.includes(f));
}

/** Read and check a pool definition file (default: this repository's `cdk/user-pool.json`). */
export function loadUserPoolDefinition(file: string = DEFAULT_USER_POOL_FILE): UserPoolDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new Error(`cannot read user pool definition ${file}: ${(e as Error).message}`);
  }
  return parseUserPoolDefinition(raw, file);
}

/** The value of the functions' `PASSWORD_POLICY` variable: the policy's rules as compact JSON. */
export function passwordPolicyEnv(p: PoolPasswordPolicy): string {
  return JSON.stringify({
    minLength: p.minLength,
    requireLowercase: p.requireLowercase,
    requireUppercase: p.requireUppercase,
    requireDigits: p.requireDigits,
    requireSymbols: p.requireSymbols,
  });
}
