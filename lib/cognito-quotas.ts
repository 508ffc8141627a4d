import { RouteDefinition, RouteThrottle } from './route-definition';

/**
 * Cognito request-rate quota categories (per account and region, shared by every user pool there)
 * and the API operations that count against each. Source: Amazon Cognito "Quotas" page,
 * "API request rate quotas by category".
 */
export const COGNITO_QUOTA_CATEGORY_ACTIONS: { readonly [category: string]: readonly string[] } = {
  UserCreation: ['SignUp', 'ConfirmSignUp'],
  UserAccountRecovery: ['ForgotPassword', 'ConfirmForgotPassword', 'ChangePassword'],
  UserUpdate: ['GlobalSignOut', 'DeleteUser', 'UpdateUserAttributes'],
  // GetTokensFromRefreshToken: counted here with the other refresh paths (REFRESH_TOKEN_AUTH of
  // InitiateAuth/AdminInitiateAuth, and the token endpoint's refresh_token grant, which the quotas
  // page puts in UserAuthentication: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations).
  // No AWS page found names its category outright: a first-deploy check (docs/first-deploy-checklist.md).
  UserAuthentication: ['AdminInitiateAuth', 'InitiateAuth', 'AdminRespondToAuthChallenge', 'RespondToAuthChallenge', 'GetTokensFromRefreshToken'],
  UserRead: ['GetUser'],
  UserToken: ['RevokeToken'],
  // The passkey operations' categories follow the pattern of the operations above (a read of the user's
  // resources, updates of them); the Quotas page's table could not be read where this was written: the
  // first deploy checklist (docs/first-deploy-checklist.md) asks to confirm them in the Service Quotas console.
  UserResourceRead: ['ResendConfirmationCode', 'ListWebAuthnCredentials'],
  UserResourceUpdate: [
    'AssociateSoftwareToken', 'VerifySoftwareToken', 'SetUserMFAPreference',
    'StartWebAuthnRegistration', 'CompleteWebAuthnRegistration', 'DeleteWebAuthnCredential',
  ],
};

/**
 * Default requests per second of each category (the AWS default quotas). The categories in
 * NON_ADJUSTABLE_COGNITO_QUOTAS cannot be raised; the others can be raised through Service Quotas, and then
 * overridden with the `cognitoQuotas` prop.
 */
export const DEFAULT_COGNITO_QUOTAS: { readonly [category: string]: number } = {
  UserCreation: 50,
  UserAccountRecovery: 30,
  UserUpdate: 25,
  UserAuthentication: 120,
  UserRead: 120,
  UserToken: 120,
  UserResourceRead: 50,
  UserResourceUpdate: 25,
  UserFederation: 25,
};

/**
 * Routes that call the user pool domain's token endpoint (the authorization-code exchange of federated sign-in),
 * not an SDK operation, with the quota category those requests count against. The quotas page puts "operations that
 * federate (authenticate) users with a third-party identity provider" in UserFederation, 25 requests per second by
 * default, adjustable (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations); AWS
 * support describes the token endpoint's authorization_code grant as limited like UserAuthentication without consuming
 * it (https://repost.aws/questions/QUFRuNyMQ_RVu3KimZTSc4Zw/cognito-token-endpoint-quotas). The smaller, UserFederation,
 * is budgeted; which one AWS counts is a first-deploy check (docs/first-deploy-checklist.md). These routes keep their
 * API Gateway throttles with the front door on: the web ACL has no room for another rate-based rule
 * (https://docs.aws.amazon.com/waf/latest/developerguide/limits.html), and their per-IP limit is the sensitive-paths rule.
 */
export const POOL_ENDPOINT_ROUTES: { readonly [routeName: string]: string } = {
  federationCallback: 'UserFederation',
  federationToken: 'UserFederation',
};

