// cognito-auth-api-client: the browser client of the auth API.
export { createAuthClient, type AuthClient, type AuthClientOptions } from './client.js';
export type { Api, ApiFunction, CallOptions } from './api.js';
export { AuthApiError, isAuthApiError, type ClientErrorCode, type ErrorKind } from './errors.js';
export type { ApiErrorCode, OperationErrorCodes, OperationId } from './generated/routes.js';
export { routes } from './generated/routes.js';
export type { components as Schemas } from './generated/openapi.js';
export type { Clock, RequestOf, ResponseInfo, ResponseOf, SessionMode } from './http.js';
export type { SessionEventName, SessionEvents, SessionInfo, SignOutOptions, SignOutResult } from './session.js';
export type {
  Challenge,
  EmailCodeChallenge,
  Factor,
  NewPasswordChallenge,
  PasskeyChallenge,
  SelectChallenge,
  SignInStep,
  SignedIn,
  TotpChallenge,
  UnsupportedChallenge,
} from './sign-in.js';
export { creationOptionsFromJSON, credentialToJSON, fromBase64url, requestOptionsFromJSON, toBase64url } from './webauthn.js';
