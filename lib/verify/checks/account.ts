// Checklist group "Account flows and email".
import { DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Check, fail, login, pass, unknownAddress, verdict } from '../check';
import { describe } from '../http';
import { newPassword } from '../users';

const G = 'Account flows and email' as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** A body without its per-request fields, to compare answers. */
const shape = (json: any) => JSON.stringify({ ...(json ?? {}), requestId: undefined });

export const accountChecks: Check[] = [
  {
    id: 'email-sender',
    group: G,
    title: 'The pool sends email with SES, or with Cognito\'s default sender offers no emailed sign-in codes',
    requires: ['stack'],
    plan: 'Cognito DescribeUserPool (EmailConfiguration)',
    realAccount: 'that the code arrives from the SES address, and SES production access (not read: needs an inbox and SES permissions)',
    async run(ctx) {
      const pool = (await ctx.aws.cognito.send(new DescribeUserPoolCommand({ UserPoolId: ctx.d.userPoolId }))).UserPool;
      const e = pool?.EmailConfiguration ?? {};
      if (e.EmailSendingAccount === 'DEVELOPER') {
        return e.SourceArn ? pass(`SES: ${e.From ?? e.SourceArn}${e.ConfigurationSet ? `, configuration set ${e.ConfigurationSet}` : ''}`) : fail('EmailSendingAccount DEVELOPER without an SES identity (SourceArn)');
      }
      // With the default sender (capped per day, for testing) the construct offers no EMAIL_OTP first factor.
      const factors = pool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors ?? [];
      const what = `Cognito's default sender (EmailSendingAccount ${e.EmailSendingAccount ?? 'COGNITO_DEFAULT'}, a daily cap, for testing)`;
      return verdict([[!factors.includes('EMAIL_OTP'), `${what}; first factors ${factors.join(', ') || 'none listed'}${factors.includes('EMAIL_OTP') ? ': EMAIL_OTP needs SES' : ''}`]],
        ctx.d.frontDoor ? ['a production stack (front door on) should send with SES: set sesFromEmail'] : []);
    },
  },
  {
    id: 'enumeration-timing',
    group: G,
    title: 'resend and verify answer an unknown and a confirmed address alike, in about the same time',
    covers: { routes: ['resend', 'verify'] },
    users: ['main'],
    plan: 'POST /auth/resend and /auth/verify (a wrong code) 5 times each for an address no account has and for the main user (confirmed: Cognito sends no email for either)',
    realAccount: 'Cognito\'s own latency per case',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const items: [boolean, string][] = [];
      for (const [path, body] of [['/auth/resend', (email: string) => ({ email })], ['/auth/verify', (email: string) => ({ email, code: '000000' })]] as const) {
        const times: { [k: string]: number[] } = { unknown: [], confirmed: [] };
        const shapes: { [k: string]: Set<string> } = { unknown: new Set(), confirmed: new Set() };
        const statuses: { [k: string]: Set<string> } = { unknown: new Set(), confirmed: new Set() };
        for (let i = 0; i < 5; i++) {
          for (const [k, email] of [['unknown', unknownAddress(ctx)], ['confirmed', user.email]] as const) {
            const t0 = process.hrtime.bigint();
            const a = await ctx.api.call('POST', path, { body: body(email) });
            times[k].push(Number(process.hrtime.bigint() - t0) / 1e6);
            shapes[k].add(shape(a.json));
            statuses[k].add(`${a.status} ${a.error ?? ''}`.trim());
          }
        }
        const [mu, mc] = [median(times.unknown), median(times.confirmed)];
        const same = shapes.unknown.size === 1 && [...shapes.unknown][0] === [...shapes.confirmed][0] && shapes.confirmed.size === 1;
        items.push([same, `${path}: unknown ${[...statuses.unknown].join('/')}, confirmed ${[...statuses.confirmed].join('/')}; bodies ${same ? 'identical' : 'DIFFER'} apart from requestId`]);
        // A gap a client could measure with a handful of requests: over 100 ms and over half the faster median.
        items.push([Math.abs(mu - mc) <= Math.max(100, 0.5 * Math.min(mu, mc)), `${path}: median ${mu.toFixed(0)} ms unknown vs ${mc.toFixed(0)} ms confirmed (5 each)`]);
      }
      return verdict(items);
    },
  },
  {
    id: 'register-taken',
    group: G,
    title: 'Registering a taken address answers 202 as for a new one, and changes nothing',
    covers: { routes: ['register'] },
    users: ['main'],
    plan: 'POST /auth/register with the main user\'s address (Cognito\'s UsernameExistsException: no user created, no email); POST /auth/login still works',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const a = await ctx.api.call('POST', '/auth/register', { body: { email: user.email, password: newPassword() } });
      const t = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password } });
      return verdict([
        [a.status === 202 && a.json?.codeDelivery?.medium === 'EMAIL', `${describe('POST', '/auth/register', a)}, codeDelivery ${JSON.stringify(a.json?.codeDelivery)}`],
        [t.status === 200, `the account keeps its password: ${describe('POST', '/auth/login', t)}`],
      ]);
    },
  },
  {
    id: 'forgot-unknown',
    group: G,
    title: 'password/forgot for an address no account has answers 202',
    covers: { routes: ['passwordForgot'] },
    plan: 'POST /auth/password/forgot for an address no account has (Cognito simulates the delivery, sends nothing)',
    async run(ctx) {
      const a = await ctx.api.call('POST', '/auth/password/forgot', { body: { email: unknownAddress(ctx) } });
      return a.status === 202 ? pass(describe('POST', '/auth/password/forgot', a)) : fail(describe('POST', '/auth/password/forgot', a));
    },
  },
  {
    id: 'reset-without-code',
    group: G,
    title: 'password/reset for a confirmed address that requested no code answers 400 invalid_code',
    covers: { routes: ['passwordReset'] },
    users: ['main'],
    plan: 'POST /auth/password/reset for the main user with a made-up code (Cognito: ExpiredCode; nothing changes)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const a = await ctx.api.call('POST', '/auth/password/reset', { body: { email: user.email, code: '000000', newPassword: newPassword() } });
      return a.status === 400 && a.error === 'invalid_code' ? pass(describe('POST', '/auth/password/reset', a)) : fail(describe('POST', '/auth/password/reset', a));
    },
  },
  {
    id: 'case-insensitive-email',
    group: G,
    title: 'Me@Example.com and me@example.com are one account',
    covers: { routes: ['login'] },
    users: ['main'],
    plan: 'POST /auth/login with the main user\'s address in upper case',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const a = await ctx.api.call('POST', '/auth/login', { body: { email: user.email.toUpperCase(), password: user.password } });
      return a.status === 200 ? pass(`upper-case address: ${describe('POST', '/auth/login', a)}`) : fail(`upper-case address: ${describe('POST', '/auth/login', a)}`);
    },
  },
  {
    id: 'reauth-wrong-password',
    group: G,
    title: 'DELETE /auth/user and TOTP setup with a wrong current password answer 401 incorrect_password; the account stays',
    covers: { routes: ['deleteUser', 'totpSetup'] },
    users: ['main'],
    plan: 'POST /auth/login; DELETE /auth/user and POST /auth/mfa/totp/setup with a wrong currentPassword; AdminGetUser',
    realAccount: 'that Cognito counts them as failed sign-ins of the user (its sign-in events need threat protection)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const del = await ctx.api.authed('DELETE', '/auth/user', t.accessToken, { currentPassword: `${user.password}x` });
      const totp = await ctx.api.authed('POST', '/auth/mfa/totp/setup', t.accessToken, { currentPassword: `${user.password}x` });
      return verdict([
        [del.status === 401 && del.error === 'incorrect_password', describe('DELETE', '/auth/user', del)],
        [totp.status === 401 && totp.error === 'incorrect_password', describe('POST', '/auth/mfa/totp/setup', totp)],
        [await ctx.users.exists(user), 'the account still exists (AdminGetUser)'],
      ]);
    },
  },
  {
    id: 'delete-signed-out-token',
    group: G,
    title: 'DELETE /auth/user with a signed-out token answers 401 invalid_token for a right and a wrong password; the account stays',
    covers: { routes: ['deleteUser', 'logout'] },
    users: ['signedOut'],
    plan: 'POST /auth/login and /auth/logout as the signed-out user; DELETE /auth/user with the dead token (right, then wrong password); AdminGetUser',
    async run(ctx) {
      const user = await ctx.users.get('signedOut');
      const t = await login(ctx, user);
      await ctx.api.authed('POST', '/auth/logout', t.accessToken, { refreshToken: t.refreshToken });
      const right = await ctx.api.authed('DELETE', '/auth/user', t.accessToken, { currentPassword: user.password });
      const wrong = await ctx.api.authed('DELETE', '/auth/user', t.accessToken, { currentPassword: `${user.password}x` });
      return verdict([
        [right.status === 401 && right.error === 'invalid_token', `right password: ${describe('DELETE', '/auth/user', right)}`],
        [wrong.status === 401 && wrong.error === 'invalid_token', `wrong password: ${describe('DELETE', '/auth/user', wrong)}`],
        [await ctx.users.exists(user), 'the account still exists (AdminGetUser)'],
      ]);
    },
  },
  {
    id: 'password-change',
    group: G,
    title: 'password/change takes the current password, also a new one containing <script> and ../../ (the body rules only count); it signs in',
    covers: { routes: ['passwordChange'] },
    users: ['main'],
    plan: 'POST /auth/login; POST /auth/password/change; POST /auth/login with the new password (1 of the 5 ChangePassword calls a user gets per hour)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      // A password the web ACL's body rules would flag (CrossSiteScripting_BODY, GenericLFI_BODY): they only count.
      const pw = `${newPassword()}<script>../../`;
      const c = await ctx.api.authed('POST', '/auth/password/change', t.accessToken, { currentPassword: user.password, newPassword: pw });
      if (c.status === 200) user.password = pw;
      const l = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: pw } });
      return verdict([[c.status === 200 && c.json?.passwordChanged === true, describe('POST', '/auth/password/change', c)], [l.status === 200, `new password: ${describe('POST', '/auth/login', l)}`]]);
    },
  },
  {
    id: 'delete-account',
    group: G,
    title: 'DELETE /auth/user with the current password deletes the account',
    covers: { routes: ['deleteUser'] },
    users: ['main'],
    plan: 'POST /auth/login; DELETE /auth/user (the main throwaway user deletes itself); AdminGetUser',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const d = await ctx.api.authed('DELETE', '/auth/user', t.accessToken, { currentPassword: user.password });
      const gone = !(await ctx.users.exists(user));
      if (gone) ctx.users.markDeleted(user);
      return verdict([[d.status === 200 && d.json?.deleted === true, describe('DELETE', '/auth/user', d)], [gone, gone ? 'AdminGetUser: UserNotFoundException' : 'the account is still there']]);
    },
  },
];
