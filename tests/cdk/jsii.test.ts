// What Python and Java get of the public API (the jsii build, `npm run jsii`). jsii passes a string-literal union
// ('OFF' | 'OPTIONAL' | 'REQUIRED') to them as a plain string, so the construct checks those values again at synth;
// and jsii carries no free functions or constants, so static members stand for them and must say the same.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  ACCESS_TOKEN_SCOPE, ARTIFACT_DIR, AuthApiCode, AuthApiDefinitions, AuthApiFrontDoor, AuthApiWebAcl, COGNITO_QUOTA_CATEGORY_ACTIONS,
  CognitoAuthApi, CognitoQuotas, DEFAULT_COGNITO_QUOTAS, DEFAULT_MANIFEST_PATH, DEFAULT_ROUTES_FILE, DEFAULT_SENSITIVE_PATHS,
  DEFAULT_USER_POOL_FILE, EMAIL_OR_SECRET_ACTIONS, FRONT_DOOR_SAFETY_THROTTLE, MANAGED_RULE_GROUPS, ORIGIN_VERIFY_HEADER,
  QUOTA_RULE_WINDOW_SECONDS, RouteDefinition, TOKEN_ONLY_COGNITO_ACTIONS, VIEWER_IP_FUNCTION_FILE, VIEWER_IP_HEADER, iamActionsOf,
  loadUserPoolDefinition, passwordPolicyEnv, quotaCategoryOf, quotaRateRules, quotaUsage, requestDeadlineMs, routeKey, sensitivePathsOf,
} from '../../lib';
import { FROM_SOURCE, SKIP_BUNDLING, definition } from './helpers';

