// The front door (lib/front-door.ts, lib/web-acl.ts): the viewer function, IPv6, the custom domain, the WAF's
// per-IP and Cognito-quota rules derived from the route definition, origin-verify rotation, and the email warning.
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { CognitoAuthApi, CognitoAuthApiProps } from '../../lib/cognito-auth-api';
import { CognitoAuthApiStack } from '../../lib/cognito-auth-api-stack';
import { COGNITO_QUOTA_CATEGORY_ACTIONS, quotaRateRules } from '../../lib/cognito-quotas';
import { FRONT_DOOR_SAFETY_THROTTLE, VIEWER_IP_FUNCTION_FILE } from '../../lib/front-door';
import { EMAIL_OR_SECRET_ACTIONS, QUOTA_RULE_WINDOW_SECONDS } from '../../lib/web-acl';
import { appFromContext, definition, FROM_SOURCE, logicalId, resourcesOf, SKIP_BUNDLING, stackWith } from './helpers';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

let stack: CognitoAuthApiStack;
let t: Template;
beforeAll(() => {
  stack = stackWith();
  t = Template.fromStack(stack);
});

const acl = (tt: Template) => resourcesOf(tt, 'AWS::WAFv2::WebACL').map(([, r]) => r.Properties).find((p) => p.Scope === 'CLOUDFRONT');
const rule = (tt: Template, name: string) => acl(tt).Rules.find((r: any) => r.Name === name);
/** The regexes of a scope-down statement (one regex or an OR of several), as JS RegExps. */
function regexes(scopeDown: any): RegExp[] {
  const statements = scopeDown.OrStatement ? scopeDown.OrStatement.Statements : [scopeDown];
  return statements.map((s: any) => {
    expect(s.RegexMatchStatement.FieldToMatch).toEqual({ UriPath: {} });
    expect(s.RegexMatchStatement.RegexString.length).toBeLessThanOrEqual(200); // WAF's fixed regex length quota
    return new RegExp(s.RegexMatchStatement.RegexString);
  });
}
const matches = (scopeDown: any, path: string) => regexes(scopeDown).some((r) => r.test(path));

describe('viewer-request CloudFront Function', () => {
  test('the repository file, as-is, on runtime cloudfront-js-2.0', () => {
    const [[, fn]] = resourcesOf(t, 'AWS::CloudFront::Function');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.Properties.FunctionCode).toBe(fs.readFileSync(VIEWER_IP_FUNCTION_FILE, 'utf-8'));
    expect(fn.Properties.AutoPublish).toBe(true);
  });
});

