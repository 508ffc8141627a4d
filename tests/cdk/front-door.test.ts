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
import { COGNITO_QUOTA_CATEGORY_ACTIONS, quotaRateRules, quotaRuleUsage } from '../../lib/cognito-quotas';
import { FRONT_DOOR_SAFETY_THROTTLE, VIEWER_IP_FUNCTION_FILE } from '../../lib/front-door';
import {
  EMAIL_OR_SECRET_ACTIONS, FEDERATION_BROWSER_PATHS, MANAGED_RULE_GROUPS, MANAGED_RULE_GROUP_SETTINGS, PATH_TRANSFORMATIONS, QUOTA_RULE_WINDOW_SECONDS, WCU_INCLUDED, escapeRegex, webAclCapacity,
} from '../../lib/web-acl';
import { appFromContext, definition, FROM_SOURCE, logicalId, resourcesOf, SKIP_BUNDLING, stackWith, template } from './helpers';

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
    // No capturing group: WAF refuses "capturing subexpressions" (waf-regex-pattern-support.html). Every unescaped
    // "(" opens a non-capturing group.
    expect(s.RegexMatchStatement.RegexString.replace(/\\./g, '')).not.toMatch(/\((?!\?:)/);
    return new RegExp(s.RegexMatchStatement.RegexString);
  });
}
/**
 * What WAF's PATH_TRANSFORMATIONS make of a request path before the regexes see it: URL_DECODE, NORMALIZE_PATH
 * ("removes multiple slashes, directory self-references, and directory back-references that are not at the
 * beginning of the input", https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-transformation.html)
 * and LOWERCASE, in that order.
 */