const pool = loadUserPoolDefinition();
const stack = () => new Stack(new App({ context: SKIP_BUNDLING }), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
const api = (s: Stack, props: object) => new CognitoAuthApi(s, 'Api', { corsOrigins: ['https://app.example.com'], frontDoor: false, code: FROM_SOURCE, ...props });

describe('values the TypeScript types checked, checked again at synth', () => {
  test('AuthApiWebAcl scope', () => {
    expect(() => new AuthApiWebAcl(stack(), 'Acl', { scope: 'GLOBAL' as any })).toThrow(/AuthApiWebAcl: scope must be 'CLOUDFRONT' or 'REGIONAL' \(got "GLOBAL"\)/);
  });

  test.each([
    ['mfa', { mfa: 'ON' }],
    ['accountRecovery', { accountRecovery: 'PHONE_ONLY' }],
    ['removalPolicy', { removalPolicy: 'SNAPSHOT' }],
    ['allowedFirstAuthFactors\\[\\]', { allowedFirstAuthFactors: ['PASSWORD', 'SMS_OTP'] }],
    ['passkeys.userVerification', { passkeys: { ...pool.passkeys, userVerification: 'discouraged' } }],
    ['tokenValidity.accessTokenMinutes', { tokenValidity: { ...pool.tokenValidity, accessTokenMinutes: 2 } }],
  ])('a userPoolDefinition prop with a bad %s', (field, change) => {
    expect(() => api(stack(), { userPoolDefinition: { ...pool, ...change } })).toThrow(new RegExp(`^CognitoAuthApi: userPoolDefinition: ${field} must`));
  });

  test('an apiDefinition prop with a bad method', () => {
    const routes = definition.routes.map((r, i) => (i === 0 ? { ...r, method: 'FETCH' } : r));
    expect(() => api(stack(), { apiDefinition: { routes } })).toThrow(/^CognitoAuthApi: apiDefinition: routes\[0\] \(\w+\)\.method must be one of GET/);
  });

  test('valid definitions given as props build what the defaults build', () => {
    const a = stack();
    const b = stack();
    api(a, {});
    api(b, { apiDefinition: AuthApiDefinitions.loadRoutes(), userPoolDefinition: AuthApiDefinitions.loadUserPool() });
    expect(Template.fromStack(b).toJSON()).toEqual(Template.fromStack(a).toJSON());
  });
});

describe('the static members jsii carries say what the TypeScript functions and constants say', () => {
  const routes = definition.routes;
  const slowLogin = { login: { rateLimit: 7, burstLimit: 14 } };
  const slowLoginFn = (r: RouteDefinition) => (r.name === 'login' ? slowLogin.login : r.throttle);

  test('AuthApiDefinitions', () => {
    expect(AuthApiDefinitions.loadRoutes()).toEqual(definition);
    expect(AuthApiDefinitions.loadRoutes(DEFAULT_ROUTES_FILE)).toEqual(definition);
    expect(AuthApiDefinitions.parseRoutes(JSON.parse(JSON.stringify(definition)))).toEqual(definition);
    expect(() => AuthApiDefinitions.parseRoutes({ routes: [] }, 'mine')).toThrow(/^mine: "routes" is empty/);
    expect(AuthApiDefinitions.loadUserPool()).toEqual(pool);
    expect(() => AuthApiDefinitions.parseUserPool({ ...pool, mfa: 'ON' }, 'mine')).toThrow(/^mine: mfa must be one of OFF, OPTIONAL, REQUIRED/);
    expect(routes.map((r) => AuthApiDefinitions.routeKey(r.method, r.path))).toEqual(routes.map(routeKey));
    expect(routes.map((r) => AuthApiDefinitions.iamActionsOf(r.cognitoActions))).toEqual(routes.map(iamActionsOf));
    expect(AuthApiDefinitions.passwordPolicyEnv(pool.passwordPolicy)).toBe(passwordPolicyEnv(pool.passwordPolicy));
    expect([AuthApiDefinitions.DEFAULT_ROUTES_FILE, AuthApiDefinitions.DEFAULT_USER_POOL_FILE]).toEqual([DEFAULT_ROUTES_FILE, DEFAULT_USER_POOL_FILE]);
    expect(AuthApiDefinitions.TOKEN_ONLY_COGNITO_ACTIONS).toEqual([...TOKEN_ONLY_COGNITO_ACTIONS]);
  });

  test('CognitoQuotas: route throttles by name stand for the throttle function', () => {
    expect(CognitoQuotas.usage(routes)).toEqual(quotaUsage(routes));
    expect(CognitoQuotas.usage(routes, { ...DEFAULT_COGNITO_QUOTAS, UserRead: 5 }, slowLogin))
      .toEqual(quotaUsage(routes, { ...DEFAULT_COGNITO_QUOTAS, UserRead: 5 }, slowLoginFn));
    expect(CognitoQuotas.rateRules(routes, undefined, slowLogin)).toEqual(quotaRateRules(routes, DEFAULT_COGNITO_QUOTAS, slowLoginFn));
    expect(CognitoQuotas.rateRules(routes, undefined, slowLogin)).not.toEqual(quotaRateRules(routes));
    expect(CognitoQuotas.categoryOf('ForgotPassword')).toBe(quotaCategoryOf('ForgotPassword'));
    expect(CognitoQuotas.categoryOf('NoSuchAction')).toBeUndefined();
    expect(CognitoQuotas.CATEGORY_ACTIONS).toEqual(COGNITO_QUOTA_CATEGORY_ACTIONS);
    expect(CognitoQuotas.DEFAULTS).toEqual(DEFAULT_COGNITO_QUOTAS);
  });

  test('constants on the classes', () => {
    expect(CognitoAuthApi.ACCESS_TOKEN_SCOPE).toBe(ACCESS_TOKEN_SCOPE);
    for (const s of [1, 3, 10, 29]) expect(CognitoAuthApi.requestDeadlineMs(Duration.seconds(s))).toBe(requestDeadlineMs(Duration.seconds(s)));
    expect([AuthApiFrontDoor.ORIGIN_VERIFY_HEADER, AuthApiFrontDoor.VIEWER_IP_HEADER, AuthApiFrontDoor.VIEWER_IP_FUNCTION_FILE])
      .toEqual([ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER, VIEWER_IP_FUNCTION_FILE]);
    expect(AuthApiFrontDoor.SAFETY_THROTTLE).toEqual(FRONT_DOOR_SAFETY_THROTTLE);
    expect(AuthApiWebAcl.MANAGED_RULE_GROUPS).toEqual(MANAGED_RULE_GROUPS);
    expect(AuthApiWebAcl.EMAIL_OR_SECRET_ACTIONS).toEqual(EMAIL_OR_SECRET_ACTIONS);
    expect(AuthApiWebAcl.QUOTA_RULE_WINDOW_SECONDS).toBe(QUOTA_RULE_WINDOW_SECONDS);
    expect(AuthApiWebAcl.DEFAULT_SENSITIVE_PATHS).toEqual(DEFAULT_SENSITIVE_PATHS);
    expect(AuthApiWebAcl.sensitivePathsOf(routes)).toEqual(sensitivePathsOf(definition));
    expect([AuthApiCode.ARTIFACT_DIR, AuthApiCode.DEFAULT_MANIFEST_PATH]).toEqual([ARTIFACT_DIR, DEFAULT_MANIFEST_PATH]);
  });
});
