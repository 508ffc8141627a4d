// Checklist group "Sign-in, challenges and tokens".
import { GetTokensFromRefreshTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { TOTP, Secret } from 'otpauth';
import { Check, Ctx, fail, login, logGroupOf, pass, sleep, verdict } from '../check';
import { describe, request } from '../http';
import { newPassword } from '../users';

const G = 'Sign-in, challenges and tokens' as const;

const totpOf = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });

/** Waits into the next 30-second TOTP step, so that a code is not the one just used. */
async function nextTotpStep(ctx: Ctx): Promise<void> {
  const ms = 30_000 - (Date.now() % 30_000) + 1000;
  ctx.progress(`waiting ${Math.ceil(ms / 1000)} s for the next TOTP period`);
  await sleep(ms);
}

export const signInChecks: Check[] = [
  {
    id: 'new-password-required',
    group: G,
    title: 'An administrator-created user answers NEW_PASSWORD_REQUIRED and completes it through /auth/login/challenge',
    covers: { routes: ['login', 'loginChallenge'] },
    users: ['newPassword'],
    plan: 'AdminCreateUser with a temporary password; POST /auth/login; POST /auth/login/challenge with a new password',
    async run(ctx) {
      const user = await ctx.users.get('newPassword', { temporaryOnly: true });
      const l = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
      if (l.json?.challenge !== 'NEW_PASSWORD_REQUIRED') return fail(`${describe('POST', '/auth/login', l)}, challenge ${l.json?.challenge ?? 'none'}`);
      const pw = newPassword();
      const c = await ctx.api.call('POST', '/auth/login/challenge', { body: { email: user.email, challenge: 'NEW_PASSWORD_REQUIRED', session: l.json.session, answer: pw } });
      if (c.status === 200) user.password = pw;
      return verdict([
        [true, `${describe('POST', '/auth/login', l)} challenge NEW_PASSWORD_REQUIRED`],
        [c.status === 200 && !!c.json?.accessToken, `${describe('POST', '/auth/login/challenge', c)}${c.json?.accessToken ? ' with tokens' : ''}`],
      ]);
    },
  },
  {
    id: 'totp-login',
    group: G,
    title: 'TOTP: enrol with a computed code, then the SOFTWARE_TOKEN_MFA login completes (USER_ID_FOR_SRP present)',
    covers: { routes: ['totpSetup', 'totpVerify', 'loginChallenge'] },
    users: ['mfa'],
    plan: 'POST /auth/login; /auth/mfa/totp/setup (current password); /auth/mfa/totp/verify (a code computed from the secret); POST /auth/login and /auth/login/challenge with the next code; FilterLogEvents on the login log group for the USER_ID_FOR_SRP fallback warning',
    realAccount: 'that Cognito names the account in USER_ID_FOR_SRP for SOFTWARE_TOKEN_MFA after ADMIN_USER_PASSWORD_AUTH',
    async run(ctx) {
      const user = await ctx.users.get('mfa');
      const t = await login(ctx, user);
      const s = await ctx.api.authed('POST', '/auth/mfa/totp/setup', t.accessToken, { currentPassword: user.password });
      if (s.status !== 200 || !s.json?.secret) return fail(describe('POST', '/auth/mfa/totp/setup', s));
      const totp = totpOf(s.json.secret);
      const v = await ctx.api.authed('POST', '/auth/mfa/totp/verify', t.accessToken, { code: totp.generate(), deviceName: 'verify' });
      if (v.status !== 200) return fail(describe('POST', '/auth/mfa/totp/setup', s), describe('POST', '/auth/mfa/totp/verify', v));
      await nextTotpStep(ctx);
      const l = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
      const c = l.json?.challenge === 'SOFTWARE_TOKEN_MFA'
        ? await ctx.api.call('POST', '/auth/login/challenge', { body: { email: user.email, challenge: 'SOFTWARE_TOKEN_MFA', session: l.json.session, answer: totp.generate() } })
        : undefined;
      const items: [boolean, string][] = [
        [true, `${describe('POST', '/auth/mfa/totp/setup', s)}, ${describe('POST', '/auth/mfa/totp/verify', v)}`],
        [l.json?.challenge === 'SOFTWARE_TOKEN_MFA', `${describe('POST', '/auth/login', l)} challenge ${l.json?.challenge ?? 'none'}`],
        [c?.status === 200 && !!c.json?.accessToken, c ? `${describe('POST', '/auth/login/challenge', c)}${c.json?.accessToken ? ' with tokens' : ''}` : 'no challenge to answer'],
      ];
      const group = logGroupOf(ctx, 'login');
      if (ctx.d.cloudWatch && group && l.requestId) {
        const lines = await ctx.cw.waitForLines(group, ctx.startedMs, (x) => x.request_id === l.requestId || /USER_ID_FOR_SRP/.test(String(x.message)), (ls) => ls.some((x) => x.target === 'audit'), { waitMs: ctx.o.waitMs, progress: ctx.progress });
        const fallback = lines.filter((x) => /without USER_ID_FOR_SRP/.test(String(x.message)));
        items.push([fallback.length === 0, `${fallback.length} "challenge without USER_ID_FOR_SRP" warning(s) in the login log`]);
      }
      return verdict(items);
    },
  },
  {
    id: 'password-attempts-exceeded',
    group: G,
    title: 'Wrong passwords until Cognito\'s lockout all answer 401 invalid_credentials',
    covers: { routes: ['login'] },
    users: ['lockout'],
    plan: 'POST /auth/login 6 times with a wrong password as the lockout user (counts 6 FailedLogins)',
    realAccount: 'Cognito\'s "Password attempts exceeded" after five failures',
    async run(ctx) {
      const user = await ctx.users.get('lockout');
      const seen: string[] = [];
      let bad = 0;
      for (let i = 0; i < 6; i++) {
        const a = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: `${user.password}x` } });
        seen.push(`${a.status} ${a.error ?? ''}`.trim());
        if (!(a.status === 401 && a.error === 'invalid_credentials')) bad += 1;
      }
      ctx.state.set('failedLogins', 6);
      return bad === 0 ? pass(`6 wrong passwords: ${seen.join(', ')}`) : fail(`6 wrong passwords: ${seen.join(', ')}`);
    },
  },
  {
    id: 'failed-logins-metric',
    group: G,
    title: 'The FailedLogins metric counts the failed logins (metric filter on the audit lines)',
    requires: ['cloudWatch'],
    plan: 'CloudWatch GetMetricStatistics FailedLogins in the stack\'s metric namespace, waiting up to --wait',
    realAccount: 'that Lambda passes the JSON audit lines through unchanged and the metric filter matches them',
    async run(ctx) {
      const want = Number(ctx.state.get('failedLogins') ?? 0);
      if (!want || !ctx.d.metricNamespace) return fail(want ? 'no metric namespace in the template' : 'no failed logins were sent (password-attempts-exceeded did not run)');
      const sum = await ctx.cw.waitForMetricSum(ctx.d.metricNamespace, 'FailedLogins', ctx.startedMs, want, { waitMs: ctx.o.waitMs, progress: ctx.progress });
      return sum >= want ? pass(`${ctx.d.metricNamespace} FailedLogins sum ${sum} since the start (>= ${want} sent)`) : fail(`${ctx.d.metricNamespace} FailedLogins sum ${sum} after ${ctx.o.waitMs / 1000} s (${want} sent)`);
    },
  },
  {
    id: 'lockout-reset',
    group: G,
    title: 'A successful login between wrong passwords does not reset the lockout count (as emulated)',
    covers: { routes: ['login'] },
    users: ['lockoutReset'],
    plan: 'POST /auth/login as the lockout-reset user: 3 wrong passwords, the right one, 2 wrong, then the right one again (counts 5 FailedLogins)',
    realAccount: 'when Cognito resets the count: the emulator resets it only after a lockout expires or 15 idle minutes',
    async run(ctx) {
      const user = await ctx.users.get('lockoutReset');
      const wrong = () => ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: `${user.password}x` } });
      const right = () => ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) seen.push(String((await wrong()).status));
      const ok = await right();
      for (let i = 0; i < 2; i++) seen.push(String((await wrong()).status));
      const last = await right();
      ctx.state.set('failedLogins', Number(ctx.state.get('failedLogins') ?? 0) + 5);
      return verdict([
        [ok.status === 200, `3 wrong (${seen.slice(0, 3).join(', ')}), then the right password: ${describe('POST', '/auth/login', ok)}`],
        [last.status === 401 && last.error === 'invalid_credentials', `2 more wrong (${seen.slice(3).join(', ')}), then the right password: ${describe('POST', '/auth/login', last)} (the emulator: locked, 401 invalid_credentials; a 200 means Cognito reset the count at the successful login: change the emulator)`],
      ]);
    },
  },
  {
    id: 'token-signing-keys',
    group: G,
    title: 'Access and ID tokens are signed with different keys, both in the pool\'s JWKS',
    users: ['main'],
    plan: 'POST /auth/login; GET https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json (public)',
    realAccount: 'Cognito\'s own keys',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const part = (jwt: string, i: number) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url').toString());
      const [ah, ih, claims] = [part(t.accessToken, 0), part(t.idToken, 0), part(t.idToken, 1)];
      // Cognito publishes the JWKS under the issuer; an emulator (endpoint override) under its own endpoint, same path.
      const jwksUrl = `${ctx.cognitoEndpoint ? `${ctx.cognitoEndpoint.replace(/\/+$/, '')}/${ctx.d.userPoolId}` : claims.iss}/.well-known/jwks.json`;
      const jwks = await request('GET', jwksUrl);
      const kids: string[] = (jwks.json?.keys ?? []).map((k: any) => k.kid);
      return verdict([
        [ah.kid !== ih.kid, `access token kid ${ah.kid}, ID token kid ${ih.kid}`],
        [kids.includes(ah.kid) && kids.includes(ih.kid), `${jwksUrl}: ${jwks.status}, ${kids.length} keys, both kids among them`],
        [claims.iss === `https://cognito-idp.${ctx.d.region}.amazonaws.com/${ctx.d.userPoolId}`, `issuer ${claims.iss}`],
      ]);
    },
  },
  {
    id: 'logout-revoke',
    group: G,
    title: 'Logout signs out (GlobalSignOut) and revokes the session\'s refresh token; a made-up refresh token is not revoked',
    covers: { routes: ['logout', 'userinfo'] },
    users: ['main'],
    plan: 'POST /auth/login; POST /auth/logout with its refresh token; GET /auth/userinfo with the old access token; again with a made-up refresh token',
    realAccount: 'what Cognito answers RevokeToken right after GlobalSignOut (not documented): refreshTokenRevoked is noted',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const out = await ctx.api.authed('POST', '/auth/logout', t.accessToken, { refreshToken: t.refreshToken });
      const after = await ctx.api.authed('GET', '/auth/userinfo', t.accessToken);
      const t2 = await login(ctx, user);
      const madeUp = await ctx.api.authed('POST', '/auth/logout', t2.accessToken, { refreshToken: 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.made-up.token' });
      return verdict([
        [out.status === 200 && out.json?.signedOut === true, `${describe('POST', '/auth/logout', out)}, refreshTokenRevoked ${out.json?.refreshTokenRevoked}`],
        [after.status === 401, `old access token after logout: ${describe('GET', '/auth/userinfo', after)}`],
        [madeUp.status === 200 && madeUp.json?.refreshTokenRevoked === false, `made-up refresh token: ${describe('POST', '/auth/logout', madeUp)}, refreshTokenRevoked ${madeUp.json?.refreshTokenRevoked}`],
      ]);
    },
  },
  {
    id: 'refresh-rotation',
    group: G,
    title: 'Refresh rotates; a retry within the grace period works; after it the old token is 401 refresh_token_reused with a refresh_token_reuse audit line, and the newest still works',
    covers: { routes: ['refresh'] },
    users: ['main'],
    plan: 'POST /auth/login; POST /auth/refresh 3 times with the first refresh token (at once, again within the grace period, after it), then with the newest; FilterLogEvents on the refresh log group. The third trips the RefreshTokenReuse alarm (threshold 1)',
    realAccount: 'that Cognito answers RefreshTokenReuseException (not NotAuthorized) after the grace period',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const r1 = await ctx.api.call('POST', '/auth/refresh', { body: { refreshToken: t.refreshToken } });
      const r2 = await ctx.api.call('POST', '/auth/refresh', { body: { refreshToken: t.refreshToken } });
      const grace = ctx.d.refreshGraceSeconds ?? 60;
      for (let left = grace + 3; left > 0; left--) {
        ctx.progress(`waiting ${left} s past the ${grace} s grace period`);
        await sleep(1000);
      }
      const r3 = await ctx.api.call('POST', '/auth/refresh', { body: { refreshToken: t.refreshToken } });
      const newest = r2.json?.refreshToken ?? r1.json?.refreshToken;
      const r4 = newest ? await ctx.api.call('POST', '/auth/refresh', { body: { refreshToken: newest } }) : undefined;
      const items: [boolean, string][] = [
        [r1.status === 200 && !!r1.json?.refreshToken && r1.json.refreshToken !== t.refreshToken, `refresh: ${describe('POST', '/auth/refresh', r1)}, ${r1.json?.refreshToken && r1.json.refreshToken !== t.refreshToken ? 'a new refresh token' : 'NO new refresh token'}`],
        [r2.status === 200, `retry within ${grace} s: ${describe('POST', '/auth/refresh', r2)}${r2.json?.refreshToken ? `, refresh token ${r2.json.refreshToken === r1.json?.refreshToken ? 'the same as the first retry\'s' : 'new again'}` : ''}`],
        [r3.status === 401 && r3.error === 'refresh_token_reused', `after ${grace} s: ${describe('POST', '/auth/refresh', r3)}`],
        [r4?.status === 200, `newest refresh token afterwards: ${r4 ? describe('POST', '/auth/refresh', r4) : 'none'}`],
      ];
      if (r3.status === 401) ctx.state.set('reuse', 1);
      const group = logGroupOf(ctx, 'refresh');
      if (ctx.d.cloudWatch && group && r3.requestId) {
        const line = await ctx.cw.auditLine(group, ctx.startedMs, r3.requestId, { waitMs: ctx.o.waitMs, progress: ctx.progress });
        items.push([line?.event === 'refresh_token_reuse', `audit line of the late refresh: event ${line ? line.event ?? 'none' : '(no audit line)'}`]);
      }
      return verdict(items);
    },
  },
  {
    id: 'refresh-reuse-metric',
    group: G,
    title: 'The RefreshTokenReuse metric counts the reuse',
    requires: ['cloudWatch'],
    plan: 'CloudWatch GetMetricStatistics RefreshTokenReuse in the stack\'s metric namespace, waiting up to --wait',
    realAccount: 'the metric filter on Lambda\'s real log delivery',
    async run(ctx) {
      if (!ctx.state.get('reuse') || !ctx.d.metricNamespace) return fail(ctx.d.metricNamespace ? 'no reuse was seen (refresh-rotation did not get its 401)' : 'no metric namespace in the template');
      const sum = await ctx.cw.waitForMetricSum(ctx.d.metricNamespace, 'RefreshTokenReuse', ctx.startedMs, 1, { waitMs: ctx.o.waitMs, progress: ctx.progress });
      return sum >= 1 ? pass(`${ctx.d.metricNamespace} RefreshTokenReuse sum ${sum} since the start`) : fail(`RefreshTokenReuse sum ${sum} after ${ctx.o.waitMs / 1000} s`);
    },
  },
  {
    id: 'refresh-after-logout',
    group: G,
    title: 'After logout, a rotated-out refresh token is refused and not audited as a reuse',
    covers: { routes: ['refresh', 'logout'] },
    users: ['main'],
    plan: 'POST /auth/login; /auth/refresh; /auth/logout with the new refresh token; /auth/refresh with the first one; FilterLogEvents on the refresh log group',
    realAccount: 'what Cognito answers a rotated-out token after GlobalSignOut (the emulator: NotAuthorized)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const r1 = await ctx.api.call('POST', '/auth/refresh', { body: { refreshToken: t.refreshToken } });
      const out = await ctx.api.authed('POST', '/auth/logout', r1.json?.accessToken ?? t.accessToken, { refreshToken: r1.json?.refreshToken });
      const r2 = await ctx.api.call('POST', '/auth/refresh', { body: { refreshToken: t.refreshToken } });
      const items: [boolean, string][] = [
        [r1.status === 200 && out.status === 200, `${describe('POST', '/auth/refresh', r1)}, ${describe('POST', '/auth/logout', out)}`],
        [r2.status === 401 && r2.error === 'invalid_refresh_token', `first refresh token after logout: ${describe('POST', '/auth/refresh', r2)}`],
      ];
      const group = logGroupOf(ctx, 'refresh');
      if (ctx.d.cloudWatch && group && r2.requestId) {
        const line = await ctx.cw.auditLine(group, ctx.startedMs, r2.requestId, { waitMs: ctx.o.waitMs, progress: ctx.progress });
        items.push([!!line && line.event !== 'refresh_token_reuse', `its audit line: ${line ? `event ${line.event ?? 'none'}` : 'none'}`]);
      }
      return verdict(items);
    },
  },
  {
    id: 'refresh-wrong-secret',
    group: G,
    title: 'GetTokensFromRefreshToken with a wrong client secret is NotAuthorizedException',
    users: ['main'],
    plan: 'POST /auth/login; Cognito GetTokensFromRefreshToken with its refresh token and a made-up ClientSecret (a public operation: no IAM, nothing changes)',
    realAccount: 'Cognito\'s exception for it (the emulator: NotAuthorizedException)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      try {
        await ctx.aws.cognito.send(new GetTokensFromRefreshTokenCommand({ ClientId: ctx.d.clientId, RefreshToken: t.refreshToken, ClientSecret: 'not-the-client-secret' }));
        return fail('GetTokensFromRefreshToken with a wrong secret answered tokens');
      } catch (e) {
        const name = (e as Error).name;
        return name === 'NotAuthorizedException' ? pass(`wrong ClientSecret: ${name}`) : fail(`wrong ClientSecret: ${name} (the emulator answers NotAuthorizedException)`);
      }
    },
  },
];
