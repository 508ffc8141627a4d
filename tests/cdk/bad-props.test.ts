import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CognitoAuthApi, CognitoAuthApiProps } from '../../lib/cognito-auth-api';
import { AuthApiWebAcl, AuthApiWebAclStack } from '../../lib/web-acl';
import { appFromContext, definition, FROM_SOURCE, SKIP_BUNDLING } from './helpers';

function make(props: Partial<CognitoAuthApiProps>, region: string | null) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'S', region ? { env: { region, account: '123456789012' } } : {});
  return new CognitoAuthApi(stack, 'Api', { corsOrigins: ['https://app.example.com'], code: FROM_SOURCE, ...props } as CognitoAuthApiProps);
}
const pool = (s: Stack) => cognito.UserPool.fromUserPoolId(s, 'P', 'us-east-1_abc');

describe('bad props fail early with a message that says how to fix them', () => {
  test.each<[string, Partial<CognitoAuthApiProps>, string | null, RegExp]>([
    ['empty CORS origins', { corsOrigins: [] }, 'us-east-1', /corsOrigins is empty\. List the exact origins/],
    ['"*" with credentials', { corsOrigins: ['*'], corsAllowCredentials: true }, 'us-east-1', /exact origins, not "\*" \(a wildcard together with corsAllowCredentials/],
    ['"*" alone', { corsOrigins: ['*'] }, 'us-east-1', /must list exact origins, not "\*"/],
    ['an origin with a path', { corsOrigins: ['https://app.example.com/'] }, 'us-east-1', /did you mean "https:\/\/app\.example\.com"/],
    ['plain http outside localhost', { corsOrigins: ['http://app.example.com'] }, 'us-east-1', /must use https:\/\//],
    ['front door in eu-west-1 without a web ACL', {}, 'eu-west-1', /only allows in us-east-1.*in eu-west-1.*AuthApiWebAclStack.*webAclArn.*frontDoor: false/s],
    ['front door in an environment-agnostic stack', {}, null, /environment-agnostic.*Fix one of/s],
    ['a regional web ACL ARN', { webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/abc' }, 'eu-west-1', /CLOUDFRONT-scope web ACL, which lives in us-east-1/],
    ['webAclArn with the front door off', { frontDoor: false, webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/abc' }, 'us-east-1', /Remove webAclArn or set frontDoor: true/],
    ['WAF limits with the front door off', { frontDoor: false, wafRateLimits: { sensitivePathsPerIp: 50 } }, 'us-east-1', /Remove wafRateLimits or set frontDoor: true/],
    ['a rate limit under the WAF minimum', { wafRateLimits: { sensitivePathsPerIp: 5 } }, 'us-east-1', /from 10 \(the WAF minimum\)/],
    ['a timeout over the API limit', { timeout: Duration.seconds(40) }, 'us-east-1', /1 to 29 seconds/],
    ['too little memory', { memorySize: 64 }, 'us-east-1', /from 128 to 10240/],
    ['a throttle for an unknown route', { routeThrottles: { nope: { rateLimit: 1, burstLimit: 1 } } }, 'us-east-1', /routeThrottles names route "nope".*Routes: register/s],
    ['an unknown quota category', { cognitoQuotas: { UserLogin: 100 } }, 'us-east-1', /unknown category "UserLogin". Categories: UserCreation/],
    ['throttles above a quota', { routeThrottles: { register: { rateLimit: 40, burstLimit: 80 } } }, 'us-east-1', /UserCreation: 65 rps > quota 50 rps.*Fix:/s],
    ['a TOTP issuer with a colon', { totpIssuer: 'My:App' }, 'us-east-1', /contain no ':'/],
    ['a rotation grace period over 60 s', { refreshTokenRotationGracePeriod: Duration.seconds(61) }, 'us-east-1', /refreshTokenRotationGracePeriod must be 0 to 60 whole seconds.*61 seconds/],
    ['a rotation grace period in part seconds', { refreshTokenRotationGracePeriod: Duration.millis(1500) }, 'us-east-1', /refreshTokenRotationGracePeriod must be 0 to 60 whole seconds/],
    ['a rotation grace period with an existing client', {
      userPool: cognito.UserPool.fromUserPoolId(new Stack(), 'P', 'us-east-1_abc'),
      userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(new Stack(), 'C', 'abc'),
      userPoolClientSecret: secretsmanager.Secret.fromSecretNameV2(new Stack(), 'X', 'x'),
      refreshTokenRotationGracePeriod: Duration.seconds(5),
    }, 'us-east-1', /refreshTokenRotationGracePeriod only applies to an app client the construct creates; with an existing userPoolClient, set it on that client/],
    ['a route env var nobody provides', {
      apiDefinition: { routes: [{ ...definition.routes[0], env: [...definition.routes[0].env, 'SMTP_HOST'] }] },
    }, 'us-east-1', /route register lists env var SMTP_HOST.*Pass its value in the environment prop/s],
    ['an action in no quota category', {
      apiDefinition: { routes: [{ ...definition.routes[0], cognitoActions: ['AdminDeleteUser'] }] },
    }, 'us-east-1', /cognito-idp:AdminDeleteUser, which is in no known quota category/],
  ])('%s', (_what, props, region, message) => {
    expect(() => make(props, region)).toThrow(message);
  });

  test('an existing client without its secret', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const s = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    const p = pool(s);
    expect(() => new CognitoAuthApi(s, 'Api', {
      corsOrigins: ['https://app.example.com'], userPool: p,
      userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(s, 'C', 'abc'),
    })).toThrow(/pass userPoolClientSecret: a Secrets Manager secret whose SecretString is that client's secret/);
  });

  test('an existing client without its pool', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const s = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    expect(() => new CognitoAuthApi(s, 'Api', {
      corsOrigins: ['https://app.example.com'],
      userPoolClient: cognito.UserPoolClient.fromUserPoolClientId(s, 'C', 'abc'),
      userPoolClientSecret: secretsmanager.Secret.fromSecretNameV2(s, 'X', 'x'),
    })).toThrow(/userPoolClient needs userPool too/);
  });

  test('pool-only settings with an existing pool', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const s = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    expect(() => new CognitoAuthApi(s, 'Api', { corsOrigins: ['https://app.example.com'], userPool: pool(s), threatProtection: 'ENFORCED' as any }))
      .toThrow(/threatProtection only applies to a user pool the construct creates/);
  });

  test('a CloudFront web ACL outside us-east-1, and a companion stack in the wrong region', () => {
    const app = new App();
    const s = new Stack(app, 'S', { env: { region: 'eu-west-1' } });
    expect(() => new AuthApiWebAcl(s, 'Acl', { scope: 'CLOUDFRONT' })).toThrow(/must be created in us-east-1.*AuthApiWebAclStack/s);
    expect(() => new AuthApiWebAclStack(app, 'W', { env: { region: 'eu-west-1' } })).toThrow(/set env: \{ region: 'us-east-1' \}/);
    expect(() => new AuthApiWebAcl(s, 'Acl2', { scope: 'REGIONAL', rateLimits: { allPathsPerIp: 100 } })).toThrow(/would throttle all users together/);
  });

  test.each([
    [{ frontDoor: 'maybe' }, /frontDoor must be true or false/],
    [{ threatProtection: 'HIGH' }, /threatProtection must be OFF, AUDIT or ENFORCED/],
    [{ removalPolicy: 'snapshot' }, /removalPolicy must be retain or destroy/],
  ])('bad app context %o', (context, message) => {
    expect(() => appFromContext(context as any, false)).toThrow(message);
  });
});
