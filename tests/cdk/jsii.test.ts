// What Python and Java get of the public API (the jsii build, `npm run jsii`). jsii passes a string-literal union
// ('OFF' | 'OPTIONAL' | 'REQUIRED') to them as a plain string, so the construct checks those values again at synth;
// and jsii carries no free functions or constants, so static members stand for them and must say the same.
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as ts from 'typescript';
import {
  ACCESS_TOKEN_SCOPE, ARTIFACT_DIR, AuthApiCode, AuthApiDefinitions, AuthApiFrontDoor, AuthApiWebAcl, COGNITO_QUOTA_CATEGORY_ACTIONS,
  COGNITO_TRIGGER_KEYS, COGNITO_TRIGGER_WAIT_SECONDS, DEFAULT_TRIGGERS_FILE, loadTriggerDefinitions,
  CognitoAuthApi, CognitoQuotas, DEFAULT_COGNITO_QUOTAS, DEFAULT_MANIFEST_PATH, DEFAULT_ROUTES_FILE, DEFAULT_SENSITIVE_PATHS,
  DEFAULT_USER_POOL_FILE, EMAIL_OR_SECRET_ACTIONS, FRONT_DOOR_SAFETY_THROTTLE, MANAGED_RULE_GROUPS, ORIGIN_VERIFY_HEADER,
  QUOTA_RULE_WINDOW_SECONDS, RouteDefinition, TOKEN_ONLY_COGNITO_ACTIONS, VIEWER_IP_FUNCTION_FILE, VIEWER_IP_HEADER, iamActionsOf,
  loadUserPoolDefinition, passwordPolicyEnv, quotaCategoryOf, quotaRateRules, quotaUsage, requestDeadlineMs, routeKey, sensitivePathsOf,
  MAX_BODY_BYTES, WCU_INCLUDED, PATH_TRANSFORMATIONS, webAclCapacity, NON_ADJUSTABLE_COGNITO_QUOTAS, OWN_BUDGET_ROUTES, MAX_QUOTA_RULES,
  quotaRuleUsage, offeredFirstAuthFactors,
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
    expect(AuthApiDefinitions.loadTriggers()).toEqual(loadTriggerDefinitions());
    expect(AuthApiDefinitions.loadTriggers(DEFAULT_TRIGGERS_FILE)).toEqual(loadTriggerDefinitions());
    expect(() => AuthApiDefinitions.parseTriggers({ triggers: [{ name: 'x' }] }, 'mine')).toThrow(/^mine: triggers\[0\] \(x\)\.cognitoTrigger must be one of/);
    expect([AuthApiDefinitions.DEFAULT_TRIGGERS_FILE, AuthApiDefinitions.COGNITO_TRIGGER_WAIT_SECONDS]).toEqual([DEFAULT_TRIGGERS_FILE, COGNITO_TRIGGER_WAIT_SECONDS]);
    expect(AuthApiDefinitions.COGNITO_TRIGGER_KEYS).toEqual(COGNITO_TRIGGER_KEYS);
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
    expect([AuthApiWebAcl.MAX_BODY_BYTES, AuthApiWebAcl.WCU_INCLUDED, AuthApiWebAcl.PATH_TRANSFORMATIONS]).toEqual([MAX_BODY_BYTES, WCU_INCLUDED, [...PATH_TRANSFORMATIONS]]);
    const acl = new AuthApiWebAcl(stack(), 'Acl', { scope: 'CLOUDFRONT' });
    const rules = (acl.webAcl.rules as wafv2.CfnWebACL.RuleProperty[]);
    expect(AuthApiWebAcl.capacityOf(rules)).toBe(webAclCapacity(rules));
    expect([CognitoQuotas.NON_ADJUSTABLE, CognitoQuotas.OWN_BUDGET_ROUTES, CognitoQuotas.MAX_RULES]).toEqual([[...NON_ADJUSTABLE_COGNITO_QUOTAS], [...OWN_BUDGET_ROUTES], MAX_QUOTA_RULES]);
    const quotaRules = quotaRateRules(routes);
    expect(CognitoQuotas.ruleUsage(quotaRules, routes)).toEqual(quotaRuleUsage(quotaRules, routes));
    for (const ses of [true, false]) expect(AuthApiDefinitions.offeredFirstAuthFactors(pool, ses)).toEqual(offeredFirstAuthFactors(pool, ses));
  });
});

/**
 * Every free function and module constant lib/index.ts exports reaches TypeScript only. Each is listed here with the
 * static member that stands for it in Python and Java, or with why it needs none; a new one fails this test until
 * its author decides (docs/architecture.md, "Adding a construct prop").
 */
