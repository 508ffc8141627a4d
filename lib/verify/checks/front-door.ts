// Checklist group "Front door and network".
import * as dns from 'dns/promises';
import { DescribeManagedRuleGroupCommand, GetWebACLCommand } from '@aws-sdk/client-wafv2';
import { COGNITO_QUOTA_CATEGORY_ACTIONS, DEFAULT_COGNITO_QUOTAS, POOL_ENDPOINT_ROUTES, poolEndpointQuotaUsage, quotaRateRules, quotaRuleUsage, quotaUsage } from '../../cognito-quotas';
import { loadApiDefinition, routeKey } from '../../route-definition';
import { Check, Ctx, fail, login, logGroupOf, pass, skip, unknownAddress, verdict } from '../check';
import { SoftAuthenticator } from '../authenticator';
import { describe, request } from '../http';

const G = 'Front door and network' as const;

/** The managed rule groups and per-IP rules the construct's web ACL holds (lib/web-acl.ts), as verify checks them. */
export const MANAGED_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];
export const PER_IP_RULES = ['PerIpSensitivePaths', 'PerIpAllPaths'];
/** The quota rule of each Cognito quota category the routes use (`Quota<category>`). */
export const quotaRuleNames = () => quotaRateRules(loadApiDefinition().routes).map((q) => `Quota${q.name}`);

/**
 * A body per bearer route that passes the function's own validation, so that only the token decides; if an ID token
 * were taken, it would act on the throwaway user only (a new route without an entry fails id-token-refused and the
 * coverage test).
 */
export const BEARER_PROBES: { [route: string]: (password: string) => unknown } = {
  userinfo: () => undefined,
  logout: () => undefined,
  passwordChange: (pw) => ({ currentPassword: pw, newPassword: `${pw}N` }),
  totpSetup: (pw) => ({ currentPassword: pw }),
  totpVerify: () => ({ code: '000000' }),
  deleteUser: (pw) => ({ currentPassword: pw }),
  passkeyRegisterStart: (pw) => ({ currentPassword: pw }),
  passkeyRegisterComplete: () => ({ credential: new SoftAuthenticator().register({ rp: { id: 'verify.invalid' }, user: { id: 'AA' }, challenge: 'AAAA' }, 'https://verify.invalid') }),
  passkeysList: () => undefined,
  passkeyDelete: () => ({ credentialId: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }),
};

/** The deployed web ACL (GetWebACL), read once per run. */
async function webAcl(ctx: Ctx): Promise<any> {
  if (!ctx.state.has('webAcl')) {
    const ref = ctx.d.webAcl!;
    const r = await ctx.aws.wafv2(ctx.d.webAclRegion ?? 'us-east-1').send(new GetWebACLCommand({ Name: ref.name, Id: ref.id, Scope: ref.scope }));
    ctx.state.set('webAcl', r.WebACL);
  }
  return ctx.state.get('webAcl');
}

