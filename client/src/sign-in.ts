// Sign-in answers as data: tokens (the session has begun), or a typed challenge that the app
// completes with one call. A challenge can be answered again after a wrong answer (`invalid_code`):
// its Cognito session is still good until it expires (then `invalid_session`: sign in again).
import type { components } from './generated/openapi.js';
import type { RequestOf, ResponseOf } from './http.js';
import type { SessionInfo, Tokens } from './session.js';
import { getCredential, type JsonObject } from './webauthn.js';

/** The first factors SELECT_CHALLENGE offers. */
export type Factor = 'WEB_AUTHN' | 'EMAIL_OTP' | 'PASSWORD';

export interface SignedIn {
  readonly kind: 'signedIn';
  readonly session: SessionInfo;
}

/** A TOTP code from the user's authenticator app. */
export interface TotpChallenge {
  readonly kind: 'challenge';
  readonly challenge: 'SOFTWARE_TOKEN_MFA';
  answer(code: string): Promise<SignInStep>;
}
/** An administrator created the account: the user must choose a password now. */
export interface NewPasswordChallenge {
  readonly kind: 'challenge';
  readonly challenge: 'NEW_PASSWORD_REQUIRED';
  answer(newPassword: string): Promise<SignInStep>;
}
/** A one-time code was emailed (`destination` is the masked address). */
export interface EmailCodeChallenge {
  readonly kind: 'challenge';
  readonly challenge: 'EMAIL_OTP';
  readonly destination: string | null;
  answer(code: string): Promise<SignInStep>;
}
/** Sign in with a passkey: `answer()` runs navigator.credentials.get and sends its result. */
export interface PasskeyChallenge {
  readonly kind: 'challenge';
  readonly challenge: 'WEB_AUTHN';
  answer(): Promise<SignInStep>;
}
/** The pool's first factors: the user picks one. */
export interface SelectChallenge {
  readonly kind: 'challenge';
  readonly challenge: 'SELECT_CHALLENGE';
  readonly available: readonly Factor[];
  select(factor: 'WEB_AUTHN' | 'EMAIL_OTP'): Promise<SignInStep>;
  select(factor: 'PASSWORD', password: string): Promise<SignInStep>;
}
/** A challenge this API cannot answer (`name` is Cognito's name for it). */
export interface UnsupportedChallenge {
  readonly kind: 'challenge';
  readonly challenge: 'UNSUPPORTED';
  readonly name: string;
}

export type Challenge = TotpChallenge | NewPasswordChallenge | EmailCodeChallenge | PasskeyChallenge | SelectChallenge | UnsupportedChallenge;
export type SignInStep = SignedIn | Challenge;

type LoginAnswer = ResponseOf<'login'> | ResponseOf<'loginStart'> | ResponseOf<'loginChallenge'>;
type ChallengeAnswer = components['schemas']['ChallengeResponse'];
/** The challenges /auth/login/challenge accepts (the generated request type's enum). */
type Answerable = RequestOf<'loginChallenge'>['challenge'];

export interface SignInContext {
  send<Op extends 'login' | 'loginStart' | 'loginChallenge'>(operation: Op, body: RequestOf<Op>): Promise<ResponseOf<Op>>;
  begin(tokens: Tokens): SessionInfo;
}

const isTokens = (a: LoginAnswer): a is Tokens => typeof (a as { accessToken?: unknown }).accessToken === 'string';

export function signInStep(ctx: SignInContext, email: string, answer: LoginAnswer): SignInStep {
  if (isTokens(answer)) return { kind: 'signedIn', session: ctx.begin(answer) };
  const c = answer as ChallengeAnswer;
  const respond = async (challenge: Answerable, extra: { answer?: string; credential?: JsonObject }) =>
    signInStep(ctx, email, await ctx.send('loginChallenge', { email, challenge, session: c.session, ...extra }));

  // Every challenge the API answers has a builder here: a new one in the document fails this
  // object's type check (`satisfies`) until it is handled.
  const builders = {
    SOFTWARE_TOKEN_MFA: (): TotpChallenge => ({ kind: 'challenge', challenge: 'SOFTWARE_TOKEN_MFA', answer: (code) => respond('SOFTWARE_TOKEN_MFA', { answer: code }) }),
    NEW_PASSWORD_REQUIRED: (): NewPasswordChallenge => ({
      kind: 'challenge',
      challenge: 'NEW_PASSWORD_REQUIRED',
      answer: (newPassword) => respond('NEW_PASSWORD_REQUIRED', { answer: newPassword }),
    }),
    EMAIL_OTP: (): EmailCodeChallenge => ({
      kind: 'challenge',
      challenge: 'EMAIL_OTP',
      destination: c.codeDeliveryDestination ?? null,
      answer: (code) => respond('EMAIL_OTP', { answer: code }),
    }),
    WEB_AUTHN: (): PasskeyChallenge => ({
      kind: 'challenge',
      challenge: 'WEB_AUTHN',
      answer: async () => respond('WEB_AUTHN', { credential: await getCredential((c.credentialRequestOptions ?? {}) as JsonObject) }),
    }),
  } satisfies Record<Answerable, () => Challenge>;

  if (c.challenge === 'SELECT_CHALLENGE') {
    const available = (c.availableChallenges ?? []).filter((f): f is Factor => f === 'WEB_AUTHN' || f === 'EMAIL_OTP' || f === 'PASSWORD');
    return {
      kind: 'challenge',
      challenge: 'SELECT_CHALLENGE',
      available,
      select: ((factor: Factor, password?: string) => startFactor(ctx, email, factor, password)) as SelectChallenge['select'],
    };
  }
  const build = (builders as Record<string, (() => Challenge) | undefined>)[c.challenge];
  return build ? build() : { kind: 'challenge', challenge: 'UNSUPPORTED', name: c.challenge };
}

/** A first factor chosen: `PASSWORD` is /auth/login, the others /auth/login/start with a preference. */
export async function startFactor(ctx: SignInContext, email: string, factor: Factor, password?: string): Promise<SignInStep> {
  if (factor === 'PASSWORD') return signInStep(ctx, email, await ctx.send('login', { email, password: password ?? '' }));
  return signInStep(ctx, email, await ctx.send('loginStart', { email, preferredChallenge: factor }));
}
