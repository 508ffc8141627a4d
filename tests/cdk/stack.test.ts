import * as fs from 'fs';
import { POOL_ENDPOINT_ROUTES } from '../../lib/cognito-quotas';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CognitoAuthApiStack } from '../../lib/cognito-auth-api-stack';
import { MANAGED_RULE_GROUPS } from '../../lib/web-acl';
import { routeKey } from '../../lib/route-definition';
import { requestDeadlineMs } from '../../lib/cognito-auth-api';
import { Duration } from 'aws-cdk-lib';
import { appFromContext, definition, logicalId, resourcesOf } from './helpers';

// The default stack exactly as `npx cdk deploy` builds it in us-east-1 (front door on, web ACL in the stack).
let stack: CognitoAuthApiStack;
let t: Template;
beforeAll(() => {
  stack = appFromContext({ region: 'us-east-1' }, false).stacks.api;
  t = Template.fromStack(stack);
});

const fnId = (name: string) => logicalId(stack, stack.authApi.routes.find((r) => r.definition.name === name)!.function);
const fnProps = (name: string) => t.toJSON().Resources[fnId(name)].Properties;

describe('functions (one per route, one shared binary)', () => {
  test('one Rust function per route, all running the shared bootstrap binary on provided.al2023 x86_64', () => {
    const fns = resourcesOf(t, 'AWS::Lambda::Function').filter(([, r]) => r.Properties.Handler === 'bootstrap');
    expect(fns).toHaveLength(definition.routes.length);
    for (const [, r] of fns) {
      expect(r.Properties).toMatchObject({ Runtime: 'provided.al2023', Architectures: ['x86_64'], MemorySize: 256, Timeout: 10 });
    }
    // Same asset for every function: the binary is built (and uploaded) once.
    expect(new Set(fns.map(([, r]) => JSON.stringify(r.Properties.Code))).size).toBe(1);
  });

  test.each(definition.routes.map((r) => [r.name, r] as const))('%s: exactly the env vars its route lists, plus ORIGIN_VERIFY_SECRET_ARN', (name, route) => {
    const vars = fnProps(name).Environment.Variables;
    expect(Object.keys(vars).sort()).toEqual([...route.env, 'ORIGIN_VERIFY_SECRET_ARN'].sort());
    expect(vars.ORIGIN_VERIFY_SECRET_ARN).toEqual({ Ref: logicalId(stack, stack.authApi.originVerifySecret!) });
    if (route.env.includes('COGNITO_APP_CLIENT_SECRET_ARN')) {
      expect(vars.COGNITO_APP_CLIENT_SECRET_ARN).toEqual({ Ref: logicalId(stack, stack.authApi.clientSecret as any) });
    }
    if (route.env.includes('CORS_ORIGIN')) expect(vars.CORS_ORIGIN).toBe('http://localhost:5173');
    if (route.env.includes('TOTP_ISSUER')) expect(vars.TOTP_ISSUER).toBe('AuthApi');
    expect(vars).not.toHaveProperty('COGNITO_APP_CLIENT_SECRET');
  });

  test.each(definition.routes.map((r) => [r.name] as const))('%s: one request deadline, below its 10 s timeout', (name) => {
    const p = fnProps(name);
    expect(p.Environment.Variables.REQUEST_DEADLINE_MS).toBe('9000');
    expect(Number(p.Environment.Variables.REQUEST_DEADLINE_MS)).toBeLessThan(p.Timeout * 1000);
  });

  test('the deadline follows the function timeout', () => {
    expect(requestDeadlineMs(Duration.seconds(10))).toBe(9000);
    expect(requestDeadlineMs(Duration.seconds(29))).toBe(28000);
    expect(requestDeadlineMs(Duration.seconds(3))).toBe(2400);
    expect(requestDeadlineMs(Duration.seconds(1))).toBe(800);
  });

  test('JSON logs to a per-function log group with retention', () => {
    for (const r of stack.authApi.routes) {
      const p = fnProps(r.definition.name);
      expect(p.LoggingConfig).toEqual({
        LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN',
        LogGroup: { Ref: logicalId(stack, r.logGroup as any) },
      });
    }
    const groups = resourcesOf(t, 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(definition.routes.length + 1); // + the access log group
    for (const [, g] of groups) expect(g.Properties.RetentionInDays).toBe(30);
  });
});

describe('HTTP API', () => {
  test.each(definition.routes.map((r) => [routeKey(r), r] as const))('route %s invokes its own function (payload 2.0), JWT only on token routes', (key, r) => {
    const [[, route]] = resourcesOf(t, 'AWS::ApiGatewayV2::Route').filter(([, x]) => x.Properties.RouteKey === key);
    const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
    const integration = t.toJSON().Resources[integrationId].Properties;
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: { 'Fn::GetAtt': [fnId(r.name), 'Arn'] } });
    if (r.bearerToken) {
      expect(route.Properties.AuthorizationType).toBe('JWT');
      // Only access tokens carry this scope: an ID token (same issuer and audience) is refused by the gateway.
      expect(route.Properties.AuthorizationScopes).toEqual(['aws.cognito.signin.user.admin']);
      expect(route.Properties.AuthorizerId).toEqual({ Ref: expect.stringMatching(/CognitoJwt/) });
    } else {
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(route.Properties.AuthorizationScopes).toBeUndefined();
    }
  });

  test('no route outside the definition', () => {
    expect(resourcesOf(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey).sort()).toEqual(definition.routes.map(routeKey).sort());
  });

  test('Cognito JWT authorizer: issuer is the pool, audience the app client', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: logicalId(stack, stack.authApi.userPoolClient as any) }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.us-east-1.amazonaws.com/', { Ref: logicalId(stack, stack.authApi.userPool as any) }]] },
      },
    });
  });

  test('CORS preflight from the prop: exact origins, the definition\'s methods, no credentials', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['http://localhost:5173'],
        AllowCredentials: false,
        AllowHeaders: ['authorization', 'content-type', 'x-app-id'],
        AllowMethods: Match.arrayWith(['POST', 'GET', 'DELETE', 'OPTIONS']),
      },
    });
  });

  test('CORS exposes the headers the router exposes locally (Retry-After, X-Request-Id): API Gateway ignores the functions\' CORS headers', () => {
    const rust = fs.readFileSync(path.join(__dirname, '..', '..', 'lambda', 'auth-api', 'src', 'http.rs'), 'utf-8');
    const local = /pub const CORS_EXPOSE_HEADERS: &str = "([^"]+)"/.exec(rust)?.[1];
    expect(local).toBeDefined();
    const expected = local!.split(',').map((h) => h.trim().toLowerCase());
    expect(expected).toEqual(expect.arrayContaining(['retry-after', 'x-request-id']));
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: { ExposeHeaders: expected } });
  });

  test('CORS allows the request headers the router allows locally (X-App-Id included): API Gateway answers preflights itself', () => {
    const rust = fs.readFileSync(path.join(__dirname, '..', '..', 'lambda', 'auth-api', 'src', 'http.rs'), 'utf-8');
    const local = /pub const CORS_ALLOW_HEADERS: &str = "([^"]+)"/.exec(rust)?.[1];
    expect(local).toBeDefined();
    const expected = local!.split(',').map((h) => h.trim().toLowerCase());
    expect(expected).toContain('x-app-id');
    const api = Object.values(t.findResources('AWS::ApiGatewayV2::Api'))[0] as any;
    expect([...api.Properties.CorsConfiguration.AllowHeaders].sort()).toEqual([...expected].sort());
  });

  test('$default stage with the front door: auto-deploy, only the safety limit (the quota budgets are WAF rules), routes created first', () => {
    const [[stageId, stage]] = resourcesOf(t, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } });
    // But for the routes that call the pool's token endpoint (no room for another WAF quota rule: lib/cognito-quotas.ts).
    const own: Record<string, unknown> = {};
    for (const r of definition.routes.filter((x) => x.name in POOL_ENDPOINT_ROUTES)) own[routeKey(r)] = { ThrottlingRateLimit: r.throttle.rateLimit, ThrottlingBurstLimit: r.throttle.burstLimit };
    expect(Object.keys(own)).toHaveLength(2);
    expect(stage.Properties.RouteSettings).toEqual(own);
    const routeIds = resourcesOf(t, 'AWS::ApiGatewayV2::Route').map(([id]) => id);
    expect(t.toJSON().Resources[stageId].DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  test('$default stage without the front door: per-route throttles from the definition, quota-aligned', () => {
    const api = appFromContext({ region: 'eu-west-1', frontDoor: 'false' }, false).stacks.api;
    const [[, stage]] = resourcesOf(Template.fromStack(api), 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    const expected: Record<string, unknown> = {};
    for (const r of definition.routes) expected[routeKey(r)] = { ThrottlingRateLimit: r.throttle.rateLimit, ThrottlingBurstLimit: r.throttle.burstLimit };
    expect(stage.Properties.RouteSettings).toEqual(expected);
  });

  test('JSON access logs with the request id, to a log group with retention', () => {
    const [[, stage]] = resourcesOf(t, 'AWS::ApiGatewayV2::Stage');
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', ip: '$context.identity.sourceIp' });
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.authApi.accessLogGroup), 'Arn'] });
  });
});