export const frontDoorChecks: Check[] = [
  {
    id: 'viewer-ip',
    group: G,
    title: 'The audit line\'s source_ip is the caller\'s address, also when the caller sends its own x-viewer-ip',
    covers: { routes: ['login'] },
    requires: ['cloudWatch'],
    users: ['main'],
    plan: 'POST /auth/login twice as the main user (once with x-viewer-ip: 192.0.2.1); FilterLogEvents on the login log group for both request ids; the caller\'s address from --my-ip or https://checkip.amazonaws.com',
    realAccount: 'the viewer function and AllViewerExceptHostHeader on a real CloudFront distribution',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const me = await ctx.myIp();
      const plain = await login(ctx, user);
      const forged = await login(ctx, user, { 'x-viewer-ip': '192.0.2.1' });
      const group = logGroupOf(ctx, 'login');
      if (!group) return fail('no log group for the login function');
      const wait = { waitMs: ctx.o.waitMs, progress: ctx.progress };
      const a = await ctx.cw.auditLine(group, ctx.startedMs, plain.answer.requestId ?? '?', wait);
      const b = await ctx.cw.auditLine(group, ctx.startedMs, forged.answer.requestId ?? '?', wait);
      return verdict([
        [a?.source_ip === me, `plain login: audit source_ip ${a ? a.source_ip : '(no audit line)'}, expected ${me}`],
        [b?.source_ip === me, `login with x-viewer-ip 192.0.2.1: audit source_ip ${b ? b.source_ip : '(no audit line)'}, expected ${me}`],
      ]);
    },
  },
  {
    id: 'direct-call-refused',
    group: G,
    title: 'A direct call to the execute-api URL is refused (403 forbidden) before any Cognito call',
    covers: { routes: ['login'] },
    requires: ['frontDoor'],
    plan: 'POST <execute-api URL>/auth/login with a JSON body for an address no account has; FilterLogEvents on the login log group for its request id',
    async run(ctx) {
      if (!ctx.d.executeApiUrl) return skip('no execute-api URL known (pass --execute-api-url)');
      const a = await request('POST', `${ctx.d.executeApiUrl}/auth/login`, { body: { email: unknownAddress(ctx), password: 'Not-the-password-1' } });
      const items: [boolean, string][] = [[a.status === 403 && a.error === 'forbidden', `direct ${describe('POST', '/auth/login', a)}`]];
      const group = logGroupOf(ctx, 'login');
      if (ctx.d.cloudWatch && group && a.requestId) {
        const lines = await ctx.cw.waitForLines(group, ctx.startedMs, (l) => l.request_id === a.requestId, (ls) => ls.length > 0, { waitMs: ctx.o.waitMs, progress: ctx.progress, term: a.requestId });
        items.push([lines.some((l) => /origin-verify header refused/.test(String(l.message))), 'the "origin-verify header refused" warning is in the log']);
        items.push([!lines.some((l) => l.target === 'audit'), `no audit event for it (${lines.filter((l) => l.target === 'audit').length})`]);
      }
      return verdict(items);
    },
  },
  {
    id: 'path-variants',
    group: G,
    title: 'Case variants of a sensitive path are not served (the WAF\'s path rules match exact paths)',
    covers: { wafRules: ['PerIpSensitivePaths', ...quotaRuleNames()] },
    plan: 'POST /AUTH/LOGIN, /Auth/Login and /auth/login/ with an empty JSON object',
    realAccount: 'API Gateway\'s routing of the variants (the local server tolerates a trailing slash)',
    async run(ctx) {
      // With LOWERCASE among the path rules' transformations (lib/web-acl.ts PATH_TRANSFORMATIONS), a case variant is
      // counted as the path itself, so whether API Gateway serves it no longer matters; without it, it must not be served.
      const lowercased = ctx.d.webAcl && ctx.d.frontDoor ? JSON.stringify((await webAcl(ctx)).Rules ?? []).includes('"LOWERCASE"') : false;
      const items: [boolean, string][] = [];
      for (const p of ['/AUTH/LOGIN', '/Auth/Login']) {
        const a = await ctx.api.call('POST', p, { body: {} });
        items.push([a.status === 404 || a.status === 403 || lowercased, `${describe('POST', p, a)} (${lowercased ? 'served or not: the path rules match it lower-cased' : '404 or a WAF 403 expected'})`]);
      }
      // A trailing slash is inside the WAF's regexes (`/?$`), so whether API Gateway serves it does not matter.
      const t = await ctx.api.call('POST', '/auth/login/', { body: {} });
      return verdict(items, [`${describe('POST', '/auth/login/', t)} (either way: the path rules allow a trailing slash)`]);
    },
  },
  {
    id: 'waf-rules',
    group: G,
    title: 'The web ACL holds the managed groups, the per-IP rules and one CONSTANT quota rule per Cognito category, within WAF\'s limits',
    covers: { wafRules: [...MANAGED_GROUPS, ...PER_IP_RULES, ...quotaRuleNames()] },
    requires: ['frontDoor', 'webAcl'],
    plan: 'WAFv2 GetWebACL (us-east-1)',
    async run(ctx) {
      const acl = await webAcl(ctx);
      const rules: any[] = acl.Rules ?? [];
      const byName = new Map(rules.map((r) => [r.Name, r]));
      const items: [boolean, string][] = [];
      for (const g of MANAGED_GROUPS) items.push([byName.get(g)?.Statement?.ManagedRuleGroupStatement?.Name === g, `managed group ${g}`]);
      for (const n of PER_IP_RULES) items.push([byName.get(n)?.Statement?.RateBasedStatement?.AggregateKeyType === 'IP', `${n}: per-IP rate rule (limit ${byName.get(n)?.Statement?.RateBasedStatement?.Limit ?? '?'})`]);
      // The quota rules as deployed (their limits per second), put through the construct's own bound
      // (quotaRuleUsage, lib/cognito-quotas.ts): each category's worst-case Cognito calls within its quota.
      const routes = loadApiDefinition().routes;
      const deployed = quotaRateRules(routes).map((q) => {
        const st = byName.get(`Quota${q.name}`)?.Statement?.RateBasedStatement;
        items.push([st?.AggregateKeyType === 'CONSTANT', `Quota${q.name}: ${st ? `${st.AggregateKeyType}, ${st.Limit} per ${st.EvaluationWindowSec} s` : 'missing'} (${q.routes.join(', ')})`]);
        return { ...q, requestsPerSecond: st ? st.Limit / (st.EvaluationWindowSec ?? 60) : Infinity };
      });
      for (const u of quotaRuleUsage(deployed, routes)) {
        items.push([u.cognitoRps <= u.quota * 1.0001, `${u.category}: at most ${u.cognitoRps.toFixed(1)} Cognito calls per second through the quota rules (quota ${u.quota})`]);
      }
      const sampled = rules.filter((r) => r.VisibilityConfig?.SampledRequestsEnabled).map((r) => r.Name);
      items.push([!sampled.length && !acl.VisibilityConfig?.SampledRequestsEnabled, sampled.length ? `sampled requests on for ${sampled.join(', ')}` : 'sampled requests off (no stored headers, tokens or cookies)']);
      const rateBased = rules.filter((r) => r.Statement?.RateBasedStatement).length;
      items.push([rateBased <= 10, `${rateBased} rate-based rules (WAF allows 10)`]);
      if (acl.Capacity !== undefined) items.push([acl.Capacity <= 1500, `${acl.Capacity} WCUs (1,500 by default)`]);
      const unknown = rules.map((r) => r.Name).filter((n) => !MANAGED_GROUPS.includes(n) && !PER_IP_RULES.includes(n) && !n.startsWith('Quota'));
      return verdict(items, unknown.length ? [`rules verify has no check for: ${unknown.join(', ')}`] : []);
    },
  },
  {
    id: 'waf-common-rule-set',
    group: G,
    title: 'The core rule set blocks a request without a User-Agent (NoUserAgent_HEADER) with the JSON 403',
    covers: { wafRules: ['AWSManagedRulesCommonRuleSet'] },
    requires: ['distribution'],
    plan: 'POST /auth/login with {} and without a User-Agent header',
    realAccount: 'AWS WAF itself (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html)',
    async run(ctx) {
      const a = await ctx.api.call('POST', '/auth/login', { noUserAgent: true, body: {} });
      return verdict([
        [a.status === 403 && a.error === 'forbidden', `no User-Agent: ${describe('POST', '/auth/login', a)} (the web ACL's 403)`],
        [/^application\/json/.test(String(a.headers['content-type'])), `content-type ${a.headers['content-type'] ?? 'none'} (the rule action override's JSON, not CloudFront's HTML)`],
      ]);
    },
  },
  {
    id: 'waf-known-bad-inputs',
    group: G,
    title: 'The known-bad-inputs group blocks a Log4j lookup in a header',
    covers: { wafRules: ['AWSManagedRulesKnownBadInputsRuleSet'] },
    requires: ['distribution'],
    plan: 'GET /auth/openapi.json with the header x-verify-probe: ${jndi:ldap://verify.invalid/a}',
    realAccount: 'AWS WAF itself',
    async run(ctx) {
      const a = await ctx.api.call('GET', '/auth/openapi.json', { headers: { 'x-verify-probe': '${jndi:ldap://verify.invalid/a}' } });
      return a.status === 403 ? pass(`Log4j probe header: ${a.status}`) : fail(`Log4j probe header: ${a.status} (expected the web ACL's 403)`);
    },
  },
  {
    id: 'waf-ip-reputation',
    group: G,
    title: 'The Amazon IP reputation group is in the web ACL, evaluated first',
    covers: { wafRules: ['AWSManagedRulesAmazonIpReputationList'] },
    requires: ['frontDoor', 'webAcl'],
    plan: 'WAFv2 GetWebACL (no request can come from a listed address here)',
    async run(ctx) {
      const acl = await webAcl(ctx);
      const first = [...(acl.Rules ?? [])].sort((a: any, b: any) => a.Priority - b.Priority)[0];
      return first?.Name === 'AWSManagedRulesAmazonIpReputationList' ? pass(`priority ${first.Priority}: ${first.Name}`) : fail(`first rule: ${first?.Name ?? 'none'}`);
    },
  },
  {
    id: 'waf-managed-overrides',
    group: G,
    title: 'Every rule a managed group blocks with is overridden (JSON block, or count for the body rules)',
    covers: { wafRules: [...MANAGED_GROUPS] },
    requires: ['frontDoor', 'webAcl'],
    plan: 'WAFv2 DescribeManagedRuleGroup for each managed group of the web ACL',
    realAccount: 'the groups\' current rules (AWS changes them between versions)',
    async run(ctx) {
      const acl = await webAcl(ctx);
      const items: [boolean, string][] = [];
      for (const r of acl.Rules ?? []) {
        const g = r.Statement?.ManagedRuleGroupStatement;
        if (!g) continue;
        let described: any;
        try {
          described = await ctx.aws.wafv2(ctx.d.webAclRegion ?? 'us-east-1').send(new DescribeManagedRuleGroupCommand({ VendorName: g.VendorName, Name: g.Name, Scope: ctx.d.webAcl!.scope, VersionName: g.Version }));
        } catch (e) {
          return skip(`DescribeManagedRuleGroup: ${(e as Error).name} (the WAF endpoint in use does not answer it; moto 5.2.5 lacks the operation)`);
        }
        const overridden = new Set((g.RuleActionOverrides ?? []).map((o: any) => o.Name));
        const blocking = (described.Rules ?? []).filter((x: any) => x.Action?.Block).map((x: any) => x.Name);
        const missing = blocking.filter((n: string) => !overridden.has(n));
        items.push([missing.length === 0, `${g.Name}: ${blocking.length} blocking rules, ${missing.length ? `not overridden (WAF's plain 403): ${missing.join(', ')}` : 'all overridden'}`]);
      }
      return verdict(items);
    },
  },
  {
    id: 'body-size-limit',
    group: G,
    title: 'A body over the API\'s 16 KiB limit answers 413 payload_too_large',
    covers: { wafRules: ['BodySizeLimit'], routes: ['login'] },
    plan: 'POST /auth/login with a 17 KiB JSON body',
    realAccount: 'the web ACL\'s BodySizeLimit rule (over its 16 KB inspection size, oversize handling MATCH)',
    async run(ctx) {
      const a = await ctx.api.call('POST', '/auth/login', { body: JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(17 * 1024) }) });
      return verdict([[a.status === 413 && a.error === 'payload_too_large', `17 KiB body: ${describe('POST', '/auth/login', a)}${/json/.test(String(a.headers['content-type'])) ? '' : ` (content-type ${a.headers['content-type']})`}`]]);
    },
  },
  {
    id: 'waf-per-ip-burst',
    group: G,
    title: 'Over the per-IP limit of the sensitive paths, the web ACL answers 429 with the JSON too_many_requests body',
    covers: { wafRules: ['PerIpSensitivePaths', 'PerIpAllPaths'] },
    requires: ['distribution', 'burst', 'webAcl'],
    plan: 'POST /auth/login with an invalid body (no Cognito call) until a 429, at most the rule\'s limit + 50 requests over up to 3 minutes',
    realAccount: 'AWS WAF\'s rate evaluation',
    async run(ctx) {
      const acl = await webAcl(ctx);
      const limit = (acl.Rules ?? []).find((r: any) => r.Name === 'PerIpSensitivePaths')?.Statement?.RateBasedStatement?.Limit ?? 100;
      const until = Date.now() + 180_000;
      let sent = 0;
      while (sent < limit + 50 && Date.now() < until) {
        const a = await ctx.api.call('POST', '/auth/login', { body: '{' });
        sent += 1;
        if (a.status === 429) {
          return a.error === 'too_many_requests' ? pass(`429 too_many_requests after ${sent} requests (limit ${limit})`) : fail(`429 after ${sent} requests, body ${a.text.slice(0, 120)}`);
        }
        if (sent % 25 === 0) ctx.progress(`burst: ${sent} requests, no 429 yet`);
      }
      return fail(`no 429 after ${sent} requests (limit ${limit})`);
    },
  },
  {
    id: 'stage-throttles',
    group: G,
    title: 'API Gateway\'s throttles: a safety limit only with the front door, else every route within its Cognito quota',
    requires: ['stack'],
    plan: 'reads the deployed template (the stage\'s DefaultRouteSettings and RouteSettings)',
    realAccount: 'whether the default route throttle applies per route or to the stage (the console\'s description)',
    async run(ctx) {
      const s = ctx.d.stage;
      if (!s) return fail('no API Gateway stage in the template');
      const dflt = `default route throttle ${s.defaultThrottle?.rateLimit ?? '?'} rps / ${s.defaultThrottle?.burstLimit ?? '?'} burst`;
      const settings = Object.keys(s.routeSettings);
      if (ctx.d.frontDoor) {
        // Only the routes that call the pool's token endpoint keep theirs (no room for another WAF quota rule: POOL_ENDPOINT_ROUTES).
        const own = loadApiDefinition().routes.filter((r) => r.name in POOL_ENDPOINT_ROUTES).map(routeKey).sort();
        const others = settings.filter((k) => !own.includes(k));
        const ownOk = own.every((k) => s.routeSettings[k] !== undefined);
        const usage = poolEndpointQuotaUsage(loadApiDefinition().routes, DEFAULT_COGNITO_QUOTAS, (r) => ({ rateLimit: s.routeSettings[routeKey(r)]?.rateLimit ?? s.defaultThrottle?.rateLimit ?? 0, burstLimit: 0 }));
        return verdict([
          [s.defaultThrottle?.rateLimit !== undefined, dflt],
          [others.length === 0, `${others.length} other per-route throttles (the quota budgets are WAF rules)`],
          [ownOk && usage.every((u) => u.used <= u.quota), `the token endpoint routes' throttles (${own.join(', ')}): ${usage.map((u) => `${u.category} ${u.used} <= ${u.quota} rps`).join('; ')}`],
        ]);
      }
      const routes = loadApiDefinition().routes;
      const missing = routes.filter((r) => !s.routeSettings[routeKey(r)]).map(routeKey);
      const usage = quotaUsage(routes, DEFAULT_COGNITO_QUOTAS, (r) => {
        const t = s.routeSettings[routeKey(r)];
        return { rateLimit: t?.rateLimit ?? s.defaultThrottle?.rateLimit ?? 0, burstLimit: t?.burstLimit ?? 0 };
      });
      const over = usage.filter((u) => u.used > u.quota);
      return verdict([
        [missing.length === 0, missing.length ? `routes without a throttle: ${missing.join(', ')}` : `${routes.length} route throttles`],
        [over.length === 0, over.length ? over.map((u) => `${u.category} ${u.used} > ${u.quota} rps`).join('; ') : `every Cognito category within its quota (${Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS).length} categories)`],
      ], [dflt]);
    },
  },
  {
    id: 'id-token-refused',
    group: G,
    title: 'Every bearer route refuses an ID token (401/403); an access token works',
    covers: { routes: Object.keys(BEARER_PROBES) },
    users: ['idToken'],
    plan: 'each bearer route with the ID-token user\'s ID token as the bearer and a body that would act on that throwaway user if the token were taken (DELETE /auth/user last), then GET /auth/userinfo with its access token',
    realAccount: 'that API Gateway\'s JWT authorizer (scope aws.cognito.signin.user.admin) refuses it before the function runs',
    async run(ctx) {
      const user = await ctx.users.get('idToken');
      const t = await login(ctx, user);
      const items: [boolean, string][] = [];
      let byGateway = 0;
      const bearer = loadApiDefinition().routes.filter((r) => r.bearerToken);
      const probed = [...bearer].sort((a, b) => Number(a.name === 'deleteUser') - Number(b.name === 'deleteUser'));
      for (const r of probed) {
        const probe = BEARER_PROBES[r.name];
        if (!probe) {
          items.push([false, `${routeKey(r)}: no probe body for this route (add one to BEARER_PROBES)`]);
          continue;
        }
        const me = await ctx.api.authed('GET', '/auth/userinfo', t.accessToken);
        const a = await ctx.api.authed(r.method, r.path, t.idToken, probe(user.password));
        if (a.json?.message === 'Unauthorized' && a.error === undefined) byGateway += 1;
        const scopes = ctx.d.routes[routeKey(r)]?.authorizationScopes;
        items.push([(a.status === 401 || a.status === 403) && me.status === 200, `ID token: ${describe(r.method, r.path, a)}${scopes ? ` (authorizer scopes ${scopes.join(',')})` : ''}`]);
      }
      const me = await ctx.api.authed('GET', '/auth/userinfo', t.accessToken);
      items.push([me.status === 200 && me.json?.email === user.email, `access token: ${describe('GET', '/auth/userinfo', me)}`]);
      return verdict(items, [`${byGateway} of ${bearer.length} refused by the gateway's authorizer, the others by the function`]);
    },
  },
  {
    id: 'cors-expose-headers',
    group: G,
    title: 'A page on a configured origin can read Retry-After and X-Request-Id (Access-Control-Expose-Headers)',
    covers: { routes: ['login'] },
    plan: 'POST /auth/login with Origin (the first CORS origin) and an invalid body (no Cognito call)',
    realAccount: 'API Gateway\'s own CORS answer (it ignores the functions\' CORS headers once CORS is configured)',
    async run(ctx) {
      const origin = ctx.d.corsOrigins[0];
      if (!origin) return fail('no CORS origin in the deployment');
      const a = await ctx.api.call('POST', '/auth/login', { body: '{', headers: { origin } });
      const exposed = String(a.headers['access-control-expose-headers'] ?? '').toLowerCase().split(',').map((h) => h.trim());
      return verdict([
        [a.headers['access-control-allow-origin'] === origin, `${describe('POST', '/auth/login', a)}: access-control-allow-origin ${a.headers['access-control-allow-origin'] ?? 'none'}`],
        [['retry-after', 'x-request-id'].every((h) => exposed.includes(h)), `access-control-expose-headers: ${exposed.filter(Boolean).join(', ') || 'none'}`],
      ]);
    },
  },
  {
    id: 'ipv6',
    group: G,
    title: 'The distribution answers AAAA queries only when IPv6 is on',
    requires: ['distribution', 'stack'],
    plan: 'a DNS AAAA lookup of the ApiUrl host',
    async run(ctx) {
      if (ctx.d.ipv6Enabled === undefined) return skip('no CloudFront distribution in the template (custom web ACL setup?)');
      const host = new URL(ctx.d.apiUrl).hostname;
      const addrs = await dns.resolve6(host).catch((e: NodeJS.ErrnoException) => (e.code === 'ENODATA' || e.code === 'ENOTFOUND' ? [] : Promise.reject(e)));
      return ctx.d.ipv6Enabled
        ? verdict([[addrs.length > 0, `IPv6 on: ${addrs.length} AAAA address(es) for ${host}`]])
        : verdict([[addrs.length === 0, `IPv6 off: ${addrs.length ? addrs.join(', ') : 'no AAAA address'} for ${host}`]]);
    },
  },
  {
    id: 'session-cookie',
    group: G,
    title: 'Browser session mode: the __Host- cookie\'s attributes, a cookie-only refresh, the credentialed preflight, no refresh without Origin, the name twice refused',
    covers: { routes: ['login', 'refresh'] },
    requires: ['sessionCookie'],
    users: ['main'],
    plan: 'POST /auth/login with Origin; OPTIONS /auth/refresh (credentialed preflight); POST /auth/refresh with the cookie, Origin and X-Requested-With; POST /auth/refresh with the cookie and no Origin; POST /auth/refresh with the cookie name twice',
    realAccount: 'that a browser on the app\'s site sends the cookie to the API\'s domain (DevTools)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const origin = ctx.d.corsOrigins[0];
      const l = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password }, headers: { origin } });
      const setCookie = ([] as string[]).concat(l.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-auth_refresh=')) ?? '';
      const attrs = setCookie.split(';').map((s) => s.trim().toLowerCase());
      const cookie = setCookie.split(';')[0];
      const pre = await ctx.api.call('OPTIONS', '/auth/refresh', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-requested-with' } });
      const r = await ctx.api.call('POST', '/auth/refresh', { headers: { origin, cookie, 'x-requested-with': 'XMLHttpRequest' } });
      const newCookie = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-auth_refresh='))?.split(';')[0] ?? cookie;
      const noOrigin = await ctx.api.call('POST', '/auth/refresh', { headers: { cookie: newCookie, 'x-requested-with': 'XMLHttpRequest' } });
      // A second cookie of the same name (what a sibling subdomain could toss in) is refused, not guessed between.
      const twice = await ctx.api.call('POST', '/auth/refresh', { headers: { origin, cookie: `__Host-auth_refresh=tossed; ${newCookie}`, 'x-requested-with': 'XMLHttpRequest' } });
      return verdict([
        [l.status === 200 && !!cookie && !l.json?.refreshToken, `${describe('POST', '/auth/login', l)}, refresh token ${cookie ? 'in the cookie' : 'NOT in a cookie'}`],
        [['httponly', 'secure', 'samesite=strict', 'path=/'].every((a) => attrs.includes(a)) && !attrs.some((a) => a.startsWith('domain=')) && attrs.some((a) => a.startsWith('max-age=')),
          `cookie attributes: ${attrs.slice(1).join('; ')}`],
        [pre.headers['access-control-allow-origin'] === origin && pre.headers['access-control-allow-credentials'] === 'true',
          `preflight: allow-origin ${pre.headers['access-control-allow-origin'] ?? 'none'}, allow-credentials ${pre.headers['access-control-allow-credentials'] ?? 'none'}`],
        [r.status === 200, `cookie-only refresh: ${describe('POST', '/auth/refresh', r)}`],
        [noOrigin.status === 403 && noOrigin.error === 'origin_not_allowed', `refresh without Origin: ${describe('POST', '/auth/refresh', noOrigin)}`],
        [twice.status === 400 && twice.error === 'duplicate_session_cookie', `the cookie name twice: ${describe('POST', '/auth/refresh', twice)}`],
      ]);
    },
  },
];
