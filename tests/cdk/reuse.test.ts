import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CognitoAuthApi, ThreatProtection } from '../../lib';
import { routeKey } from '../../lib/route-definition';
import { definition, FROM_SOURCE, logicalId, resourcesOf, SKIP_BUNDLING } from './helpers';

// The construct as a platform team uses it: inside its own stack, next to its own resources, with
// non-default props. Each case synthesizes as documented.
describe('construct reuse in a second stack', () => {
  test('existing user pool and client, custom origins, WAF off, arm64, own memory/timeout/log retention', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'PlatformStack', { env: { region: 'eu-central-1', account: '111122223333' } });
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'eu-central-1_AbCdEf');
    const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'Client', '1example23456789');
    const userPoolClientSecret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'ClientSecret',
      'arn:aws:secretsmanager:eu-central-1:111122223333:secret:auth-client-AbCdEf');
    const api = new CognitoAuthApi(stack, 'Auth', {
      userPool, userPoolClient, userPoolClientSecret,
      corsOrigins: ['https://portal.example.org', 'https://admin.example.org:8443'],
      // Two hosts: the relying-party id is named, not guessed (the existing pool's WebAuthnRelyingPartyID).
      passkeyRelyingPartyId: 'example.org',
      frontDoor: false,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: Duration.seconds(5),
      totpIssuer: 'Example Org',
      code: FROM_SOURCE,
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
    t.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
    t.resourceCountIs('AWS::CloudFront::Distribution', 0);
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: { AllowOrigins: ['https://portal.example.org', 'https://admin.example.org:8443'] } });
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Audience: ['1example23456789'], Issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_AbCdEf' },
    });
    const fns = resourcesOf(t, 'AWS::Lambda::Function');
    expect(fns).toHaveLength(definition.routes.length);
    for (const [, f] of fns) {
      expect(f.Properties).toMatchObject({ Architectures: ['arm64'], MemorySize: 512, Timeout: 5 });
      const v = f.Properties.Environment.Variables;
      if (v.COGNITO_USER_POOL_ID) expect(v.COGNITO_USER_POOL_ID).toBe('eu-central-1_AbCdEf');
      if (v.COGNITO_APP_CLIENT_ID) expect(v.COGNITO_APP_CLIENT_ID).toBe('1example23456789');
      if (v.COGNITO_APP_CLIENT_SECRET_ARN) expect(v.COGNITO_APP_CLIENT_SECRET_ARN).toBe('arn:aws:secretsmanager:eu-central-1:111122223333:secret:auth-client-AbCdEf');
      if (v.CORS_ORIGIN) expect(v.CORS_ORIGIN).toBe('https://portal.example.org,https://admin.example.org:8443');
      if (v.TOTP_ISSUER) expect(v.TOTP_ISSUER).toBe('Example Org');
      expect(v.REQUEST_DEADLINE_MS).toBe('4000'); // the 5 s timeout less 1 s
      expect(v.ORIGIN_VERIFY_SECRET_ARN).toBeUndefined();
    }
    // IAM still names exactly the imported pool.
    const login = api.routes.find((r) => r.definition.name === 'login')!;
    const role = t.toJSON().Resources[t.toJSON().Resources[logicalId(stack, login.function)].Properties.Role['Fn::GetAtt'][0]];
    expect(JSON.stringify(role.Properties.Policies)).toContain('"Action":"cognito-idp:AdminInitiateAuth","Effect":"Allow","Resource":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":cognito-idp:eu-central-1:111122223333:userpool/eu-central-1_AbCdEf"]]}');
    expect(api.url).toBe(api.stage.url);
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
    // A client imported by id cannot be checked: the construct says what it must have.
    expect(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('rotate refresh tokens \\(RefreshTokenRotation Feature ENABLED\\)'))).toHaveLength(1);
  });

  test('an existing client defined in the same app is checked for what the API needs', () => {
    const warnings = (clientProps: Partial<cognito.UserPoolClientProps>) => {
      const app = new App({ context: SKIP_BUNDLING });
      const stack = new Stack(app, 'S', { env: { region: 'eu-central-1', account: '111122223333' } });
      const userPool = new cognito.UserPool(stack, 'Pool');
      const userPoolClient = userPool.addClient('Client', { generateSecret: true, ...clientProps });
      new CognitoAuthApi(stack, 'Auth', {
        userPool, userPoolClient, userPoolClientSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'X', 'x'),
        corsOrigins: ['https://portal.example.org'], frontDoor: false, code: FROM_SOURCE,
      });
      return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('CognitoAuthApi: the userPoolClient lacks')).map((w) => String(w.entry.data));
    };
    const [legacy] = warnings({ authFlows: { adminUserPassword: true } });
    expect(legacy).toMatch(/lacks refresh-token rotation \(refreshTokenRotationGracePeriod on the UserPoolClient\)/);
    expect(legacy).not.toMatch(/ALLOW_ADMIN_USER_PASSWORD_AUTH/);
    const [srp] = warnings({ authFlows: { userSrp: true }, refreshTokenRotationGracePeriod: Duration.seconds(5) });
    expect(srp).toMatch(/lacks ALLOW_ADMIN_USER_PASSWORD_AUTH/);
    expect(srp).not.toMatch(/rotation/);
    expect(warnings({ authFlows: { adminUserPassword: true }, refreshTokenRotationGracePeriod: Duration.seconds(5) })).toEqual([]);
  });

  test('existing pool, new client; in us-east-1 the construct creates its own CloudFront web ACL; two instances side by side', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Shared', { env: { region: 'us-east-1', account: '111122223333' } });
    const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_Shared');
    const a = new CognitoAuthApi(stack, 'TeamA', { userPool, corsOrigins: ['https://a.example.org'], refreshTokenValidity: Duration.days(1), code: FROM_SOURCE });
    const b = new CognitoAuthApi(stack, 'TeamB', { corsOrigins: ['https://b.example.org'], removalPolicy: RemovalPolicy.DESTROY, threatProtection: ThreatProtection.AUDIT, userPoolWebAcl: true, code: FROM_SOURCE });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Cognito::UserPool', 1); // only TeamB's
    t.resourceCountIs('AWS::Cognito::UserPoolClient', 2);
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', { UserPoolId: 'us-east-1_Shared', RefreshTokenValidity: 1440 });
    t.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete', Properties: { DeletionProtection: 'INACTIVE', UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'AUDIT' } } });
    t.resourceCountIs('AWS::CloudFront::Distribution', 2);
    // Two CLOUDFRONT ACLs (one per instance) plus TeamB's regional user pool ACL, which has no rate rule.
    const acls = resourcesOf(t, 'AWS::WAFv2::WebACL').map(([, r]) => r.Properties);
    expect(acls.map((x) => x.Scope).sort()).toEqual(['CLOUDFRONT', 'CLOUDFRONT', 'REGIONAL']);
    const regional = acls.find((x) => x.Scope === 'REGIONAL')!;
    expect(JSON.stringify(regional.Rules)).not.toContain('RateBasedStatement');
    expect(regional.Rules.map((r: any) => r.Statement.ManagedRuleGroupStatement.Name)).toHaveLength(3);
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { 'Fn::GetAtt': [logicalId(stack, b.userPool as any), 'Arn'] } });
    // Both share one built binary.
    const codes = new Set(resourcesOf(t, 'AWS::Lambda::Function').map(([, f]) => JSON.stringify(f.Properties.Code)));
    expect(codes.size).toBe(1);
    expect(a.routes).toHaveLength(definition.routes.length);
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  test('adding a route to the definition needs no CDK change: it gets a function, a route, a policy, a throttle', () => {
    const added = { name: 'addedNoCognito', method: 'GET', path: '/auth/added-no-cognito', bearerToken: false, cognitoActions: [], env: ['CORS_ORIGIN'], throttle: { rateLimit: 5, burstLimit: 10 }, summary: 'OpenAPI document' };
    const app = new App({ context: SKIP_BUNDLING });
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    const api = new CognitoAuthApi(stack, 'Auth', { corsOrigins: ['https://a.example.org'], apiDefinition: { routes: [...definition.routes, added] }, code: FROM_SOURCE });
    const t = Template.fromStack(stack);
    expect(resourcesOf(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey)).toContain('GET /auth/added-no-cognito');
    // Its throttle: a route setting without the front door (with it, the WAF's per-IP rules and API Gateway's safety limit apply).
    const open = new CognitoAuthApi(new Stack(new App({ context: SKIP_BUNDLING }), 'Open', { env: { region: 'us-east-1' } }), 'Auth', {
      corsOrigins: ['https://a.example.org'], frontDoor: false, apiDefinition: { routes: [...definition.routes, added] }, code: FROM_SOURCE,
    });
    const [[, stage]] = resourcesOf(Template.fromStack(Stack.of(open)), 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.RouteSettings['GET /auth/added-no-cognito']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
    const fn = t.toJSON().Resources[logicalId(stack, api.routes.find((r) => r.definition.name === 'addedNoCognito')!.function)];
    expect(Object.keys(fn.Properties.Environment.Variables).sort()).toEqual(['CORS_ORIGIN', 'ORIGIN_VERIFY_SECRET_ARN']);
    expect(routeKey(added)).toBe('GET /auth/added-no-cognito');
  });
});

test('wafRateLimits shape the created web ACL (one sensitive path, 60 s window)', () => {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'S', { env: { region: 'us-east-1' } });
  new CognitoAuthApi(stack, 'Auth', {
    corsOrigins: ['https://a.example.org'],
    wafRateLimits: { sensitivePaths: ['/auth/login'], sensitivePathsPerIp: 20, allPathsPerIp: 300, evaluationWindowSeconds: 60 },
    code: FROM_SOURCE,
  });
  const [[, acl]] = resourcesOf(Template.fromStack(stack), 'AWS::WAFv2::WebACL');
  const rules = acl.Properties.Rules;
  expect(rules[1].Statement.RateBasedStatement).toMatchObject({
    Limit: 20, EvaluationWindowSec: 60,
    ScopeDownStatement: { RegexMatchStatement: { RegexString: '^(?:/auth/login)/?$', FieldToMatch: { UriPath: {} } } },
  });
  expect(rules[2].Statement.RateBasedStatement).toMatchObject({ Limit: 300, EvaluationWindowSec: 60 });
});
