// GENERATED from cdk/openapi.json by client/scripts/generate.mjs (the route table). Do not edit:
// run `npm run gen` in client/ (or `make openapi`); `npm run gen:check` fails when this file is stale.

import type { operations } from './openapi.js';

/** How an operation takes a JSON body. */
export type BodyRule = 'none' | 'optional' | 'required';

/** One route of the API. */
export interface RouteSpec {
  readonly method: string;
  readonly path: string;
  /** Needs `Authorization: Bearer <accessToken>`. */
  readonly bearer: boolean;
  readonly body: BodyRule;
}

/** Every operation of the API, by its operationId. */
export const routes = {
  /** DELETE /auth/user: Delete the signed-in user's own account (current password required) */
  deleteUser: { method: 'DELETE', path: '/auth/user', bearer: true, body: 'required' },
  /** GET /auth/federation/callback: Where Cognito returns a federated sign-in: check its state and hand the session to the app's return address */
  federationCallback: { method: 'GET', path: '/auth/federation/callback', bearer: false, body: 'none' },
  /** GET /auth/federation/start: Start a federated sign-in: redirect the browser to the named identity provider through Cognito */
  federationStart: { method: 'GET', path: '/auth/federation/start', bearer: false, body: 'none' },
  /** POST /auth/federation/token: Redeem a federated sign-in's hand-off for tokens (once) */
  federationToken: { method: 'POST', path: '/auth/federation/token', bearer: false, body: 'required' },
  /** POST /auth/login: Sign in with email and password; answers tokens or a challenge */
  login: { method: 'POST', path: '/auth/login', bearer: false, body: 'required' },
  /** POST /auth/login/challenge: Finish a login that returned a challenge (TOTP code, new password, emailed code, passkey) */
  loginChallenge: { method: 'POST', path: '/auth/login/challenge', bearer: false, body: 'required' },
  /** POST /auth/login/start: Sign in without a password: the first factors offered, or a passkey or emailed-code challenge */
  loginStart: { method: 'POST', path: '/auth/login/start', bearer: false, body: 'required' },
  /** POST /auth/logout: Sign out everywhere and revoke the refresh token */
  logout: { method: 'POST', path: '/auth/logout', bearer: true, body: 'optional' },
  /** GET /auth/openapi.json: This API's OpenAPI 3.1 document */
  openapi: { method: 'GET', path: '/auth/openapi.json', bearer: false, body: 'none' },
  /** DELETE /auth/passkey: Remove one of the signed-in user's passkeys */
  passkeyDelete: { method: 'DELETE', path: '/auth/passkey', bearer: true, body: 'required' },
  /** POST /auth/passkeys/register/complete: Finish adding a passkey with the browser's registration response */
  passkeyRegisterComplete: { method: 'POST', path: '/auth/passkeys/register/complete', bearer: true, body: 'required' },
  /** POST /auth/passkeys/register/start: Start adding a passkey (current password required): WebAuthn creation options */
  passkeyRegisterStart: { method: 'POST', path: '/auth/passkeys/register/start', bearer: true, body: 'required' },
  /** GET /auth/passkeys: The signed-in user's passkeys */
  passkeysList: { method: 'GET', path: '/auth/passkeys', bearer: true, body: 'none' },
  /** POST /auth/password/change: Change the signed-in user's password */
  passwordChange: { method: 'POST', path: '/auth/password/change', bearer: true, body: 'required' },
  /** POST /auth/password/forgot: Start a password reset; the same answer whether or not the email exists */
  passwordForgot: { method: 'POST', path: '/auth/password/forgot', bearer: false, body: 'required' },
  /** POST /auth/password/reset: Set a new password with the emailed reset code */
  passwordReset: { method: 'POST', path: '/auth/password/reset', bearer: false, body: 'required' },
  /** POST /auth/refresh: Exchange a refresh token for new access, id and refresh tokens (the one sent is rotated out) */
  refresh: { method: 'POST', path: '/auth/refresh', bearer: false, body: 'optional' },
  /** POST /auth/register: Create an unconfirmed user and send a confirmation code */
  register: { method: 'POST', path: '/auth/register', bearer: false, body: 'required' },
  /** POST /auth/resend: Send a new confirmation code */
  resend: { method: 'POST', path: '/auth/resend', bearer: false, body: 'required' },
  /** POST /auth/mfa/totp/setup: Start TOTP enrolment (current password required): a secret and an otpauth:// URI */
  totpSetup: { method: 'POST', path: '/auth/mfa/totp/setup', bearer: true, body: 'required' },
  /** POST /auth/mfa/totp/verify: Verify the first TOTP code and make TOTP the user's MFA method */
  totpVerify: { method: 'POST', path: '/auth/mfa/totp/verify', bearer: true, body: 'required' },
  /** GET /auth/userinfo: The signed-in user's profile */
  userinfo: { method: 'GET', path: '/auth/userinfo', bearer: true, body: 'none' },
  /** POST /auth/verify: Confirm a registration with the emailed code */
  verify: { method: 'POST', path: '/auth/verify', bearer: false, body: 'required' },
} as const satisfies { readonly [K in keyof operations]: RouteSpec };

