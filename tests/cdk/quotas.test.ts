import { COGNITO_QUOTA_CATEGORY_ACTIONS, DEFAULT_COGNITO_QUOTAS, MAX_QUOTA_RULES, NON_ADJUSTABLE_COGNITO_QUOTAS, POOL_ENDPOINT_ROUTES, poolEndpointQuotaUsage, quotaCategoryOf, quotaRateRules, quotaRuleUsage, quotaUsage } from '../../lib/cognito-quotas';
import { definition, stackWith } from './helpers';

describe('Cognito quota alignment of the default throttles', () => {
  const usage = quotaUsage(definition.routes);

  test.each(Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS))('%s: sum over routes of rateLimit x actions in the category <= quota', (category) => {
    const u = usage.find((x) => x.category === category)!;
    // Recompute independently of quotaUsage: rateLimit x (number of the route's actions in the category).
    const expected = definition.routes.reduce(
      (sum, r) => sum + r.throttle.rateLimit * r.cognitoActions.filter((a) => COGNITO_QUOTA_CATEGORY_ACTIONS[category].includes(a)).length, 0);
    expect(u.used).toBe(expected);
    expect(u.used).toBeLessThanOrEqual(DEFAULT_COGNITO_QUOTAS[category]);
  });

  test('every action the definition declares belongs to a quota category', () => {
    for (const r of definition.routes) for (const a of r.cognitoActions) expect([r.name, a, quotaCategoryOf(a)]).not.toContain(undefined);
  });

  test('the table is the documented one', () => {
    expect(DEFAULT_COGNITO_QUOTAS).toEqual({
      UserCreation: 50, UserAccountRecovery: 30, UserUpdate: 25, UserAuthentication: 120,
      UserRead: 120, UserToken: 120, UserResourceRead: 50, UserResourceUpdate: 25, UserFederation: 25,
    });
    const all = Object.values(COGNITO_QUOTA_CATEGORY_ACTIONS).flat();
    expect(new Set(all).size).toBe(all.length); // each action in exactly one category
  });

  test('UserFederation: the token endpoint routes\' rateLimit (one exchange per request) <= quota', () => {
    const [u] = poolEndpointQuotaUsage(definition.routes);
    const expected = definition.routes.filter((r) => POOL_ENDPOINT_ROUTES[r.name] === 'UserFederation').reduce((sum, r) => sum + r.throttle.rateLimit, 0);
    expect(u).toMatchObject({ category: 'UserFederation', used: expected, quota: 25 });
    expect(expected).toBeGreaterThan(0);
    expect(u.used).toBeLessThanOrEqual(u.quota);
  });

  test('the construct exposes the same usage and synthesizes with the defaults', () => {
    const stack = stackWith();
    expect(stack.authApi.quotaUsage).toEqual([...usage, ...poolEndpointQuotaUsage(definition.routes)]);
  });

  test('overridden throttles above a quota fail at synth with the category, the routes and the fix', () => {
    expect(() => stackWith({ routeThrottles: { login: { rateLimit: 100, burstLimit: 200 } } }))
      .toThrow(/UserAuthentication: 176.5 rps > quota 120 rps \(login \(AdminInitiateAuth\) 100 rps; loginChallenge .*\n.*Fix: lower those routes' rateLimit/s);
  });

  test('a raised quota (cognitoQuotas) makes the same throttles valid', () => {
    const stack = stackWith({ routeThrottles: { login: { rateLimit: 100, burstLimit: 200 } }, cognitoQuotas: { UserAuthentication: 200 } });
    expect(stack.authApi.quotaUsage.find((u) => u.category === 'UserAuthentication')).toMatchObject({ used: 176.5, quota: 200 });
  });

  test('allowThrottlesAboveCognitoQuotas lets an operator knowingly exceed a quota', () => {
    expect(() => stackWith({ routeThrottles: { passwordForgot: { rateLimit: 50, burstLimit: 100 } }, allowThrottlesAboveCognitoQuotas: true })).not.toThrow();
  });

  test('a route calling two actions of one category counts twice', () => {
    const u = quotaUsage([{ ...definition.routes[0], name: 'x', cognitoActions: ['VerifySoftwareToken', 'SetUserMFAPreference'], throttle: { rateLimit: 7, burstLimit: 14 } }]);
    expect(u.find((c) => c.category === 'UserResourceUpdate')!.used).toBe(14);
  });
});

describe('quotas AWS does not adjust', () => {
  // https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations: "Adjustable: No" for
  // UserAccountRecovery, UserUpdate, UserResourceUpdate and UserToken.
  test('the list is the documented one', () => {
    expect([...NON_ADJUSTABLE_COGNITO_QUOTAS].sort()).toEqual(['UserAccountRecovery', 'UserResourceUpdate', 'UserToken', 'UserUpdate']);
  });

  test.each(['UserAccountRecovery', 'UserUpdate', 'UserResourceUpdate', 'UserToken'])('raising %s fails at synth with the fix', (category) => {
    const raised = DEFAULT_COGNITO_QUOTAS[category] + 1;
    expect(() => stackWith({ cognitoQuotas: { [category]: raised } }))
      .toThrow(new RegExp(`cognitoQuotas\\.${category} is ${raised}, but AWS does not adjust the ${category} quota.*Fix: remove cognitoQuotas\\.${category}`));
  });

  test('lowering one is allowed (another application shares the quota), and an adjustable one may be raised', () => {
    const stack = stackWith({ cognitoQuotas: { UserToken: 60, UserRead: 300 } });
    expect(stack.authApi.quotaUsage.find((u) => u.category === 'UserToken')!.quota).toBe(60);
    expect(stack.authApi.quotaUsage.find((u) => u.category === 'UserRead')!.quota).toBe(300);
    expect(() => stackWith({ cognitoQuotas: { UserToken: 120 } })).not.toThrow(); // the default itself
  });
});

describe('the front door\'s quota rules fit WAF\'s 10 rate-based rules', () => {
  test('refresh has its own rule; the subsumed UserToken rule is merged into UserUpdate\'s; 8 rules in all', () => {
    const rules = quotaRateRules(definition.routes);
    expect(rules.map((q) => q.name)).toEqual([
      'Refresh', 'UserCreation', 'UserAccountRecovery', 'UserUpdate-UserToken', 'UserAuthentication', 'UserRead', 'UserResourceRead', 'UserResourceUpdate',
    ]);
    expect(rules.find((q) => q.name === 'Refresh')!.routes).toEqual(['refresh']);
    expect(rules.find((q) => q.name === 'UserAuthentication')!.routes).not.toContain('refresh');
    expect(rules.length).toBeLessThanOrEqual(MAX_QUOTA_RULES);
    const usage = quotaRuleUsage(rules, definition.routes);
    expect(usage.find((u) => u.category === 'UserAuthentication')).toMatchObject({ cognitoRps: 116.5, quota: 120 });
    // through UserUpdate-UserToken's 24.5 rps (logout 14, deleteUser 5, totpSetup 4, passkeyRegisterStart 1.5: the routes that revoke)
    expect(usage.find((u) => u.category === 'UserToken')).toMatchObject({ cognitoRps: 24.5 });
  });

  test('without a budget of its own, refresh shares UserAuthentication\'s (what let login/start floods starve it)', () => {
    const rules = quotaRateRules(definition.routes, undefined, undefined, { ownBudget: [] });
    expect(rules.find((q) => q.name.includes('UserAuthentication'))!.routes).toEqual(expect.arrayContaining(['refresh', 'loginStart']));
  });

  test('when no two rules can share a budget within the quotas, synth fails with the fix', () => {
    expect(() => quotaRateRules(definition.routes, undefined, undefined, { maxRules: 3 }))
      .toThrow(/need \d+ WAF rate-based rules, but only 3 fit.*Fix: lower the throttles/s);
  });
});