describe('user pool and app client', () => {
  test('email sign-in, self sign-up, email verification, strong passwords, optional TOTP, email-only recovery', () => {
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: { PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      UserPoolTier: 'ESSENTIALS',
      DeletionProtection: 'ACTIVE',
      UserPoolAddOns: Match.absent(),
    });
  });

  test('kept on stack deletion by default', () => {
    t.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('app client: generated secret, only admin password auth and choice-based sign-in (USER_AUTH), refresh-token rotation (no REFRESH_TOKEN_AUTH), no user existence errors, revocation on', () => {
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      // Rotation refuses REFRESH_TOKEN_AUTH; refresh is GetTokensFromRefreshToken, which needs no flow.
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_AUTH'],
      RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 60 },
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 43200,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      AllowedOAuthFlowsUserPoolClient: false,
    });
  });

  test('the client secret goes to Secrets Manager straight from the client resource', () => {
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: { 'Fn::GetAtt': [logicalId(stack, stack.authApi.userPoolClient as any), 'ClientSecret'] },
    });
    expect(resourcesOf(t, 'AWS::Lambda::Function').filter(([, r]) => r.Properties.Handler !== 'bootstrap')).toHaveLength(0); // no custom resource to read it
  });

  test('threat protection is a prop: AUDIT/ENFORCED move the pool to the Plus plan', () => {
    const { api } = appFromContext({ region: 'us-east-1', threatProtection: 'ENFORCED' }, false).stacks;
    Template.fromStack(api).hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });
});

