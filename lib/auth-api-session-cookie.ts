// The browser session mode of CognitoAuthApi (prop `sessionCookie`, context `sessionCookie`): the functions that
// set, read or clear the refresh-token cookie get SESSION_COOKIE=on and its Max-Age (the app client's refresh
// token validity), and the HTTP API's CORS allows credentials, for the exact corsOrigins only, and the custom
// header of the cookie's CSRF check. The cookie itself is the Rust side's (lambda/auth-api/src/session_cookie.rs).
import { Annotations, Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { UserPoolDefinition } from './user-pool-definition';

/** The request header a cookie-authenticated request must carry (a plain HTML form cannot send it). */
export const SESSION_COOKIE_CSRF_HEADER = 'x-requested-with';

/** What the browser session mode needs from the props. */
export interface SessionCookieProps {
  readonly sessionCookie?: boolean;
  readonly corsAllowCredentials?: boolean;
  readonly refreshTokenValidity?: Duration;
  readonly domainName?: string;
}

/** The mode as the construct applies it. */
export interface SessionCookieSettings {
  readonly enabled: boolean;
  /** CORS `allowCredentials`: the corsAllowCredentials prop, else on with the mode. */
  readonly allowCredentials: boolean;
  /** Extra CORS allowed headers. */
  readonly allowHeaders: string[];
  /** SESSION_COOKIE and SESSION_COOKIE_MAX_AGE, for the routes that list them. */
  readonly env: { readonly SESSION_COOKIE: string; readonly SESSION_COOKIE_MAX_AGE: string };
}

/**
 * Checks the props and derives the settings. Throws when the mode would be broken (credentials turned off), and
 * warns without a custom domain: `SameSite=Strict` cookies are sent only when the page and the API are the same
 * site, which the default CloudFront or execute-api host never is for an app
 * (https://developer.mozilla.org/docs/Glossary/Site).
 */
export function sessionCookieSettings(scope: Construct, props: SessionCookieProps, poolDef: UserPoolDefinition): SessionCookieSettings {
  const enabled = props.sessionCookie ?? false;
  if (enabled && props.corsAllowCredentials === false) {
    throw new Error(
      'CognitoAuthApi: sessionCookie needs CORS credentials (the browser sends the cookie cross-origin only with them); ' +
        'remove corsAllowCredentials: false.',
    );
  }
  if (enabled && !props.domainName) {
    Annotations.of(scope).addWarningV2(
      'cognito-auth-api:sessionCookieSite',
      'sessionCookie: browsers send the SameSite=Strict session cookie only when the app and the API are on the same site. ' +
        'Give the front door a custom domain under your app\'s domain (domainName, certificate); the default CloudFront or ' +
        'execute-api host never receives the cookie from your app.',
    );
  }
  // The cookie lasts as long as the refresh token in it: the client's validity (prop, else the pool definition).
  const validity = props.refreshTokenValidity ?? Duration.days(poolDef.tokenValidity.refreshTokenDays);
  return {
    enabled,
    allowCredentials: props.corsAllowCredentials ?? enabled,
    allowHeaders: enabled ? [SESSION_COOKIE_CSRF_HEADER] : [],
    env: { SESSION_COOKIE: enabled ? 'on' : 'off', SESSION_COOKIE_MAX_AGE: String(validity.toSeconds()) },
  };
}