/** What the throttles of the POOL_ENDPOINT_ROUTES allow per category (one token endpoint call per request at most). */
export function poolEndpointQuotaUsage(
  routes: readonly RouteDefinition[],
  quotas: { readonly [category: string]: number } = DEFAULT_COGNITO_QUOTAS,
  throttleOf: (r: RouteDefinition) => RouteThrottle = (r) => r.throttle,
): QuotaUsage[] {
  const categories = [...new Set(Object.values(POOL_ENDPOINT_ROUTES))];
  return categories.map((category) => {
    const calling = routes.filter((r) => POOL_ENDPOINT_ROUTES[r.name] === category);
    return {
      category,
      quota: quotas[category],
      used: calling.reduce((n, r) => n + throttleOf(r).rateLimit, 0),
      contributors: calling.map((r) => `${r.name} (token endpoint) ${throttleOf(r).rateLimit} rps`),
    };
  });
}

/**
 * The categories whose quota AWS marks as not adjustable ("Adjustable: No" in the table of
 * https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations; "Only adjustable
 * quotas can be increased"): an override may lower them (another application shares the account's quota) but
 * never raise them above the default.
 */
export const NON_ADJUSTABLE_COGNITO_QUOTAS: readonly string[] = ['UserAccountRecovery', 'UserUpdate', 'UserResourceUpdate', 'UserToken'];

/**
 * Checks `cognitoQuotas` overrides: known categories, positive numbers, and no raise of a quota AWS does not
 * adjust. Returns the quotas in force (the defaults with the overrides applied).
 */
export function checkCognitoQuotaOverrides(overrides: { readonly [category: string]: number } = {}): { readonly [category: string]: number } {
  for (const [category, rps] of Object.entries(overrides)) {
    if (!(category in DEFAULT_COGNITO_QUOTAS)) {
      throw new Error(`CognitoAuthApi: cognitoQuotas has unknown category "${category}". Categories: ${Object.keys(DEFAULT_COGNITO_QUOTAS).join(', ')}.`);
    }
    if (!(rps > 0)) throw new Error(`CognitoAuthApi: cognitoQuotas.${category} must be a positive number of requests per second (got ${rps}).`);
    if (NON_ADJUSTABLE_COGNITO_QUOTAS.includes(category) && rps > DEFAULT_COGNITO_QUOTAS[category]) {
      throw new Error(
        `CognitoAuthApi: cognitoQuotas.${category} is ${rps}, but AWS does not adjust the ${category} quota: it stays ${DEFAULT_COGNITO_QUOTAS[category]} ` +
          'requests per second per account and Region (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#category_operations). ' +
          `Fix: remove cognitoQuotas.${category} (or set it at most ${DEFAULT_COGNITO_QUOTAS[category]}), and lower the throttles of its routes instead.`,
      );
    }
  }
  return { ...DEFAULT_COGNITO_QUOTAS, ...overrides };
}

/** How much of one quota category the routes' throttles can use. */
export interface QuotaUsage {
  readonly category: string;
  /** The category's requests per second. */
  readonly quota: number;
  /** Sum over routes of rateLimit x (number of the route's actions in this category). */
  readonly used: number;
  /** Which routes contribute, e.g. `login (AdminInitiateAuth) 50 rps`. */
  readonly contributors: string[];
}

/** The category of a Cognito action, or undefined when it is in none of the known categories. */
export function quotaCategoryOf(action: string): string | undefined {
  return Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS).find((c) => COGNITO_QUOTA_CATEGORY_ACTIONS[c].includes(action));
}

/**
 * For each quota category: the worst-case Cognito request rate the API's throttles allow. A route that
 * calls two actions of one category (at most once each per request) counts twice.
 */
export function quotaUsage(
  routes: readonly RouteDefinition[],
  quotas: { readonly [category: string]: number } = DEFAULT_COGNITO_QUOTAS,
  throttleOf: (r: RouteDefinition) => RouteThrottle = (r) => r.throttle,
): QuotaUsage[] {
  return Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS).map((category) => {
    let used = 0;
    const contributors: string[] = [];
    for (const r of routes) {
      const actions = r.cognitoActions.filter((a) => COGNITO_QUOTA_CATEGORY_ACTIONS[category].includes(a));
      if (actions.length === 0) continue;
      const rate = throttleOf(r).rateLimit * actions.length;
      used += rate;
      contributors.push(`${r.name} (${actions.join(', ')}) ${rate} rps`);
    }
    return { category, quota: quotas[category], used, contributors };
  });
}

