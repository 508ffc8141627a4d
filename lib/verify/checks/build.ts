// Checklist group "Build, package and the first requests".
import { loadApiDefinition, routeKey } from '../../route-definition';
import { Check, fail, logGroupOf, pass, skip, sleep, unknownAddress, verdict } from '../check';
import { describe } from '../http';

const G = 'Build, package and the first requests' as const;

export const buildChecks: Check[] = [
  {
    id: 'openapi-served',
    group: G,
    title: 'GET /auth/openapi.json answers the document, with every route of the package',
    covers: { routes: ['openapi'] },
    plan: 'GET /auth/openapi.json',
    async run(ctx) {
      const a = await ctx.api.call('GET', '/auth/openapi.json');
      const paths = Object.keys(a.json?.paths ?? {});
      const missing = loadApiDefinition().routes.filter((r) => !paths.includes(r.path)).map(routeKey);
      return verdict([
        [a.status === 200 && typeof a.json?.openapi === 'string', `${describe('GET', '/auth/openapi.json', a)}, openapi ${a.json?.openapi ?? '?'}`],
        [missing.length === 0, missing.length ? `paths missing: ${missing.join(', ')}` : `${paths.length} paths, every route of cdk/routes.json`],
      ]);
    },
  },
  {
    id: 'first-login',
    group: G,
    title: 'The packaged binary runs and reaches Cognito with the execution role: a login answers 200 with tokens',
    covers: { routes: ['login'] },
    users: ['main'],
    plan: 'POST /auth/login as the main throwaway user',
    realAccount: 'credentials from the Lambda environment (execution role) and provided.al2023 x86_64',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const a = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
      const ok = a.status === 200 && typeof a.json?.accessToken === 'string' && typeof a.json?.refreshToken === 'string';
      if (!ok) return fail(`${describe('POST', '/auth/login', a)}${a.status === 503 ? ' (a credentials or network problem: see the login function log)' : ''}`);
      const want = ctx.d.accessTokenSeconds;
      return verdict([
        [true, `${describe('POST', '/auth/login', a)} with accessToken, idToken, refreshToken`],
        [want === undefined || a.json.expiresIn === want, `expiresIn ${a.json.expiresIn} s (the app client's access token validity: ${want ?? 'unknown'} s)`],
      ]);
    },
  },
  {
    id: 'routes-deployed',
    group: G,
    title: 'The stack serves exactly the routes of this package version, each with its version tag',
    requires: ['stack'],
    plan: 'reads the deployed template (GetTemplate)',
    async run(ctx) {
      const want = loadApiDefinition().routes.map(routeKey);
      const got = Object.keys(ctx.d.routes);
      const missing = want.filter((k) => !got.includes(k));
      const extra = got.filter((k) => !want.includes(k));
      const versions = new Set(Object.values(ctx.d.routes).map((r) => r.tags['cognito-auth-api:version']));
      return verdict([
        [missing.length === 0, missing.length ? `not deployed: ${missing.join(', ')}` : `${want.length} routes of cdk/routes.json deployed`],
        [extra.length === 0, extra.length ? `deployed but not in this package: ${extra.join(', ')}` : 'no other routes'],
        [versions.size === 1 && !versions.has(undefined as any) && (ctx.d.version === undefined || versions.has(ctx.d.version)),
          `cognito-auth-api:version tags: ${[...versions].join(', ')} (Version output ${ctx.d.version ?? 'absent'})`],
      ]);
    },
  },
  {
    id: 'request-deadline',
    group: G,
    title: 'Every function\'s REQUEST_DEADLINE_MS is below its timeout',
    requires: ['stack'],
    plan: 'reads the deployed template',
    realAccount: 'that a request outliving the deadline answers the JSON 503 needs a slow Cognito: not forced here',
    async run(ctx) {
      const bad: string[] = [];
      let n = 0;
      for (const r of Object.values(ctx.d.routes)) {
        const d = Number(r.env.REQUEST_DEADLINE_MS);
        n += 1;
        if (!(d > 0 && r.timeoutSeconds && d < r.timeoutSeconds * 1000)) bad.push(`${r.key}: ${r.env.REQUEST_DEADLINE_MS ?? 'unset'} ms, timeout ${r.timeoutSeconds ?? '?'} s`);
      }
      return bad.length ? fail(...bad) : pass(`${n} functions, e.g. ${Object.values(ctx.d.routes)[0]?.env.REQUEST_DEADLINE_MS} ms < ${Object.values(ctx.d.routes)[0]?.timeoutSeconds} s`);
    },
  },
  {
    id: 'init-duration',
    group: G,
    title: 'The first request\'s Init Duration and Duration (Lambda\'s platform.report) in the login function\'s log',
    requires: ['stack', 'cloudWatch'],
    plan: 'FilterLogEvents on the login function\'s log group (last 24 hours)',
    realAccount: 'Lambda\'s own cold start at the configured memory',
    async run(ctx) {
      const route = Object.values(ctx.d.routes).find((r) => r.name === 'login');
      const group = logGroupOf(ctx, 'login');
      if (!group) return fail('no log group for the login function in the template');
      // Lambda writes platform.report only at system log level INFO or DEBUG:
      // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
      if (route?.systemLogLevel === 'WARN') {
        return skip('the functions\' system log level is WARN (LoggingConfig.SystemLogLevel), so Lambda writes no platform.report (REPORT) lines; set it to INFO to read Init Duration here');
      }
      const since = Date.now() - 24 * 3600_000;
      const reports = await ctx.cw.waitForLines(group, since, (l) => l.type === 'platform.report' && l.record?.metrics?.initDurationMs !== undefined, (x) => x.length > 0, { waitMs: ctx.o.waitMs, progress: ctx.progress });
      const last = reports[reports.length - 1];
      if (!last) return fail(`no platform.report with initDurationMs in ${group} over the last 24 hours`);
      const m = last.record.metrics;
      return verdict([
        [route?.memoryMb === undefined || m.memorySizeMB === route.memoryMb, `memory ${m.memorySizeMB} MB (template ${route?.memoryMb ?? '?'} MB)`],
      ], [`Init Duration ${m.initDurationMs} ms, Duration ${m.durationMs} ms, Max Memory Used ${m.maxMemoryUsedMB} MB (${reports.length} cold start(s) in 24 h); compare with make bench at the same memory`]);
    },
  },
  {
    id: 'idle-login',
    group: G,
    title: 'A login after 5 minutes idle answers 200 (the dead kept connection is retried)',
    requires: ['slow'],
    users: ['main'],
    plan: 'waits 5 minutes, then POST /auth/login as the main user',
    realAccount: 'how long AWS endpoints keep an idle connection open',
    async run(ctx) {
      const user = await ctx.users.get('main');
      for (let left = 300; left > 0; left -= 10) {
        ctx.progress(`idle: ${left} s before the login`);
        await sleep(10_000);
      }
      const a = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
      return a.status === 200 ? pass(`after 300 s idle: ${describe('POST', '/auth/login', a)}`) : fail(`after 300 s idle: ${describe('POST', '/auth/login', a)}`);
    },
  },
  {
    id: 'idle-no-repeat',
    group: G,
    title: 'password/forgot after 5, 15 and 60 s idle answers 202 each time, no "Cognito unavailable" in the log',
    covers: { routes: ['passwordForgot'] },
    requires: ['slow'],
    plan: 'POST /auth/password/forgot for an address no account has (Cognito sends nothing), 3 times after each idle interval; FilterLogEvents on its log group',
    realAccount: 'Cognito\'s idle connection lifetime and the pool\'s clock while Lambda freezes the sandbox',
    async run(ctx) {
      const seen: string[] = [];
      let bad = 0;
      for (const idle of [5, 15, 60]) {
        for (let i = 0; i < 3; i++) {
          ctx.progress(`idle ${idle} s before password/forgot ${i + 1}/3`);
          await sleep(idle * 1000);
          const a = await ctx.api.call('POST', '/auth/password/forgot', { body: { email: unknownAddress(ctx) } });
          if (a.status !== 202) bad += 1;
          seen.push(`${idle} s: ${a.status}`);
        }
      }
      const group = logGroupOf(ctx, 'passwordForgot');
      const unavailable = group && ctx.d.cloudWatch
        ? await ctx.cw.lines(group, ctx.startedMs, (l) => /Cognito unavailable/.test(String(l.message ?? l.fields?.message ?? '')))
        : [];
      return verdict([
        [bad === 0, `answers: ${seen.join(', ')}`],
        [unavailable.length === 0, ctx.d.cloudWatch ? `${unavailable.length} "Cognito unavailable" line(s) in the log` : 'log not read (--local)'],
      ]);
    },
  },
];