describe('front door', () => {
  test('CloudFront before the API: all methods, no caching, viewer headers except Host, HTTPS only', () => {
    const [[, dist]] = resourcesOf(t, 'AWS::CloudFront::Distribution');
    const c = dist.Properties.DistributionConfig;
    expect(c.DefaultCacheBehavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
      // Managed-AllViewerExceptHostHeader: every viewer header but Host (API Gateway needs its own). Viewer headers
      // only: CloudFront's generated ones (CloudFront-Viewer-Address) are not forwarded, hence the viewer function.
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
      ViewerProtocolPolicy: 'https-only',
    });
    expect(c.Origins).toHaveLength(1);
    expect(c.Origins[0].DomainName['Fn::Join'][1]).toEqual([{ Ref: logicalId(stack, stack.authApi.httpApi) }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]);
    expect(c.Origins[0].CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(c.WebACLId).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(stack.authApi.webAcl!.webAcl), 'Arn'] });
    // The viewer's address reaches the functions in x-viewer-ip, written by the viewer-request function.
    expect(c.DefaultCacheBehavior.FunctionAssociations).toEqual([{
      EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId(stack, stack.authApi.frontDoor!.viewerFunction), 'FunctionARN'] },
    }]);
    expect(c.IPV6Enabled).toBe(false);
  });

  test('origin-verify header value is a Secrets Manager dynamic reference', () => {
    const [[, dist]] = resourcesOf(t, 'AWS::CloudFront::Distribution');
    expect(dist.Properties.DistributionConfig.Origins[0].OriginCustomHeaders).toEqual([{
      HeaderName: 'x-origin-verify',
      HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalId(stack, stack.authApi.originVerifySecret!) }, ':SecretString:::}}']] },
    }]);
    t.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true } });
  });

  test('CLOUDFRONT web ACL: IP reputation, per-IP limits (stricter on the sensitive paths), the body size limit, managed groups, then the quota rules', () => {
    const [[, acl]] = resourcesOf(t, 'AWS::WAFv2::WebACL');
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
    const rules = acl.Properties.Rules;
    expect(rules.map((r: any) => r.Name)).toEqual([
      MANAGED_RULE_GROUPS[0], 'PerIpSensitivePaths', 'PerIpAllPaths', 'BodySizeLimit', MANAGED_RULE_GROUPS[1], MANAGED_RULE_GROUPS[2],
      ...stack.authApi.quotaRateRules.map((q) => `Quota${q.name}`),
    ]);
    const sensitive = rules[1].Statement.RateBasedStatement;
    expect(sensitive).toMatchObject({ AggregateKeyType: 'IP', Limit: 100, EvaluationWindowSec: 300 });
    const scope = sensitive.ScopeDownStatement;
    const regexes = scope.OrStatement ? scope.OrStatement.Statements.map((s: any) => s.RegexMatchStatement) : [scope.RegexMatchStatement];
    for (const r of regexes) expect(r).toMatchObject({ FieldToMatch: { UriPath: {} } });
    expect(rules[2].Statement.RateBasedStatement).toEqual({ AggregateKeyType: 'IP', Limit: 1000, EvaluationWindowSec: 300 });
    for (const r of [rules[1], rules[2]]) expect(r.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } } });
    for (const i of [0, 4, 5]) expect(rules[i]).toMatchObject({ OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS' } } });
    expect(new Set(rules.map((r: any) => r.Priority)).size).toBe(rules.length);
    expect(JSON.parse(acl.Properties.CustomResponseBodies.TooManyRequests.Content)).toEqual({ error: 'too_many_requests', message: 'Too many requests; retry later.' });
  });

  test('no regional web ACL on the user pool by default', () => {
    t.resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});