const TYPESCRIPT_ONLY: { readonly [name: string]: string } = {
  requestDeadlineMs: 'CognitoAuthApi.requestDeadlineMs', ACCESS_TOKEN_SCOPE: 'CognitoAuthApi.ACCESS_TOKEN_SCOPE',
  DEFAULT_MANIFEST_PATH: 'AuthApiCode.DEFAULT_MANIFEST_PATH', ARTIFACT_DIR: 'AuthApiCode.ARTIFACT_DIR',
  EMAIL_OR_SECRET_ACTIONS: 'AuthApiWebAcl.EMAIL_OR_SECRET_ACTIONS', DEFAULT_SENSITIVE_PATHS: 'AuthApiWebAcl.DEFAULT_SENSITIVE_PATHS',
  QUOTA_RULE_WINDOW_SECONDS: 'AuthApiWebAcl.QUOTA_RULE_WINDOW_SECONDS', MANAGED_RULE_GROUPS: 'AuthApiWebAcl.MANAGED_RULE_GROUPS',
  MAX_BODY_BYTES: 'AuthApiWebAcl.MAX_BODY_BYTES', PATH_TRANSFORMATIONS: 'AuthApiWebAcl.PATH_TRANSFORMATIONS',
  WCU_INCLUDED: 'AuthApiWebAcl.WCU_INCLUDED', webAclCapacity: 'AuthApiWebAcl.capacityOf', sensitivePathsOf: 'AuthApiWebAcl.sensitivePathsOf',
  WEB_ACL_RESPONSE_BODIES: 'none: the web ACL\'s custom response bodies, in the template',
  MANAGED_RULE_GROUP_SETTINGS: 'none: the web ACL\'s table of managed rule groups (capacity, rule overrides)',
  escapeRegex: 'none: a string helper of the path rules',
  FEDERATION_BROWSER_PATHS: 'none: federated sign-in\'s two paths among the sensitive ones (sensitivePathsOf includes them)',
  POOL_ENDPOINT_ROUTES: 'none: which routes call the pool\'s token endpoint (the throttles check uses it; the template shows their route settings)',
  poolEndpointQuotaUsage: 'none: the UserFederation row of CognitoAuthApi.quotaUsage, which jsii languages read there',
  TOKEN_ONLY_COGNITO_ACTIONS: 'AuthApiDefinitions.TOKEN_ONLY_COGNITO_ACTIONS', DEFAULT_ROUTES_FILE: 'AuthApiDefinitions.DEFAULT_ROUTES_FILE',
  iamActionsOf: 'AuthApiDefinitions.iamActionsOf', routeKey: 'AuthApiDefinitions.routeKey',
  parseApiDefinition: 'AuthApiDefinitions.parseRoutes', loadApiDefinition: 'AuthApiDefinitions.loadRoutes',
  DEFAULT_USER_POOL_FILE: 'AuthApiDefinitions.DEFAULT_USER_POOL_FILE', parseUserPoolDefinition: 'AuthApiDefinitions.parseUserPool',
  loadUserPoolDefinition: 'AuthApiDefinitions.loadUserPool', passwordPolicyEnv: 'AuthApiDefinitions.passwordPolicyEnv',
  offeredFirstAuthFactors: 'AuthApiDefinitions.offeredFirstAuthFactors',
  DEFAULT_APPS_FILE: 'AuthApiDefinitions.DEFAULT_APPS_FILE', parseApps: 'AuthApiDefinitions.parseApps', loadAppsDefinition: 'AuthApiDefinitions.loadApps',
  DEFAULT_TRIGGERS_FILE: 'AuthApiDefinitions.DEFAULT_TRIGGERS_FILE', COGNITO_TRIGGER_WAIT_SECONDS: 'AuthApiDefinitions.COGNITO_TRIGGER_WAIT_SECONDS',
  COGNITO_TRIGGER_KEYS: 'AuthApiDefinitions.COGNITO_TRIGGER_KEYS', loadTriggerDefinitions: 'AuthApiDefinitions.loadTriggers',
  parseTriggerDefinitions: 'AuthApiDefinitions.parseTriggers',
  COGNITO_QUOTA_CATEGORY_ACTIONS: 'CognitoQuotas.CATEGORY_ACTIONS', DEFAULT_COGNITO_QUOTAS: 'CognitoQuotas.DEFAULTS',
  NON_ADJUSTABLE_COGNITO_QUOTAS: 'CognitoQuotas.NON_ADJUSTABLE', OWN_BUDGET_ROUTES: 'CognitoQuotas.OWN_BUDGET_ROUTES',
  MAX_QUOTA_RULES: 'CognitoQuotas.MAX_RULES', quotaCategoryOf: 'CognitoQuotas.categoryOf', quotaUsage: 'CognitoQuotas.usage',
  quotaRuleUsage: 'CognitoQuotas.ruleUsage', quotaRateRules: 'CognitoQuotas.rateRules',
  checkCognitoQuotaOverrides: 'none: the construct applies it to the cognitoQuotas prop',
  ORIGIN_VERIFY_HEADER: 'AuthApiFrontDoor.ORIGIN_VERIFY_HEADER', VIEWER_IP_HEADER: 'AuthApiFrontDoor.VIEWER_IP_HEADER',
  VIEWER_IP_FUNCTION_FILE: 'AuthApiFrontDoor.VIEWER_IP_FUNCTION_FILE', FRONT_DOOR_SAFETY_THROTTLE: 'AuthApiFrontDoor.SAFETY_THROTTLE',
};

test('every TypeScript-only export of lib/index.ts has a static member for jsii languages, or a reason for none', () => {
  // The compiler's view of the exports (a free function and a class are both functions at run time).
  const index = path.join(__dirname, '..', '..', 'lib', 'index.ts');
  const program = ts.createProgram([index], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(index)!)!);
  const free = exported.filter((sym) => {
    const decl = (sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym).declarations?.[0];
    return decl !== undefined && (ts.isFunctionDeclaration(decl) || ts.isVariableDeclaration(decl));
  }).map((sym) => sym.name).sort();
  expect(free).toEqual(Object.keys(TYPESCRIPT_ONLY).sort());
  const lib = require('../../lib');
  for (const [name, standIn] of Object.entries(TYPESCRIPT_ONLY)) {
    if (standIn.startsWith('none: ')) continue;
    const [cls, member] = standIn.split('.');
    expect([name, typeof lib[cls]?.[member]]).toEqual([name, typeof lib[name]]);
  }
});
