// The browser session mode (sessionCookie prop, -c sessionCookie=true): the functions that set,
// read or clear the cookie get SESSION_COOKIE=on and the cookie's Max-Age (the app client's refresh
// token validity), and the HTTP API's CORS allows credentials for the exact origins only, with the
// custom header of the cookie's CSRF check. Off by default.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { CognitoAuthApi, CognitoAuthApiProps } from '../../lib/cognito-auth-api';
import { appFromContext, definition, FROM_SOURCE, resourcesOf, SKIP_BUNDLING } from './helpers';

const COOKIE_ROUTES = ['login', 'loginChallenge', 'refresh', 'logout', 'deleteUser'];

function build(props: Partial<CognitoAuthApiProps> = {}): { stack: Stack; t: Template } {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  new CognitoAuthApi(stack, 'Api', { corsOrigins: ['https://app.example.com'], code: FROM_SOURCE, ...props } as CognitoAuthApiProps);
  return { stack, t: Template.fromStack(stack) };
}

/** Each function's environment by route name (from the function description, "Auth API <METHOD> <path>: ..."). */
function envByRoute(t: Template): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [, f] of resourcesOf(t, 'AWS::Lambda::Function')) {
    const d: string = f.Properties.Description ?? '';
    const r = definition.routes.find((x) => d.startsWith(`Auth API ${x.method} ${x.path}:`));
    if (r) out[r.name] = f.Properties.Environment?.Variables ?? {};
  }
  expect(Object.keys(out).sort()).toEqual(definition.routes.map((r) => r.name).sort());
  return out;
}

function cors(t: Template): any {
  const apis = resourcesOf(t, 'AWS::ApiGatewayV2::Api');
  expect(apis).toHaveLength(1);
  return apis[0][1].Properties.CorsConfiguration;
}

describe('browser session mode', () => {
  test('off by default: no credentials, no custom header, SESSION_COOKIE=off', () => {
    const { t } = build();
    const c = cors(t);
    expect(c.AllowCredentials ?? false).toBe(false);
    expect(c.AllowHeaders).not.toContain('x-requested-with');
    const env = envByRoute(t);
    for (const name of COOKIE_ROUTES) expect(env[name].SESSION_COOKIE).toBe('off');
  });

  test('on: the cookie routes get the mode and the refresh token validity as Max-Age; CORS allows credentials for exact origins', () => {
    const { t } = build({ sessionCookie: true, corsOrigins: ['https://app.example.com', 'https://admin.example.com'], passkeyRelyingPartyId: 'example.com' });
    const c = cors(t);
    expect(c.AllowCredentials).toBe(true);
    expect(c.AllowOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
    expect(c.AllowHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-requested-with']));
    const env = envByRoute(t);
    for (const name of COOKIE_ROUTES) {
      // cdk/user-pool.json: refreshTokenDays 30.
      expect({ name, mode: env[name].SESSION_COOKIE, maxAge: env[name].SESSION_COOKIE_MAX_AGE }).toEqual({ name, mode: 'on', maxAge: String(30 * 86400) });
      expect(env[name].CORS_ORIGIN).toBe('https://app.example.com,https://admin.example.com');
    }
    // The other functions neither need nor get it.
    for (const name of ['userinfo', 'register', 'openapi']) expect(env[name].SESSION_COOKIE).toBeUndefined();
  });

  test('Max-Age follows the refreshTokenValidity prop', () => {
    const { t } = build({ sessionCookie: true, refreshTokenValidity: Duration.days(7) });
    const env = envByRoute(t);
    for (const name of COOKIE_ROUTES) expect(env[name].SESSION_COOKIE_MAX_AGE).toBe(String(7 * 86400));
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', { RefreshTokenValidity: 7 * 24 * 60, TokenValidityUnits: Match.objectLike({ RefreshToken: 'minutes' }) });
  });

  test('a wildcard origin with the cookie mode fails synth, and so does corsAllowCredentials: false', () => {
    expect(() => build({ sessionCookie: true, corsOrigins: ['*'] })).toThrow(/exact origins, not "\*".*together with corsAllowCredentials or sessionCookie/);
    expect(() => build({ sessionCookie: true, corsOrigins: ['https://*.example.com'] })).toThrow(/exact origins/);
    expect(() => build({ sessionCookie: true, corsAllowCredentials: false })).toThrow(/sessionCookie needs CORS credentials/);
  });

  test('without a custom domain the construct warns that the cookie will not reach the API from the app', () => {
    const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('same site'));
    expect(warnings(build({ sessionCookie: true }).stack)).toHaveLength(1);
    expect(warnings(build({ sessionCookie: false }).stack)).toHaveLength(0);
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'D', { env: { account: '123456789012', region: 'us-east-1' } });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    new CognitoAuthApi(stack, 'Api', { corsOrigins: ['https://app.example.com'], code: FROM_SOURCE, sessionCookie: true, domainName: 'auth.example.com', certificate });
    expect(warnings(stack)).toHaveLength(0);
  });

  test('the app turns it on with -c sessionCookie=true and refuses other values', () => {
    const on = Template.fromStack(appFromContext({ sessionCookie: 'true', corsOrigins: 'https://app.example.com', frontDoor: 'false' }, false).stacks.api);
    expect(cors(on).AllowCredentials).toBe(true);
    expect(envByRoute(on).refresh.SESSION_COOKIE).toBe('on');
    const off = Template.fromStack(appFromContext({ corsOrigins: 'https://app.example.com', frontDoor: 'false' }, false).stacks.api);
    expect(envByRoute(off).refresh.SESSION_COOKIE).toBe('off');
    expect(() => appFromContext({ sessionCookie: 'yes', frontDoor: 'false' }, false)).toThrow(/sessionCookie must be true or false/);
  });
});