/** An operationId. */
export type OperationId = keyof typeof routes;

/** Every error code the API answers (the Error schema's `error`). */
export type ApiErrorCode =
  | 'invalid_password'
  | 'sign_up_not_allowed'
  | 'invalid_json'
  | 'validation_error'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_parameter'
  | 'limit_exceeded'
  | 'too_many_requests'
  | 'forbidden'
  | 'service_unavailable'
  | 'internal_error'
  | 'unknown_app'
  | 'app_mismatch'
  | 'invalid_code'
  | 'expired_code'
  | 'invalid_credentials'
  | 'user_not_confirmed'
  | 'password_reset_required'
  | 'invalid_session'
  | 'invalid_passkey'
  | 'invalid_refresh_token'
  | 'refresh_token_reused'
  | 'origin_not_allowed'
  | 'csrf_header_missing'
  | 'duplicate_session_cookie'
  | 'missing_token'
  | 'invalid_token'
  | 'incorrect_password'
  | 'mfa_already_enabled'
  | 'mfa_not_set_up'
  | 'passkey_limit_reached'
  | 'passkey_rejected'
  | 'passkey_not_found'
  | 'federation_not_configured'
  | 'return_address_not_allowed'
  | 'invalid_handoff';

/** The error codes each operation can answer, by operationId. */
export interface OperationErrorCodes {
  deleteUser: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'incorrect_password' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  federationCallback: 'validation_error' | 'forbidden' | 'federation_not_configured' | 'payload_too_large' | 'internal_error';
  federationStart: 'validation_error' | 'return_address_not_allowed' | 'unknown_app' | 'forbidden' | 'federation_not_configured' | 'payload_too_large' | 'internal_error';
  federationToken: 'unknown_app' | 'invalid_json' | 'validation_error' | 'invalid_handoff' | 'app_mismatch' | 'forbidden' | 'federation_not_configured' | 'payload_too_large' | 'unsupported_media_type' | 'internal_error' | 'service_unavailable';
  login: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'invalid_credentials' | 'user_not_confirmed' | 'password_reset_required' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  loginChallenge: 'invalid_code' | 'expired_code' | 'invalid_password' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'invalid_session' | 'invalid_passkey' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  loginStart: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  logout: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'invalid_refresh_token' | 'missing_token' | 'invalid_token' | 'origin_not_allowed' | 'csrf_header_missing' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  openapi: 'forbidden' | 'payload_too_large' | 'internal_error';
  passkeyDelete: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'passkey_not_found' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  passkeyRegisterComplete: 'passkey_rejected' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'passkey_limit_reached' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  passkeyRegisterStart: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'incorrect_password' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'passkey_limit_reached' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  passkeysList: 'invalid_parameter' | 'unknown_app' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  passwordChange: 'invalid_password' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'incorrect_password' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  passwordForgot: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  passwordReset: 'invalid_code' | 'invalid_password' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  refresh: 'duplicate_session_cookie' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'invalid_refresh_token' | 'refresh_token_reused' | 'origin_not_allowed' | 'csrf_header_missing' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  register: 'invalid_password' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'sign_up_not_allowed' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  resend: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  totpSetup: 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'incorrect_password' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'mfa_already_enabled' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  totpVerify: 'invalid_code' | 'mfa_not_set_up' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  userinfo: 'invalid_parameter' | 'unknown_app' | 'missing_token' | 'invalid_token' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
  verify: 'invalid_code' | 'expired_code' | 'invalid_json' | 'validation_error' | 'invalid_parameter' | 'unknown_app' | 'forbidden' | 'app_mismatch' | 'payload_too_large' | 'unsupported_media_type' | 'limit_exceeded' | 'too_many_requests' | 'internal_error' | 'service_unavailable';
}
