// The throttles feature of CognitoAuthApi: route and stage throttles checked against Cognito's request-rate quotas
// (lib/cognito-quotas.ts), as API Gateway route throttles without the front door or as WAF rules with it.
import { QuotaRateRule, checkCognitoQuotaOverrides, QuotaUsage, poolEndpointQuotaUsage, quotaCategoryOf, quotaRateRules, quotaRuleUsage, quotaUsage } from './cognito-quotas';
import { ApiDefinition, RouteDefinition, RouteThrottle } from './route-definition';

/** What the throttles feature takes from the construct's props (each documented on CognitoAuthApiProps). */
export interface AuthApiThrottleProps {
  readonly stageThrottle?: RouteThrottle;
  readonly routeThrottles?: { readonly [routeName: string]: RouteThrottle };
  readonly cognitoQuotas?: { readonly [category: string]: number };
  readonly allowThrottlesAboveCognitoQuotas?: boolean;
}

/** The throttle of each route and what the throttles allow per Cognito quota category. */
export interface AuthApiThrottles {
  readonly throttleOf: (r: RouteDefinition) => RouteThrottle;
  readonly quotaUsage: QuotaUsage[];
  readonly quotaRateRules: QuotaRateRule[];
}

/** Checks the throttle and quota props, and fails synth when the throttles allow more Cognito calls than the quotas. */
export function checkThrottles(definition: ApiDefinition, props: AuthApiThrottleProps, frontDoor: boolean): AuthApiThrottles {
  const routeNames = new Set(definition.routes.map((r) => r.name));
  for (const name of Object.keys(props.routeThrottles ?? {})) {
    if (!routeNames.has(name)) {
      throw new Error(`CognitoAuthApi: routeThrottles names route "${name}", which the definition does not have. Routes: ${[...routeNames].join(', ')}.`);
    }
  }
  for (const [name, t] of Object.entries({ ...(props.routeThrottles ?? {}), ...(props.stageThrottle ? { stageThrottle: props.stageThrottle } : {}) })) {
    if (!(t.rateLimit > 0) || !Number.isInteger(t.burstLimit) || t.burstLimit < 1) {
      throw new Error(`CognitoAuthApi: throttle of ${name} must have rateLimit > 0 and an integer burstLimit >= 1.`);
    }
  }
  const throttleOf = (r: RouteDefinition): RouteThrottle => props.routeThrottles?.[r.name] ?? r.throttle;
  const quotas = checkCognitoQuotaOverrides(props.cognitoQuotas);
  for (const r of definition.routes) {
    for (const a of r.cognitoActions) {
      if (!quotaCategoryOf(a) && !(props.allowThrottlesAboveCognitoQuotas ?? false)) {
        throw new Error(
          `CognitoAuthApi: route ${r.name} calls cognito-idp:${a}, which is in no known quota category, so its throttle cannot be checked. ` +
            `Add it to COGNITO_QUOTA_CATEGORY_ACTIONS (lib/cognito-quotas.ts) or set allowThrottlesAboveCognitoQuotas: true.`,
        );
      }
    }
  }
  // The token endpoint's calls (federated sign-in) count as well: their routes keep API Gateway throttles (auth-api-http-api.ts).
  const usage = [...quotaUsage(definition.routes, quotas, throttleOf), ...poolEndpointQuotaUsage(definition.routes, quotas, throttleOf)];
  const over = usage.filter((u) => u.used > u.quota);
  if (over.length > 0 && !(props.allowThrottlesAboveCognitoQuotas ?? false)) {
    throw new Error(
      'CognitoAuthApi: route throttles allow more Cognito requests than the account quota, so clients would meet Cognito\'s ' +
        'TooManyRequestsException instead of API Gateway\'s 429:\n' +
        over.map((u) => `  ${u.category}: ${u.used} rps > quota ${u.quota} rps (${u.contributors.join('; ')})`).join('\n') +
        '\nFix: lower those routes\' rateLimit (routeThrottles or cdk/routes.json), or raise the quota in Service Quotas and ' +
        'set cognitoQuotas, or set allowThrottlesAboveCognitoQuotas: true.',
    );
  }

  // With the front door on, the budgets are WAF rules only front-door traffic reaches; a rule counts requests,
  // so a category's worst case is its requests times the most calls one of its routes makes (quotaRuleUsage).
  const rateRules = quotaRateRules(definition.routes, quotas, throttleOf);
  const overWaf = quotaRuleUsage(rateRules, definition.routes, quotas).filter((u) => u.cognitoRps > u.quota);
  if (frontDoor && overWaf.length > 0 && !(props.allowThrottlesAboveCognitoQuotas ?? false)) {
    throw new Error(
      'CognitoAuthApi: the front door\'s quota rules (WAF rules counting requests per Cognito quota category) would let through more ' +
        'Cognito calls than the account quota:\n' +
        overWaf.map((u) => `  ${u.category}: ${u.bounds.join(' + ')} = ${u.cognitoRps} rps > quota ${u.quota} rps`).join('\n') +
        '\nFix: lower those routes\' rateLimit (routeThrottles or cdk/routes.json), or raise the quota in Service Quotas and set cognitoQuotas, ' +
        'or set allowThrottlesAboveCognitoQuotas: true.',
    );
  }
  return { throttleOf, quotaUsage: usage, quotaRateRules: rateRules };
}
