// Checklist group "Passkeys and email codes". The passkey is a software authenticator's (authenticator.ts), made as a
// browser on the frontend's origin would make it; the main user holds it until the user is deleted.
import { SoftAuthenticator } from '../authenticator';
import { Check, Ctx, fail, login, logGroupOf, pass, skip, sleep, unknownAddress, verdict } from '../check';
import { ApiAnswer, describe } from '../http';

const G = 'Passkeys and email codes' as const;

/** tests/local-cognito/fidelity.py PASSKEY_LIMIT: the emulator's passkeys per user. */
export const EMULATOR_PASSKEY_LIMIT = 20;

/** The origin a browser would report: the first CORS origin on the relying party's domain, else https://<rp id>. */
function frontendOrigin(ctx: Ctx, rpId: string): string {
  const on = ctx.d.corsOrigins.find((o) => {
    const h = new URL(o).hostname;
    return h === rpId || h.endsWith(`.${rpId}`);
  });
  return on ?? `https://${rpId}`;
}

/** login/start's credentialRequestOptions (an object, or its JSON as a string). */
function requestOptions(a: ApiAnswer): any {
  const o = a.json?.credentialRequestOptions;
  return typeof o === 'string' ? JSON.parse(o) : o;
}

/** register/start, the authenticator, register/complete; the options and both answers. */
async function registerPasskey(ctx: Ctx, accessToken: string, password: string, auth: SoftAuthenticator, origin?: string, userVerified = true) {
  const start = await ctx.api.authed('POST', '/auth/passkeys/register/start', accessToken, { currentPassword: password });
  const options = start.json?.options;
  if (start.status !== 200 || !options) return { start, options };
  const rpId = options.rp?.id;
  const credential = auth.register(options, origin ?? frontendOrigin(ctx, rpId), { userVerified });
  // passkeyRegister* are throttled at 1.5 rps: keep the calls apart.
  await sleep(700);
  const complete = await ctx.api.authed('POST', '/auth/passkeys/register/complete', accessToken, { credential });
  await sleep(700);
  return { start, options, complete };
}