describe('IPv6 and custom domain', () => {
  test('IPv4 only by default; enableIpv6 turns it on', () => {
    const c = (s: Stack) => resourcesOf(Template.fromStack(s), 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    expect(c(stack).IPV6Enabled).toBe(false);
    expect(c(stackWith({ enableIpv6: true })).IPV6Enabled).toBe(true);
  });

  test('domainName + certificate + hostedZone: the distribution answers on the domain with TLSv1.2_2021, alias records, ApiUrl on it', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const s = new CognitoAuthApiStack(app, 'Dom', {
      env: { account: '123456789012', region: 'us-east-1' }, corsOrigins: ['https://app.example.com'],
      domainName: 'auth.example.com', certificateArn: CERT, enableIpv6: true,
      hostedZone: undefined, code: FROM_SOURCE,
    });
    const tt = Template.fromStack(s);
    const c = resourcesOf(tt, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    expect(c.Aliases).toEqual(['auth.example.com']);
    expect(c.ViewerCertificate).toEqual({ AcmCertificateArn: CERT, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    expect(tt.toJSON().Outputs.ApiUrl.Value).toBe('https://auth.example.com/');

    const app2 = new App({ context: SKIP_BUNDLING });
    const s2 = new Stack(app2, 'Zone', { env: { account: '123456789012', region: 'us-east-1' } });
    const zone = route53.HostedZone.fromHostedZoneAttributes(s2, 'Z', { hostedZoneId: 'Z123', zoneName: 'example.com' });
    const certificate = acm.Certificate.fromCertificateArn(s2, 'C', CERT);
    new CognitoAuthApi(s2, 'Api', { corsOrigins: ['https://app.example.com'], domainName: 'auth.example.com', certificate, hostedZone: zone, code: FROM_SOURCE });
    const t2 = Template.fromStack(s2);
    t2.hasResourceProperties('AWS::Route53::RecordSet', { Type: 'A', Name: 'auth.example.com.', HostedZoneId: 'Z123' });
    t2.resourceCountIs('AWS::Route53::RecordSet', 1); // no AAAA while IPv6 is off
  });

  test.each<[string, Partial<CognitoAuthApiProps>, RegExp]>([
    ['domain without certificate', { domainName: 'auth.example.com' }, /domainName and certificate go together/],
    ['certificate outside us-east-1', { domainName: 'auth.example.com', certificateArn: CERT.replace('us-east-1', 'eu-west-1') } as any, /only uses ACM certificates from us-east-1/],
    ['front door props with the front door off', { frontDoor: false, enableIpv6: true }, /enableIpv6 configures the CloudFront front door.*Remove enableIpv6/],
  ])('%s fails at synth', (_what, props, message) => {
    expect(() => stackWith(props)).toThrow(message);
  });
});

describe('WAF rules from the route definition', () => {
  const emailOrSecret = definition.routes.filter((r) => r.cognitoActions.some((a) => EMAIL_OR_SECRET_ACTIONS.includes(a)));

  test('the strict per-IP rule covers every route that sends an email or checks a secret, and no other', () => {
    expect(emailOrSecret.map((r) => r.path).sort()).toEqual([
      '/auth/login', '/auth/login/challenge', '/auth/login/start', '/auth/mfa/totp/setup', '/auth/mfa/totp/verify', '/auth/passkeys/register/start',
      '/auth/password/change', '/auth/password/forgot', '/auth/password/reset', '/auth/refresh', '/auth/register', '/auth/resend', '/auth/user', '/auth/verify',
    ]);
    const scope = rule(t, 'PerIpSensitivePaths').Statement.RateBasedStatement.ScopeDownStatement;
    for (const r of definition.routes) expect([r.path, matches(scope, r.path)]).toEqual([r.path, emailOrSecret.includes(r)]);
    // Exact paths: /auth/user (account deletion) must not catch /auth/userinfo.
    expect([matches(scope, '/auth/user'), matches(scope, '/auth/userinfo')]).toEqual([true, false]);
    const statements = scope.OrStatement ? scope.OrStatement.Statements : [scope];
    for (const s of statements) {
      expect(s.RegexMatchStatement.TextTransformations).toEqual([{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }]);
    }
  });

  test('one CONSTANT rate rule per Cognito quota category over exactly its routes\' paths, limit = their throttles x 60 s, answered 429 JSON', () => {
    const expected = quotaRateRules(definition.routes);
    expect(expected.map((q) => q.category).sort()).toEqual(Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS).sort());
    for (const q of expected) {
      const r = rule(t, `Quota${q.category}`);
      const s = r.Statement.RateBasedStatement;
      expect(s).toMatchObject({ AggregateKeyType: 'CONSTANT', EvaluationWindowSec: QUOTA_RULE_WINDOW_SECONDS });
      const routes = definition.routes.filter((x) => x.cognitoActions.some((a) => COGNITO_QUOTA_CATEGORY_ACTIONS[q.category].includes(a)));
      expect(s.Limit).toBe(60 * routes.reduce((n, x) => n + x.throttle.rateLimit, 0));
      for (const x of definition.routes) {
        expect([q.category, x.path, matches(s.ScopeDownStatement, x.path)]).toEqual([q.category, x.path, routes.includes(x)]);
      }
      expect(matches(s.ScopeDownStatement, `${routes[0].path}/`)).toBe(true); // a trailing slash counts too
      expect(matches(s.ScopeDownStatement, `${routes[0].path}x`)).toBe(false);
      expect(r.Action.Block.CustomResponse).toEqual({ ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests', ResponseHeaders: [{ Name: 'retry-after', Value: '60' }] });
      expect(q.cognitoRps).toBeLessThanOrEqual(q.quota);
    }
    const rateRules = acl(t).Rules.filter((r: any) => r.Statement.RateBasedStatement);
    expect(rateRules.length).toBeLessThanOrEqual(10); // WAF's rate-based rules per web ACL
  });

  test('synth fails when the quota rules would let more Cognito calls through than a quota (with the front door only)', () => {
    // totpSetup 4 + totpVerify 7 + passkey start 1.5, complete 1.5, delete 1 = 15 requests/s; totpVerify makes 2
    // UserResourceUpdate calls: 30 > 25.
    const throttles = { totpVerify: { rateLimit: 7, burstLimit: 14 } };
    expect(() => stackWith({ routeThrottles: throttles })).toThrow(/UserResourceUpdate: 15 rps x 2 call\(s\) = 30 rps > quota 25 rps.*Fix:/s);
    // API Gateway's per-route throttles count calls per route: 4 + 2 x 7 + 1.5 + 1.5 + 1 = 22, within the quota.
    expect(() => stackWith({ routeThrottles: throttles, frontDoor: false })).not.toThrow();
  });

  test('API Gateway keeps only the safety limit with the front door; the WAF stack of another region gets the same quota rules', () => {
    const [[, stage]] = resourcesOf(t, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: FRONT_DOOR_SAFETY_THROTTLE.rateLimit, ThrottlingBurstLimit: FRONT_DOOR_SAFETY_THROTTLE.burstLimit });
    const { waf } = appFromContext({ region: 'eu-west-1' }, false).stacks;
    const names = acl(Template.fromStack(waf!)).Rules.map((r: any) => r.Name);
    expect(names).toEqual(acl(t).Rules.map((r: any) => r.Name));
  });
});

describe('origin-verify secret', () => {
  test('CloudFront reads a given version (rotation step 3); the secret ARN is an output', () => {
    const s = stackWith({ originVerifyVersionId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111' });
    const [[, dist]] = resourcesOf(Template.fromStack(s), 'AWS::CloudFront::Distribution');
    expect(JSON.stringify(dist.Properties.DistributionConfig.Origins[0].OriginCustomHeaders)).toContain(':SecretString:::a1b2c3d4-5678-90ab-cdef-EXAMPLE11111}}');
    expect(t.toJSON().Outputs.OriginVerifySecretArn.Value).toEqual({ Ref: logicalId(stack, stack.authApi.originVerifySecret!) });
  });
});

describe('email', () => {
  const warning = (s: Stack) => Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('default sender'));

  test('a production stack (front door on) on Cognito\'s default sender gets a synth warning; SES or a dev stack does not', () => {
    expect(warning(stack)).toHaveLength(1);
    expect(warning(stackWith({ frontDoor: false }))).toHaveLength(0);
    const ses = stackWith({ email: cognito.UserPoolEmail.withSES({ fromEmail: 'no-reply@example.com', sesRegion: 'us-east-1' }) });
    expect(warning(ses)).toHaveLength(0);
    const cfg = resourcesOf(Template.fromStack(ses), 'AWS::Cognito::UserPool')[0][1].Properties.EmailConfiguration;
    expect(cfg).toMatchObject({ EmailSendingAccount: 'DEVELOPER', From: 'no-reply@example.com' });
    expect(JSON.stringify(cfg.SourceArn)).toContain(':ses:us-east-1:123456789012:identity/no-reply@example.com');
  });

  test('context keys sesFromEmail / sesRegion / sesConfigurationSet configure SES for the app', () => {
    const { api } = appFromContext({ region: 'us-east-1', sesFromEmail: 'no-reply@example.com', sesRegion: 'eu-west-1', sesConfigurationSet: 'auth' }, false).stacks;
    const cfg = resourcesOf(Template.fromStack(api), 'AWS::Cognito::UserPool')[0][1].Properties.EmailConfiguration;
    expect(cfg).toMatchObject({ EmailSendingAccount: 'DEVELOPER', ConfigurationSet: 'auth', From: 'no-reply@example.com' });
    expect(JSON.stringify(cfg.SourceArn)).toMatch(/:ses:eu-west-1:.*identity\/no-reply@example.com/);
    expect(() => appFromContext({ sesRegion: 'eu-west-1' }, false)).toThrow(/need sesFromEmail/);
  });

  test('email is a pool setting: refused with an existing pool', () => {
    const app = new App({ context: SKIP_BUNDLING });
    const s = new Stack(app, 'S', { env: { region: 'us-east-1' } });
    expect(() => new CognitoAuthApi(s, 'Api', {
      corsOrigins: ['https://app.example.com'], userPool: cognito.UserPool.fromUserPoolId(s, 'P', 'us-east-1_abc'),
      email: cognito.UserPoolEmail.withCognito(),
    })).toThrow(/email only applies to a user pool the construct creates/);
  });
});
