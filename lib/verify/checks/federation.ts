// Checklist group "Federated sign-in": what needs no person at a provider's sign-in page.
import { Check, verdict } from '../check';
import { describe } from '../http';

const G = 'Federated sign-in' as const;

export const federationChecks: Check[] = [
  {
    id: 'federation-refusals',
    group: G,
    title: 'The federation routes refuse what is not theirs: a return address off the list (no redirect), a forged state, a forged hand-off; or answer 404 federation_not_configured on a stack without the federation prop',
    covers: { routes: ['federationStart', 'federationCallback', 'federationToken'] },
    plan: 'GET /auth/federation/start with returnTo https://verify.invalid/; GET /auth/federation/callback with a forged state; POST /auth/federation/token with a forged hand-off',
    async run(ctx) {
      const start = await ctx.api.call('GET', `/auth/federation/start?provider=Google&returnTo=${encodeURIComponent('https://verify.invalid/')}`);
      const callback = await ctx.api.call('GET', '/auth/federation/callback?code=verify&state=fs1.AAAA');
      const token = await ctx.api.call('POST', '/auth/federation/token', { body: { handoff: 'fh1.AAAA' } });
      if ([start, callback, token].every((a) => a.status === 404 && a.error === 'federation_not_configured')) {
        return verdict([[true, 'federated sign-in is off on this stack: each route answers 404 federation_not_configured']]);
      }
      const location = String(callback.headers.location ?? '');
      return verdict([
        [start.status === 400 && start.error === 'return_address_not_allowed' && start.headers.location === undefined,
          `${describe('GET', '/auth/federation/start', start)}, no Location`],
        [callback.status === 302 && location.includes('error=invalid_state'), `${describe('GET', '/auth/federation/callback', callback)} to ${location.split('?')[0]}?error=...`],
        [token.status === 401 && token.error === 'invalid_handoff', describe('POST', '/auth/federation/token', token)],
      ]);
    },
  },
];
