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
};

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

/**
 * One front-door rate rule: all requests to the paths of the routes that call a quota category's actions,
 * counted together (WAF rate-based rule, CONSTANT aggregation, scoped down to those paths).
 */
export interface QuotaRateRule {
  readonly category: string;
  /** The category's Cognito quota, requests per second. */
  readonly quota: number;
  /** Paths of the routes that call the category's actions. */
  readonly paths: string[];
  /** Requests per second the rule lets through to those paths together: the sum of the routes' rateLimit. */
  readonly requestsPerSecond: number;
  /** Most calls of the category one request can make (2 for a route calling two of its actions). */
  readonly callsPerRequest: number;
  /** Worst-case Cognito calls per second through the rule: requestsPerSecond x callsPerRequest. */
  readonly cognitoRps: number;
  /** Which routes contribute, e.g. `totpVerify (VerifySoftwareToken, SetUserMFAPreference) 7 rps`. */
  readonly contributors: string[];
}

/**
 * The front door's quota rules, from the same route definition, throttles and quota table as the API Gateway
 * throttles. A rule counts requests, not Cognito calls, so a category's worst case is its request budget times
 * the most calls of that category one of its routes makes; it must stay within the quota.
 */
export function quotaRateRules(
  routes: readonly RouteDefinition[],
  quotas: { readonly [category: string]: number } = DEFAULT_COGNITO_QUOTAS,
  throttleOf: (r: RouteDefinition) => RouteThrottle = (r) => r.throttle,
): QuotaRateRule[] {
  const rules: QuotaRateRule[] = [];
  for (const category of Object.keys(COGNITO_QUOTA_CATEGORY_ACTIONS)) {
    let requestsPerSecond = 0;
    let callsPerRequest = 0;
    const paths: string[] = [];
    const contributors: string[] = [];
    for (const r of routes) {
      const actions = r.cognitoActions.filter((a) => COGNITO_QUOTA_CATEGORY_ACTIONS[category].includes(a));
      if (actions.length === 0) continue;
      const rate = throttleOf(r).rateLimit;
      requestsPerSecond += rate;
      callsPerRequest = Math.max(callsPerRequest, actions.length);
      if (!paths.includes(r.path)) paths.push(r.path);
      contributors.push(`${r.name} (${actions.join(', ')}) ${rate} rps`);
    }
    if (paths.length === 0) continue;
    rules.push({ category, quota: quotas[category], paths, requestsPerSecond, callsPerRequest, cognitoRps: requestsPerSecond * callsPerRequest, contributors });
  }
  return rules;
}