export const passkeyChecks: Check[] = [
  {
    id: 'passkey-preferred-without-passkey',
    group: G,
    title: 'login/start with WEB_AUTHN for an account without a passkey, and for an unknown address, answers the WEB_AUTHN shape',
    covers: { routes: ['loginStart'] },
    users: ['main'],
    plan: 'POST /auth/login/start {email, preferredChallenge: WEB_AUTHN} for the main user (no passkey yet) and for an address no account has; without a preference (SELECT_CHALLENGE), and EMAIL_OTP for the unknown address when offered (no account: no email); FilterLogEvents on the login/start log group',
    realAccount: 'what Cognito answers each (the API answers a stand-in of the same shape): the log line "answered with a decoy" names it',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const mine = await ctx.api.call('POST', '/auth/login/start', { body: { email: user.email, preferredChallenge: 'WEB_AUTHN' } });
      const nobody = await ctx.api.call('POST', '/auth/login/start', { body: { email: unknownAddress(ctx), preferredChallenge: 'WEB_AUTHN' } });
      // EMAIL_OTP only where the pool offers it (SES): the API's own SELECT_CHALLENGE lists the factors.
      const select = await ctx.api.call('POST', '/auth/login/start', { body: { email: unknownAddress(ctx) } });
      const offered: string[] = select.json?.availableChallenges ?? [];
      const otp = offered.includes('EMAIL_OTP') ? await ctx.api.call('POST', '/auth/login/start', { body: { email: unknownAddress(ctx), preferredChallenge: 'EMAIL_OTP' } }) : undefined;
      const keys = (a: any) => Object.keys(a.json ?? {}).filter((k) => k !== 'requestId').sort().join(',');
      const items: [boolean, string][] = [
        [mine.status === 200 && mine.json?.challenge === 'WEB_AUTHN' && Array.isArray(requestOptions(mine)?.allowCredentials),
          `no passkey: ${describe('POST', '/auth/login/start', mine)} challenge ${mine.json?.challenge}`],
        [nobody.status === 200 && keys(nobody) === keys(mine), `unknown address: ${describe('POST', '/auth/login/start', nobody)}, fields ${keys(nobody)} ${keys(nobody) === keys(mine) ? '=' : '!='} ${keys(mine)}`],
        [select.status === 200 && select.json?.challenge === 'SELECT_CHALLENGE', `no preference: ${describe('POST', '/auth/login/start', select)} SELECT_CHALLENGE of ${offered.join(', ')}`],
        [!otp || (otp.status === 200 && otp.json?.challenge === 'EMAIL_OTP' && typeof otp.json?.codeDeliveryDestination === 'string'),
          otp ? `unknown address, EMAIL_OTP: ${describe('POST', '/auth/login/start', otp)} challenge ${otp.json?.challenge}` : 'EMAIL_OTP not offered (the pool sends with the default sender)'],
      ];
      const group = logGroupOf(ctx, 'loginStart');
      const extra: string[] = [];
      if (ctx.d.cloudWatch && group && mine.requestId) {
        const lines = await ctx.cw.waitForLines(group, ctx.startedMs, (l) => /decoy/.test(String(l.message)), (ls) => ls.length > 0, { waitMs: ctx.o.waitMs, progress: ctx.progress });
        extra.push(`"decoy" log lines: ${lines.map((l) => `${l.challenge ?? l.cognito_error ?? '?'}`).join(', ') || 'none'}`);
      }
      return verdict(items, extra);
    },
  },
  {
    id: 'passkey-register-sign-in',
    group: G,
    title: 'A passkey registers (relying party, user verification), is listed, and signs in through login/start and login/challenge',
    covers: { routes: ['passkeyRegisterStart', 'passkeyRegisterComplete', 'passkeysList', 'loginStart', 'loginChallenge'] },
    users: ['main'],
    plan: 'POST /auth/login; /auth/passkeys/register/start (current password); a software authenticator on the frontend\'s origin; /auth/passkeys/register/complete; GET /auth/passkeys; /auth/login/start WEB_AUTHN; /auth/login/challenge with the assertion',
    realAccount: 'a real browser and authenticator on the frontend\'s domain (the software authenticator keeps a discoverable credential)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const auth = new SoftAuthenticator();
      const r = await registerPasskey(ctx, t.accessToken, user.password, auth);
      if (!r.complete) return fail(describe('POST', '/auth/passkeys/register/start', r.start));
      ctx.state.set('passkey', auth);
      const list = await ctx.api.authed('GET', '/auth/passkeys', t.accessToken);
      const listed = (list.json?.passkeys ?? []).find((p: any) => p.credentialId === auth.id);
      const start = await ctx.api.call('POST', '/auth/login/start', { body: { email: user.email, preferredChallenge: 'WEB_AUTHN' } });
      const opts = requestOptions(start);
      const answer = opts ? await ctx.api.call('POST', '/auth/login/challenge', { body: { email: user.email, challenge: 'WEB_AUTHN', session: start.json.session, credential: auth.assert(opts, frontendOrigin(ctx, opts.rpId)) } }) : undefined;
      return verdict([
        [r.options.rp?.id === (ctx.d.passkeyRelyingPartyId ?? r.options.rp?.id), `options: rp.id ${r.options.rp?.id} (deployment ${ctx.d.passkeyRelyingPartyId ?? '?'}), timeout ${r.options.timeout ?? '?'} ms`],
        [r.options.authenticatorSelection?.userVerification === (ctx.d.passkeyUserVerification ?? r.options.authenticatorSelection?.userVerification), `options: userVerification ${r.options.authenticatorSelection?.userVerification ?? '?'} (the pool's ${ctx.d.passkeyUserVerification ?? '?'})`],
        [r.complete.status === 200 && r.complete.json?.registered === true, describe('POST', '/auth/passkeys/register/complete', r.complete)],
        [!!listed && ['credentialId', 'relyingPartyId', 'createdAt'].every((k) => k in listed), `GET /auth/passkeys: ${listed ? `fields ${Object.keys(listed).sort().join(', ')}` : 'the new passkey is NOT listed'}`],
        [Array.isArray(opts?.allowCredentials) && opts.allowCredentials.length === 0, `login/start options: allowCredentials ${JSON.stringify(opts?.allowCredentials)}`],
        [answer?.status === 200 && !!answer.json?.accessToken, `passkey sign-in: ${answer ? describe('POST', '/auth/login/challenge', answer) : 'no options to answer'}`],
      ]);
    },
  },
  {
    id: 'passkey-origin-outside-refused',
    group: G,
    title: 'Registrations made on an origin outside the relying party, look-alike hosts included, are refused',
    covers: { routes: ['passkeyRegisterStart', 'passkeyRegisterComplete'] },
    users: ['main'],
    plan: 'POST /auth/login; 3 times /auth/passkeys/register/start and /complete with the software authenticator on https://verify-outside.invalid, https://evil<rp id> and https://<rp id>.evil.test',
    realAccount: 'Cognito\'s origin rule for the relying-party id (WebAuthnOriginNotAllowedException)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const rp = ctx.d.passkeyRelyingPartyId ?? 'localhost';
      const items: [boolean, string][] = [];
      for (const origin of ['https://verify-outside.invalid', `https://evil${rp}`, `https://${rp}.evil.test`]) {
        const r = await registerPasskey(ctx, t.accessToken, user.password, new SoftAuthenticator(), origin);
        if (!r.complete) return fail(describe('POST', '/auth/passkeys/register/start', r.start));
        items.push([r.complete.status === 400 && r.complete.error === 'passkey_rejected', `${origin}: ${describe('POST', '/auth/passkeys/register/complete', r.complete)}`]);
      }
      return verdict(items);
    },
  },
  {
    id: 'passkey-uv-required',
    group: G,
    title: 'With user verification required, a registration with presence only (a key without a PIN) is refused',
    covers: { routes: ['passkeyRegisterStart', 'passkeyRegisterComplete'] },
    users: ['main'],
    plan: 'POST /auth/login; /auth/passkeys/register/start and /complete with the software authenticator\'s UV flag off',
    realAccount: 'Cognito\'s WebAuthnUserVerification check',
    async run(ctx) {
      if (ctx.d.passkeyUserVerification !== 'required') return skip(`the pool's passkey user verification is ${ctx.d.passkeyUserVerification ?? 'unknown'}, not required`);
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const r = await registerPasskey(ctx, t.accessToken, user.password, new SoftAuthenticator(), undefined, false);
      if (!r.complete) return fail(describe('POST', '/auth/passkeys/register/start', r.start));
      return r.complete.status === 400 && r.complete.error === 'passkey_rejected'
        ? pass(`presence only: ${describe('POST', '/auth/passkeys/register/complete', r.complete)}`)
        : fail(`presence only: ${describe('POST', '/auth/passkeys/register/complete', r.complete)}`);
    },
  },
  {
    id: 'passkey-bad-assertion',
    group: G,
    title: 'A passkey assertion with a bad signature answers 401 invalid_passkey',
    covers: { routes: ['loginStart', 'loginChallenge'] },
    users: ['main'],
    plan: 'POST /auth/login/start WEB_AUTHN for the main user; /auth/login/challenge with a badly signed assertion of its passkey',
    realAccount: 'which Cognito exception a failed assertion gets (in the login/challenge log)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const auth = ctx.state.get('passkey') as SoftAuthenticator | undefined;
      if (!auth) return fail('no passkey (passkey-register-sign-in did not register one)');
      const start = await ctx.api.call('POST', '/auth/login/start', { body: { email: user.email, preferredChallenge: 'WEB_AUTHN' } });
      const opts = requestOptions(start);
      const a = await ctx.api.call('POST', '/auth/login/challenge', { body: { email: user.email, challenge: 'WEB_AUTHN', session: start.json?.session, credential: auth.assert(opts, frontendOrigin(ctx, opts?.rpId), { badSignature: true }) } });
      return a.status === 401 && a.error === 'invalid_passkey' ? pass(`bad signature: ${describe('POST', '/auth/login/challenge', a)}`) : fail(`bad signature: ${describe('POST', '/auth/login/challenge', a)}`);
    },
  },
  {
    id: 'passkey-limit',
    group: G,
    title: 'Passkeys per user: registrations until Cognito refuses, answered 409 passkey_limit_reached, at the emulator\'s figure',
    covers: { routes: ['passkeyRegisterStart', 'passkeyRegisterComplete'] },
    users: ['main'],
    plan: 'POST /auth/login; /auth/passkeys/register/start and /complete (software authenticator) until 409, at most 30 (about 45 s: the routes allow 1.5 per second)',
    realAccount: 'Cognito\'s limit (no AWS page found gives it; the emulator: 20)',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const t = await login(ctx, user);
      const have = ((await ctx.api.authed('GET', '/auth/passkeys', t.accessToken)).json?.passkeys ?? []).length;
      let added = 0;
      for (let i = 0; i < 30; i++) {
        ctx.progress(`passkey-limit: ${have + added} passkeys`);
        const r = await registerPasskey(ctx, t.accessToken, user.password, new SoftAuthenticator());
        const refused = r.complete ?? r.start;
        if (r.complete?.status === 200) {
          added += 1;
          continue;
        }
        return verdict([
          [refused.status === 409 && refused.error === 'passkey_limit_reached', `after ${have + added} passkeys: ${describe('POST', r.complete ? '/auth/passkeys/register/complete' : '/auth/passkeys/register/start', refused)}`],
          [have + added === EMULATOR_PASSKEY_LIMIT, `limit ${have + added} (the emulator's passkeyLimit is ${EMULATOR_PASSKEY_LIMIT}: set fidelity.PASSKEY_LIMIT if Cognito's differs)`],
        ]);
      }
      return fail(`${have + added} passkeys and no refusal`);
    },
  },
  {
    id: 'passkey-delete',
    group: G,
    title: 'DELETE /auth/passkey removes the passkey; a second delete is 404 passkey_not_found',
    covers: { routes: ['passkeyDelete', 'passkeysList'] },
    users: ['main'],
    plan: 'POST /auth/login; DELETE /auth/passkey twice; GET /auth/passkeys',
    async run(ctx) {
      const user = await ctx.users.get('main');
      const auth = ctx.state.get('passkey') as SoftAuthenticator | undefined;
      if (!auth) return fail('no passkey (passkey-register-sign-in did not register one)');
      const t = await login(ctx, user);
      const d1 = await ctx.api.authed('DELETE', '/auth/passkey', t.accessToken, { credentialId: auth.id });
      await sleep(1100); // passkeyDelete is throttled at 1 rps
      const d2 = await ctx.api.authed('DELETE', '/auth/passkey', t.accessToken, { credentialId: auth.id });
      const list = await ctx.api.authed('GET', '/auth/passkeys', t.accessToken);
      return verdict([
        [d1.status === 200 && d1.json?.deleted === true, describe('DELETE', '/auth/passkey', d1)],
        [d2.status === 404 && d2.error === 'passkey_not_found', `again: ${describe('DELETE', '/auth/passkey', d2)}`],
        [list.status === 200 && !(list.json?.passkeys ?? []).some((p: any) => p.credentialId === auth.id), `${describe('GET', '/auth/passkeys', list)}: ${(list.json?.passkeys ?? []).length} passkey(s)`],
      ]);
    },
  },
];