describe('operations', () => {
  test('six alarms on aggregate metrics, whatever the number of routes', () => {
    const alarms = resourcesOf(t, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(6);
    const byMetric = Object.fromEntries(alarms.map((a) => [`${a.Namespace}/${a.MetricName}`, a]));
    expect(Object.keys(byMetric).sort()).toEqual([
      'AWS/ApiGateway/5xx', 'AWS/ApiGateway/Latency', 'AWS/Lambda/Errors', 'AWS/Lambda/Throttles', `CognitoAuthApi/CognitoAuthApi/FailedLogins`,
      'CognitoAuthApi/CognitoAuthApi/RefreshTokenReuse',
    ].sort());
    // A single reused refresh token is an alarm.
    expect(byMetric['CognitoAuthApi/CognitoAuthApi/RefreshTokenReuse']).toMatchObject({ Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(byMetric['AWS/Lambda/Errors'].Dimensions).toBeUndefined();
    expect(byMetric['AWS/Lambda/Throttles'].Dimensions).toBeUndefined();
    expect(byMetric['AWS/ApiGateway/5xx'].Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: logicalId(stack, stack.authApi.httpApi) } }]);
    expect(byMetric['AWS/ApiGateway/Latency']).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 2000, EvaluationPeriods: 3 });
    for (const a of alarms) {
      expect(a).toMatchObject({ TreatMissingData: 'notBreaching', Period: 300 });
      expect(a.AlarmActions).toBeUndefined(); // no topic by default
    }
  });

  test('failed-login and reused-refresh-token metrics from the audit events of the functions\' log groups', () => {
    const filters = resourcesOf(t, 'AWS::Logs::MetricFilter').map(([, f]) => f.Properties);
    expect(filters.length).toBe(2 * definition.routes.length);
    const login = stack.authApi.routes.find((r) => r.definition.path === '/auth/login')!;
    expect(filters).toContainEqual({
      LogGroupName: { Ref: logicalId(stack, login.logGroup as any) },
      FilterPattern: '{ $.target = "audit" && $.action = "login" && $.outcome = "failure" }',
      MetricTransformations: [{ MetricNamespace: 'CognitoAuthApi/CognitoAuthApi', MetricName: 'FailedLogins', MetricValue: '1' }],
    });
    const refresh = stack.authApi.routes.find((r) => r.definition.path === '/auth/refresh')!;
    expect(filters).toContainEqual({
      LogGroupName: { Ref: logicalId(stack, refresh.logGroup as any) },
      FilterPattern: '{ $.target = "audit" && $.action = "refresh" && $.event = "refresh_token_reuse" }',
      MetricTransformations: [{ MetricNamespace: 'CognitoAuthApi/CognitoAuthApi', MetricName: 'RefreshTokenReuse', MetricValue: '1' }],
    });
  });

  test('alarms notify an SNS topic when one is given', () => {
    const api = appFromContext({ region: 'us-east-1', alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:ops' }, false).stacks.api;
    const alarms = resourcesOf(Template.fromStack(api), 'AWS::CloudWatch::Alarm');
    for (const [, a] of alarms) {
      expect(a.Properties.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:ops']);
      expect(a.Properties.OKActions).toEqual(['arn:aws:sns:us-east-1:123456789012:ops']);
    }
  });
});

describe('outputs', () => {
  test('ApiUrl is the CloudFront URL when the front door is on; pool and client ids', () => {
    const o = t.toJSON().Outputs;
    expect(o.ApiUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack, stack.authApi.distribution!), 'DomainName'] }, '/']] });
    expect(o.UserPoolId.Value).toEqual({ Ref: logicalId(stack, stack.authApi.userPool as any) });
    expect(o.UserPoolClientId.Value).toEqual({ Ref: logicalId(stack, stack.authApi.userPoolClient as any) });
  });

  test('ApiUrl is the HTTP API URL when the front door is off', () => {
    const api = appFromContext({ region: 'eu-west-1', frontDoor: 'false' }, false).stacks.api;
    const tt = Template.fromStack(api);
    expect(JSON.stringify(tt.toJSON().Outputs.ApiUrl.Value)).toContain('.execute-api.eu-west-1.');
    tt.resourceCountIs('AWS::CloudFront::Distribution', 0);
    tt.resourceCountIs('AWS::WAFv2::WebACL', 0);
    for (const [, f] of resourcesOf(tt, 'AWS::Lambda::Function')) expect(f.Properties.Environment.Variables).not.toHaveProperty('ORIGIN_VERIFY_SECRET_ARN');
  });
});