/** One Cognito quota category a front-door quota rule bounds. */
export interface QuotaRuleCategory {
  readonly category: string;
  /** The category's Cognito quota, requests per second. */
  readonly quota: number;
  /** Most calls of the category one request to the rule's routes can make (2 for a route calling two of its actions). */
  readonly callsPerRequest: number;
}

/**
 * One front-door rate rule (WAF rate-based rule, CONSTANT aggregation, scoped down to its routes' paths): all
 * requests to those paths counted together against one budget. By default there is one per quota category over the
 * routes calling its actions, except that routes with a budget of their own (OWN_BUDGET_ROUTES: refresh) get a rule
 * of their own, and rules are merged where that loses nothing, to stay within WAF's 10 rate-based rules.
 */
export interface QuotaRateRule {
  /** The WAF rule's name less its `Quota` prefix: the category, the route (`Refresh`), or merged names joined by `-`. */
  readonly name: string;
  /** The categories the rule's routes call, with their quotas. */
  readonly categories: QuotaRuleCategory[];
  /** Names of the routes the rule counts. */
  readonly routes: string[];
  /** Paths of those routes (the scope-down statement). */
  readonly paths: string[];
  /** Requests per second the rule lets through to those paths together: the sum of the routes' rateLimit. */
  readonly requestsPerSecond: number;
  /** Which routes contribute, e.g. `totpVerify 4 rps`. */
  readonly contributors: string[];
}

/** Worst-case Cognito calls per second of one category through the front door's quota rules. */
export interface QuotaRuleUsage {
  readonly category: string;
  readonly quota: number;
  /** Calls per second the rules let through at most (see quotaRuleUsage). */
  readonly cognitoRps: number;
  /** The rules that bound it, e.g. `Refresh 40 rps x 1 call(s)`. */
  readonly bounds: string[];
}

/**
 * Routes whose requests get a budget of their own instead of sharing their category's: a flood of another route of
 * the category (login/start, say) then cannot use up theirs. `refresh` keeps signed-in users signed in.
 */
export const OWN_BUDGET_ROUTES: readonly string[] = ['refresh'];

/** How many quota rules fit beside the two per-IP rules in WAF's 10 rate-based rules per web ACL. */
export const MAX_QUOTA_RULES = 8;

const actionsIn = (r: RouteDefinition, category: string) => r.cognitoActions.filter((a) => COGNITO_QUOTA_CATEGORY_ACTIONS[category].includes(a));

function makeRule(name: string, routes: readonly RouteDefinition[], quotas: { readonly [category: string]: number }, throttleOf: (r: RouteDefinition) => RouteThrottle): QuotaRateRule {
  const categories: QuotaRuleCategory[] = [];
  for (const category of Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS)) {
    const calls = Math.max(0, ...routes.map((r) => actionsIn(r, category).length));
    if (calls > 0) categories.push({ category, quota: quotas[category], callsPerRequest: calls });
  }
  const paths: string[] = [];
  for (const r of routes) if (!paths.includes(r.path)) paths.push(r.path);
  return {
    name,
    categories,
    routes: routes.map((r) => r.name),
    paths,
    requestsPerSecond: routes.reduce((n, r) => n + throttleOf(r).rateLimit, 0),
    contributors: routes.map((r) => `${r.name} ${throttleOf(r).rateLimit} rps`),
  };
}

/**
 * For each category, the most Cognito calls per second the quota rules let through. A request passes only if every
 * rule matching it has budget left, so any set of rules that together count every route calling the category bounds
 * it: the sum over those rules of their requests per second times the most calls of the category one of their
 * routes makes. The bound is the smallest such sum (the rules are few: every subset is tried).
 */