function transformed(path: string): string {
  let p = path.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  p = p.replace(/\/{2,}/g, '/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '.') continue;
    if (seg === '..' && out.length > 1) out.pop();
    else out.push(seg);
  }
  return out.join('/').toLowerCase();
}
const matches = (scopeDown: any, path: string) => regexes(scopeDown).some((r) => r.test(transformed(path)));
const transformsOf = (scopeDown: any) => (scopeDown.OrStatement ? scopeDown.OrStatement.Statements : [scopeDown]).map((x: any) => x.RegexMatchStatement.TextTransformations);

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
  const sensitive = definition.routes.filter((r) => emailOrSecret.includes(r) || FEDERATION_BROWSER_PATHS.includes(r.path));

  test('the strict per-IP rule covers every route that sends an email or checks a secret, and federated sign-in\'s browser routes, and no other', () => {
    expect(emailOrSecret.map((r) => r.path).sort()).toEqual([
      '/auth/login', '/auth/login/challenge', '/auth/login/start', '/auth/mfa/totp/setup', '/auth/mfa/totp/verify', '/auth/passkeys/register/start',
      '/auth/password/change', '/auth/password/forgot', '/auth/password/reset', '/auth/refresh', '/auth/register', '/auth/resend', '/auth/user', '/auth/verify',
    ]);
    // And federated sign-in's browser routes (a start sends the browser to a provider; a callback exchanges a code).
    expect(sensitive.map((r) => r.path).sort()).toEqual([...emailOrSecret.map((r) => r.path), '/auth/federation/callback', '/auth/federation/start'].sort());
    const scope = rule(t, 'PerIpSensitivePaths').Statement.RateBasedStatement.ScopeDownStatement;
    for (const r of definition.routes) expect([r.path, matches(scope, r.path)]).toEqual([r.path, sensitive.includes(r)]);
    // Exact paths: /auth/user (account deletion) must not catch /auth/userinfo.
    expect([matches(scope, '/auth/user'), matches(scope, '/auth/userinfo')]).toEqual([true, false]);
    for (const tr of transformsOf(scope)) expect(tr).toEqual([{ Priority: 0, Type: 'URL_DECODE' }, { Priority: 1, Type: 'NORMALIZE_PATH' }, { Priority: 2, Type: 'LOWERCASE' }]);
  });

  test('path rules count a route however its path is spelled: case, encoding, doubled slashes, self and back references, a trailing slash', () => {
    const rateRules = acl(t).Rules.filter((r: any) => r.Statement.RateBasedStatement?.ScopeDownStatement);
    expect(rateRules.length).toBeGreaterThan(1);
    for (const r of rateRules) {
      const scope = r.Statement.RateBasedStatement.ScopeDownStatement;
      for (const tr of transformsOf(scope)) expect(tr.map((x: any) => x.Type)).toEqual([...PATH_TRANSFORMATIONS]);
      for (const x of definition.routes.filter((d) => matches(scope, d.path))) {
        const tail = x.path.slice('/auth/'.length);
        const variants = [x.path.toUpperCase(), `${x.path}/`, x.path.replace('/auth/', '/AUTH//'), `/auth/%${tail.charCodeAt(0).toString(16)}${tail.slice(1)}`,
          `/auth/./${tail}`, `/auth/x/../${tail}`, x.path.replace(/[a-z]/, (c) => c.toUpperCase())];
        for (const v of variants) expect([r.Name, v, matches(scope, v)]).toEqual([r.Name, v, true]);
      }
    }
    // Today's gap: /AUTH/LOGIN was not counted (no LOWERCASE transformation).
    expect(matches(rule(t, 'PerIpSensitivePaths').Statement.RateBasedStatement.ScopeDownStatement, '/AUTH/LOGIN')).toBe(true);
  });

  test('every regex metacharacter of a custom path is escaped: the path matches itself and nothing else', () => {
    const custom = ['/v1/a.b', '/v1/(x)+', '/v1/a|b', '/v1/[y]', '/v1/c$', '/v1/d^e*f?g{2}\\h', '/v1/Mixed'];
    const scope = rule(template(stackWith({ wafRateLimits: { sensitivePaths: custom } })), 'PerIpSensitivePaths').Statement.RateBasedStatement.ScopeDownStatement;
    for (const p of custom) expect([p, matches(scope, p)]).toEqual([p, true]);
    for (const near of ['/v1/aXb', '/v1/x', '/v1/xx', '/v1/a', '/v1/b', '/v1/y', '/v1/c', '/v1/dddeefg{2}\\h', '/v1/d^e*f?gg\\h', '/v1/mixedx']) {
      expect([near, matches(scope, near)]).toEqual([near, false]);
    }
    for (const p of ['a.b', '(x)+', 'a|b', '[y]', 'c$', 'd^e*f?g{2}\\h']) expect(new RegExp(`^${escapeRegex(p)}$`).test(p)).toBe(true);
  });

  test('the quota rules: quotaRateRules() as CONSTANT rules over exactly their routes\' paths, limit = their throttles x 60 s, answered 429 JSON, every category within its quota', () => {
    const expected = quotaRateRules(definition.routes);
    expect(stack.authApi.quotaRateRules).toEqual(expected);
    for (const q of expected) {
      const r = rule(t, `Quota${q.name}`);
      const s = r.Statement.RateBasedStatement;
      expect(s).toMatchObject({ AggregateKeyType: 'CONSTANT', EvaluationWindowSec: QUOTA_RULE_WINDOW_SECONDS });
      const routes = definition.routes.filter((x) => q.routes.includes(x.name));
      expect(s.Limit).toBe(60 * routes.reduce((n, x) => n + x.throttle.rateLimit, 0));
      for (const x of definition.routes) {
        expect([q.name, x.path, matches(s.ScopeDownStatement, x.path)]).toEqual([q.name, x.path, routes.some((y) => y.path === x.path)]);
      }
      expect(matches(s.ScopeDownStatement, `${routes[0].path}x`)).toBe(false);
      expect(r.Action.Block.CustomResponse).toEqual({ ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests', ResponseHeaders: [{ Name: 'retry-after', Value: '60' }] });
    }
    // Every route calling a category is counted by some rule, and the rules bound each category within its quota.
    for (const category of Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS)) {
      for (const x of definition.routes.filter((d) => d.cognitoActions.some((a) => COGNITO_QUOTA_CATEGORY_ACTIONS[category].includes(a)))) {
        expect([category, x.name, expected.some((q) => q.routes.includes(x.name))]).toEqual([category, x.name, true]);
      }
    }
    for (const u of quotaRuleUsage(expected, definition.routes)) expect([u.category, u.cognitoRps <= u.quota]).toEqual([u.category, true]);
    const rateRules = acl(t).Rules.filter((r: any) => r.Statement.RateBasedStatement);
    // WAF's fixed quota: 10 rate-based rules per web ACL (https://docs.aws.amazon.com/waf/latest/developerguide/limits.html).
    expect(rateRules.length).toBeLessThanOrEqual(10);
  });

  test('refresh has a budget of its own: a login/start flood that uses up every budget it counts against leaves refresh through', () => {
    const constant = acl(t).Rules.filter((r: any) => r.Statement.RateBasedStatement?.AggregateKeyType === 'CONSTANT');
    const counting = (path: string) => constant.filter((r: any) => matches(r.Statement.RateBasedStatement.ScopeDownStatement, path));
    expect(counting('/auth/refresh').map((r: any) => r.Name)).toEqual(['QuotaRefresh']);
    expect(rule(t, 'QuotaRefresh').Statement.RateBasedStatement.Limit).toBe(60 * definition.routes.find((r) => r.name === 'refresh')!.throttle.rateLimit);
    // The flood: as many login/start requests in one window as every rule counting them allows, and more.
    const count = new Map<string, number>();
    const byPath = new Map<string, any[]>();
    const send = (path: string) => {
      if (!byPath.has(path)) byPath.set(path, counting(path));
      const rules = byPath.get(path)!;
      for (const r of rules) count.set(r.Name, (count.get(r.Name) ?? 0) + 1);
      return rules.every((r: any) => count.get(r.Name)! <= r.Statement.RateBasedStatement.Limit);
    };
    const floodLimit = Math.max(...counting('/auth/login/start').map((r: any) => r.Statement.RateBasedStatement.Limit));
    let blocked = 0;
    for (let i = 0; i < floodLimit + 100; i++) if (!send('/auth/login/start')) blocked++;
    expect(blocked).toBeGreaterThan(0);
    expect(send('/auth/refresh')).toBe(true);
    expect(send('/auth/login')).toBe(false); // login shares login/start's budget: that one is used up
  });

  test('sampled requests are off everywhere (they would store bearer tokens and refresh cookies); metrics stay on', () => {
    for (const tt of [t, template(stackWith({ userPoolWebAcl: true }))]) {
      for (const [, a] of resourcesOf(tt, 'AWS::WAFv2::WebACL')) {
        const configs = [a.Properties.VisibilityConfig, ...a.Properties.Rules.map((r: any) => r.VisibilityConfig)];
        for (const c of configs) expect(c).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
      }
    }
  });

  test('every block answers JSON: managed rules with the 403 body, the body rules only count, bodies over 16 KB get 413', () => {
    for (const tt of [t, template(stackWith({ userPoolWebAcl: true }))]) {
      for (const [, a] of resourcesOf(tt, 'AWS::WAFv2::WebACL')) {
        const p = a.Properties;
        expect(JSON.parse(p.CustomResponseBodies.Forbidden.Content)).toEqual({ error: 'forbidden', message: 'The request was refused by the firewall.' });
        expect(p.CustomResponseBodies.Forbidden.ContentType).toBe('APPLICATION_JSON');
        for (const name of MANAGED_RULE_GROUPS) {
          const g = p.Rules.find((r: any) => r.Name === name).Statement.ManagedRuleGroupStatement;
          const overrides = Object.fromEntries(g.RuleActionOverrides.map((o: any) => [o.Name, o.ActionToUse]));
          const settings = MANAGED_RULE_GROUP_SETTINGS[name];
          for (const r of settings.blocking) expect([r, overrides[r]]).toEqual([r, { Block: { CustomResponse: { ResponseCode: 403, CustomResponseBodyKey: 'Forbidden' } } }]);
          for (const r of settings.bodyRules) expect([r, overrides[r]]).toEqual([r, { Count: {} }]);
          expect(Object.keys(overrides).length).toBe(settings.blocking.length + settings.bodyRules.length);
        }
        // No block anywhere without a custom (JSON) response.
        const blocks = [...p.Rules.map((r: any) => r.Action?.Block), ...p.Rules.flatMap((r: any) => (r.Statement.ManagedRuleGroupStatement?.RuleActionOverrides ?? []).map((o: any) => o.ActionToUse.Block))]
          .filter((b: any) => b !== undefined);
        for (const b of blocks) expect(p.CustomResponseBodies[b.CustomResponse.CustomResponseBodyKey].ContentType).toBe('APPLICATION_JSON');
      }
    }
    // The rules that would refuse a password with <script or ../, or an attestation over 8 KB, judge no credential.
    expect(MANAGED_RULE_GROUP_SETTINGS.AWSManagedRulesCommonRuleSet.bodyRules).toEqual(expect.arrayContaining(['CrossSiteScripting_BODY', 'GenericLFI_BODY', 'SizeRestrictions_BODY']));
    // The IP reputation group's DDoS list counts by its own default: not turned into a block.
    expect(MANAGED_RULE_GROUP_SETTINGS.AWSManagedRulesAmazonIpReputationList.blocking).not.toContain('AWSManagedIPDDoSList');
    const size = rule(t, 'BodySizeLimit');
    expect(size.Statement.SizeConstraintStatement).toEqual({ FieldToMatch: { Body: { OversizeHandling: 'MATCH' } }, ComparisonOperator: 'GT', Size: 16384, TextTransformations: [{ Priority: 0, Type: 'NONE' }] });
    expect(size.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'PayloadTooLarge' } } });
    expect(JSON.parse(acl(t).CustomResponseBodies.PayloadTooLarge.Content).error).toBe('payload_too_large');
    // The functions' limit is the same 16 KB (lambda/auth-api/src/config.rs MAX_BODY_BYTES).
    expect(fs.readFileSync(require.resolve('../../lambda/auth-api/src/config.rs'), 'utf-8')).toMatch(/pub const MAX_BODY_BYTES: usize = 16 \* 1024;/);
  });

  test('the web ACL\'s capacity: counted from AWS\'s published costs, within the 1,500 WCUs its price includes (printed)', () => {
    const p = acl(t);
    const regexStatements = JSON.stringify(p.Rules).split('"RegexMatchStatement"').length - 1;
    const rateRules = p.Rules.filter((r: any) => r.Statement.RateBasedStatement).length;
    // Managed groups 25 + 700 + 200; each regex 3 + 3 transformations x 10; each rate-based rule 2; the body size rule 1.
    const expected = 925 + regexStatements * 33 + rateRules * 2 + 1;
    const capacity = stack.authApi.webAcl!.capacity;
    expect(webAclCapacity(stack.authApi.webAcl!.webAcl.rules as any)).toBe(capacity);
    expect(capacity).toBe(expected);
    console.log(`front-door web ACL: ${capacity} WCUs (${regexStatements} regex statements, ${rateRules} rate-based rules; included: ${WCU_INCLUDED})`);
    expect(capacity).toBeLessThanOrEqual(WCU_INCLUDED);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('WCUs'))).toHaveLength(0);
    // Many long custom paths: more regex statements, a warning that it costs extra.
    const many = Array.from({ length: 60 }, (_, i) => `/auth/a-rather-long-custom-path-number-${i}-for-the-capacity-test`);
    const big = stackWith({ wafRateLimits: { sensitivePaths: many } });
    expect(big.authApi.webAcl!.capacity).toBeGreaterThan(WCU_INCLUDED);
    expect(Annotations.fromStack(big).findWarning('*', Match.stringLikeRegexp('billed extra'))).toHaveLength(1);
  });

  test('synth fails when the quota rules would let more Cognito calls through than a quota (with the front door only)', () => {
    // totpSetup 4 + totpVerify 7 + passkey start 1.5, complete 1.5, delete 1 = 15 requests/s; totpVerify makes 2
    // UserResourceUpdate calls: 30 > 25.
    const throttles = { totpVerify: { rateLimit: 7, burstLimit: 14 } };
    expect(() => stackWith({ routeThrottles: throttles })).toThrow(/UserResourceUpdate: UserResourceUpdate 15 rps x 2 call\(s\) = 30 rps > quota 25 rps.*Fix:/s);
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

  test('a stack on Cognito\'s default sender gets a synth warning with the documented daily figure, front door or not; SES does not', () => {
    // "Maximum number of email messages sent daily per AWS account: 50" (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html).
    for (const s of [stack, stackWith({ frontDoor: false }), stackWith({ email: cognito.UserPoolEmail.withCognito('help@example.com') })]) {
      const w = warning(s);
      expect(w).toHaveLength(1);
      expect(JSON.stringify(w[0].entry.data)).toContain('allows 50 emails a day per AWS account');
    }
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