export function quotaRuleUsage(
  rules: readonly QuotaRateRule[],
  routes: readonly RouteDefinition[],
  quotas: { readonly [category: string]: number } = DEFAULT_COGNITO_QUOTAS,
): QuotaRuleUsage[] {
  const usage: QuotaRuleUsage[] = [];
  for (const category of Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS)) {
    const calling = routes.filter((r) => actionsIn(r, category).length > 0).map((r) => r.name);
    if (calling.length === 0) continue;
    const cost = (rule: QuotaRateRule) => {
      const calls = Math.max(0, ...routes.filter((r) => rule.routes.includes(r.name)).map((r) => actionsIn(r, category).length));
      return { rps: rule.requestsPerSecond * calls, text: `${rule.name} ${rule.requestsPerSecond} rps x ${calls} call(s)` };
    };
    let best: { rps: number; bounds: string[] } | undefined;
    const relevant = rules.filter((q) => q.routes.some((n) => calling.includes(n)));
    for (let mask = 1; mask < 1 << relevant.length; mask++) {
      const chosen = relevant.filter((_, i) => mask & (1 << i));
      if (!calling.every((n) => chosen.some((q) => q.routes.includes(n)))) continue;
      const costs = chosen.map(cost);
      const rps = costs.reduce((n, c) => n + c.rps, 0);
      if (!best || rps < best.rps) best = { rps, bounds: costs.map((c) => c.text) };
    }
    usage.push({ category, quota: quotas[category], cognitoRps: best ? best.rps : Infinity, bounds: best ? best.bounds : ['no rule counts some of its routes'] });
  }
  return usage;
}

/**
 * The front door's quota rules, from the same route definition, throttles and quota table as the API Gateway
 * throttles: one per quota category over the routes calling its actions, routes of OWN_BUDGET_ROUTES in rules of
 * their own (never merged), then other rules merged pairwise (the merge that raises no category's bound above its
 * quota and adds least) until at most `maxRules` remain. Fails when they cannot be merged that far.
 */
export function quotaRateRules(
  routes: readonly RouteDefinition[],
  quotas: { readonly [category: string]: number } = DEFAULT_COGNITO_QUOTAS,
  throttleOf: (r: RouteDefinition) => RouteThrottle = (r) => r.throttle,
  options: { readonly ownBudget?: readonly string[]; readonly maxRules?: number } = {},
): QuotaRateRule[] {
  const ownBudget = options.ownBudget ?? OWN_BUDGET_ROUTES;
  const maxRules = options.maxRules ?? MAX_QUOTA_RULES;
  let rules: QuotaRateRule[] = [];
  for (const r of routes) {
    if (ownBudget.includes(r.name) && r.cognitoActions.some((a) => quotaCategoryOf(a))) {
      rules.push(makeRule(r.name.charAt(0).toUpperCase() + r.name.slice(1), [r], quotas, throttleOf));
    }
  }
  for (const category of Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS)) {
    const members = routes.filter((r) => actionsIn(r, category).length > 0 && !ownBudget.includes(r.name));
    if (members.length > 0) rules.push(makeRule(category, members, quotas, throttleOf));
  }
  const load = (rs: QuotaRateRule[]) => quotaRuleUsage(rs, routes, quotas);
  while (rules.length > maxRules) {
    const before = load(rules);
    let best: { rules: QuotaRateRule[]; cost: number } | undefined;
    // A rule of its own stays its own: sharing it would hand the budget back to the flood.
    const own = (q: QuotaRateRule) => q.routes.some((n) => ownBudget.includes(n));
    for (let i = 0; i < rules.length; i++) {
      for (let j = i + 1; j < rules.length; j++) {
        if (own(rules[i]) || own(rules[j])) continue;
        const members = routes.filter((r) => rules[i].routes.includes(r.name) || rules[j].routes.includes(r.name));
        const merged = makeRule(`${rules[i].name}-${rules[j].name}`, members, quotas, throttleOf);
        const next = [...rules.slice(0, i), merged, ...rules.slice(i + 1, j), ...rules.slice(j + 1)];
        const after = load(next);
        // A merge may not push a category over its quota (nor further over, when throttles above quotas are allowed).
        if (after.some((u, k) => u.cognitoRps > Math.max(u.quota, before[k].cognitoRps))) continue;
        const cost = after.reduce((n, u, k) => n + (u.cognitoRps - before[k].cognitoRps) / u.quota, 0);
        if (!best || cost < best.cost) best = { rules: next, cost };
      }
    }
    if (!best) {
      throw new Error(
        `CognitoAuthApi: the Cognito quota budgets need ${rules.length} WAF rate-based rules, but only ${maxRules} fit beside the per-IP rules ` +
          '(WAF allows 10 rate-based rules per web ACL: https://docs.aws.amazon.com/waf/latest/developerguide/limits.html), and no two can share a ' +
          'budget without letting a category exceed its quota. Fix: lower the throttles of routes in the fullest categories (routeThrottles), so that ' +
          'two categories fit in one budget.',
      );
    }
    rules = best.rules;
  }
  return rules;
}

/**
 * The quota table and its arithmetic for every language the package is built for (TypeScript also has
 * COGNITO_QUOTA_CATEGORY_ACTIONS, quotaUsage(), ...). Route throttle overrides are given by route name, as in
 * `CognitoAuthApiProps.routeThrottles`, instead of a function.
 */
export class CognitoQuotas {
  /** Cognito request-rate quota categories and the API operations that count against each. */
  public static readonly CATEGORY_ACTIONS: { [category: string]: string[] } = Object.fromEntries(
    Object.entries(COGNITO_QUOTA_CATEGORY_ACTIONS).map(([c, actions]) => [c, [...actions]]),
  );
  /** The AWS default requests per second of each category. */
  public static readonly DEFAULTS: { [category: string]: number } = { ...DEFAULT_COGNITO_QUOTAS };
  /** The categories whose quota AWS does not adjust: `cognitoQuotas` may lower them, never raise them. */
  public static readonly NON_ADJUSTABLE: string[] = [...NON_ADJUSTABLE_COGNITO_QUOTAS];
  /** Routes whose requests get a front-door quota budget of their own instead of sharing their category's. */
  public static readonly OWN_BUDGET_ROUTES: string[] = [...OWN_BUDGET_ROUTES];
  /** How many quota rules fit beside the two per-IP rules in WAF's 10 rate-based rules per web ACL. */
  public static readonly MAX_RULES: number = MAX_QUOTA_RULES;

  /** The quota category of a Cognito action, or undefined when it is in none of the known categories. */
  public static categoryOf(action: string): string | undefined {
    return quotaCategoryOf(action);
  }

  /**
   * Worst-case Cognito request rate per category that the routes' throttles allow.
   * @param quotas requests per second by category. @default CognitoQuotas.DEFAULTS
   * @param routeThrottles overrides by route name. @default - each route's own throttle
   */
  public static usage(routes: RouteDefinition[], quotas?: { [category: string]: number }, routeThrottles?: { [routeName: string]: RouteThrottle }): QuotaUsage[] {
    return quotaUsage(routes, quotas, throttleByName(routeThrottles));
  }

  /**
   * The front door's quota rules (one CONSTANT rate-based WAF rule per category) for these routes and throttles.
   * @param quotas requests per second by category. @default CognitoQuotas.DEFAULTS
   * @param routeThrottles overrides by route name. @default - each route's own throttle
   */
  public static rateRules(routes: RouteDefinition[], quotas?: { [category: string]: number }, routeThrottles?: { [routeName: string]: RouteThrottle }): QuotaRateRule[] {
    return quotaRateRules(routes, quotas, throttleByName(routeThrottles));
  }

  /** For each category, the most Cognito calls per second these quota rules let through. @default quotas CognitoQuotas.DEFAULTS */
  public static ruleUsage(rules: QuotaRateRule[], routes: RouteDefinition[], quotas?: { [category: string]: number }): QuotaRuleUsage[] {
    return quotaRuleUsage(rules, routes, quotas);
  }

  private constructor() {}
}

function throttleByName(overrides: { readonly [routeName: string]: RouteThrottle } = {}): (r: RouteDefinition) => RouteThrottle {
  return (r) => overrides[r.name] ?? r.throttle;
}
