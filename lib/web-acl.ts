import { Stack, StackProps, Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { QuotaRateRule, quotaRateRules } from './cognito-quotas';
import { ApiDefinition, loadApiDefinition } from './route-definition';

/**
 * Cognito actions that send an email (SignUp, ResendConfirmationCode, ForgotPassword) or check a secret (a
 * password, a refresh token, an emailed code, a TOTP code). A route calling one of them gets the stricter per-IP rule.
 */
export const EMAIL_OR_SECRET_ACTIONS = [
  'SignUp', 'ResendConfirmationCode', 'ForgotPassword',
  'ConfirmSignUp', 'ConfirmForgotPassword', 'AdminInitiateAuth', 'InitiateAuth',
  'AdminRespondToAuthChallenge', 'RespondToAuthChallenge', 'ChangePassword', 'VerifySoftwareToken',
  'GetTokensFromRefreshToken',
];

/** The paths of a definition's routes that send an email or check a secret (see EMAIL_OR_SECRET_ACTIONS). */
export function sensitivePathsOf(definition: ApiDefinition): string[] {
  return definition.routes.filter((r) => r.cognitoActions.some((a) => EMAIL_OR_SECRET_ACTIONS.includes(a))).map((r) => r.path);
}

/** The paths that get the stricter per-IP rate rule by default: those of this repository's route definition. */
export const DEFAULT_SENSITIVE_PATHS = sensitivePathsOf(loadApiDefinition());

/**
 * Window of the quota rules: the shortest WAF allows, so the per-second Cognito quotas are averaged over a
 * minute at most. https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 */
export const QUOTA_RULE_WINDOW_SECONDS = 60;

/**
 * WAF allows at most 10 rate-based rules per web ACL (a fixed quota) and regex strings of at most 200 characters:
 * https://docs.aws.amazon.com/waf/latest/developerguide/limits.html
 */
const MAX_RATE_BASED_RULES = 10;
const MAX_REGEX_LENGTH = 200;

/** What the web ACL answers when a rate rule blocks: the API's own JSON error, status 429. */
const TOO_MANY_REQUESTS_BODY = 'TooManyRequests';

/** The AWS managed rule groups every auth API web ACL carries, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
];

/** Per-IP rate-based rule settings of the CloudFront web ACL. */
export interface WebAclRateLimits {
  /**
   * Requests one client IP may send to the sensitive paths per evaluation window, all of them together
   * (WAF minimum 10). Over it, the IP gets HTTP 429 until its rate falls.
   * @default 100
   */
  readonly sensitivePathsPerIp?: number;
  /**
   * Requests one client IP may send to any path per evaluation window.
   * @default 1000
   */
  readonly allPathsPerIp?: number;
  /**
   * Evaluation window in seconds: 60, 120, 300 or 600.
   * @default 300
   */
  readonly evaluationWindowSeconds?: number;
  /**
   * Paths that get the stricter limit, matched exactly (a trailing slash allowed): API Gateway routes
   * are exact, and a prefix would catch more (`/auth/user` would also match `/auth/userinfo`).
   * @default - the paths of the routes that send an email or check a secret (DEFAULT_SENSITIVE_PATHS for this repository's routes)
   */
  readonly sensitivePaths?: string[];
}

export interface AuthApiWebAclProps {
  /**
   * CLOUDFRONT: for the distribution in front of the API, with per-IP rate rules; must be created in
   * us-east-1. REGIONAL: for the user pool; managed rule groups only, because behind the API the pool
   * sees the Lambda functions' addresses, not the users', so a per-IP rule would throttle everyone at once.
   */
  readonly scope: 'CLOUDFRONT' | 'REGIONAL';
  /** Per-IP rate rules (CLOUDFRONT scope only). @default - the WebAclRateLimits defaults */
  readonly rateLimits?: WebAclRateLimits;
  /** Prefix of the CloudWatch metric names. @default 'AuthApi' */
  readonly metricPrefix?: string;
  /** The route definition the default sensitive paths and quota rules come from. @default - this repository's cdk/routes.json */
  readonly apiDefinition?: ApiDefinition;
  /**
   * Cognito quota rules (CLOUDFRONT scope only): one CONSTANT rate-based rule per quota category over the paths
   * of its routes, so that only traffic through the front door counts against the quota budgets.
   * @default - quotaRateRules() of the definition with its own throttles and the default quotas
   */
  readonly quotaRules?: QuotaRateRule[];
}

/** A WAFv2 web ACL with the auth API's rules. */
export class AuthApiWebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  /** ARN of the web ACL (for `CognitoAuthApiProps.webAclArn` or a CloudFront distribution). */
  public readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: AuthApiWebAclProps) {
    super(scope, id);
    const metricPrefix = props.metricPrefix ?? 'AuthApi';
    const region = Stack.of(this).region;
    if (props.scope === 'CLOUDFRONT' && !Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(
        `AuthApiWebAcl: a CLOUDFRONT-scope web ACL must be created in us-east-1, but stack ${Stack.of(this).stackName} is in ${region}. ` +
          `Create it in an AuthApiWebAclStack with env.region 'us-east-1' and crossRegionReferences: true, and pass its webAclArn.`,
      );
    }
    if (props.scope === 'REGIONAL' && props.rateLimits) {
      throw new Error(
        'AuthApiWebAcl: rateLimits are only for the CLOUDFRONT scope. A regional web ACL on the user pool sees the ' +
          "Lambda functions' addresses, not the users', so a per-IP rule would throttle all users together. Remove rateLimits.",
      );
    }
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const definition = props.apiDefinition ?? loadApiDefinition();
    // Path rules match the decoded, normalised path (no case folding: API Gateway routes are case-sensitive).
    const pathTransforms = [{ priority: 0, type: 'URL_DECODE' }, { priority: 1, type: 'NORMALIZE_PATH' }];
    const pathRegex = (paths: string[], exact: boolean): wafv2.CfnWebACL.StatementProperty => {
      // As few regex statements as the 200-character limit allows (3 WCUs + 10 per transformation each).
      const escape = (p: string) => p.replace(/[.+{}]/g, (c) => `\\${c}`);
      const wrap = (alts: string[]) => `^(${alts.join('|')})${exact ? '/?$' : ''}`;
      const chunks: string[][] = [];
      for (const p of paths.map(escape)) {
        const last = chunks[chunks.length - 1];
        if (last && wrap([...last, p]).length <= MAX_REGEX_LENGTH) last.push(p);
        else chunks.push([p]);
      }
      const statements = chunks.map((c): wafv2.CfnWebACL.StatementProperty => {
        if (wrap(c).length > MAX_REGEX_LENGTH) throw new Error(`AuthApiWebAcl: path ${c[0]} is too long for a WAF regex (${MAX_REGEX_LENGTH} characters).`);
        return { regexMatchStatement: { fieldToMatch: { uriPath: {} }, regexString: wrap(c), textTransformations: pathTransforms } };
      });
      return statements.length === 1 ? statements[0] : { orStatement: { statements } };
    };
    let priority = 0;
    const managed = (name: string) =>
      rules.push({
        name,
        priority: priority++,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
        visibilityConfig: visibility(name),
      });
    managed(MANAGED_RULE_GROUPS[0]);

    if (props.scope === 'CLOUDFRONT') {
      const limits = props.rateLimits ?? {};
      const sensitive = limits.sensitivePathsPerIp ?? 100;
      const all = limits.allPathsPerIp ?? 1000;
      const window = limits.evaluationWindowSeconds ?? 300;
      const paths = limits.sensitivePaths ?? sensitivePathsOf(definition);
      if (![60, 120, 300, 600].includes(window)) {
        throw new Error(`AuthApiWebAcl: rateLimits.evaluationWindowSeconds must be 60, 120, 300 or 600 (got ${window}).`);
      }
      for (const [what, v] of [['sensitivePathsPerIp', sensitive], ['allPathsPerIp', all]] as const) {
        if (!Number.isInteger(v) || v < 10 || v > 2_000_000_000) {
          throw new Error(`AuthApiWebAcl: rateLimits.${what} must be an integer from 10 (the WAF minimum) to 2,000,000,000 (got ${v}).`);
        }
      }
      if (paths.length === 0 || paths.some((p) => !p.startsWith('/'))) {
        throw new Error('AuthApiWebAcl: rateLimits.sensitivePaths must be a non-empty list of paths starting with "/".');
      }
      const tooMany = { block: { customResponse: { responseCode: 429, customResponseBodyKey: TOO_MANY_REQUESTS_BODY } } };
      rules.push({
        name: 'PerIpSensitivePaths',
        priority: priority++,
        action: tooMany,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: sensitive,
            evaluationWindowSec: window,
            scopeDownStatement: pathRegex(paths, true),
          },
        },
        visibilityConfig: visibility('PerIpSensitivePaths'),
      });
      rules.push({
        name: 'PerIpAllPaths',
        priority: priority++,
        action: tooMany,
        statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit: all, evaluationWindowSec: window } },
        visibilityConfig: visibility('PerIpAllPaths'),
      });
    }
    managed(MANAGED_RULE_GROUPS[1]);
    managed(MANAGED_RULE_GROUPS[2]);

    if (props.scope === 'CLOUDFRONT') {
      // Last, so that only requests every other rule lets through use up the shared Cognito budgets.
      const quotaRules = props.quotaRules ?? quotaRateRules(definition.routes);
      for (const q of quotaRules) {
        const name = `Quota${q.category}`;
        rules.push({
          name,
          priority: priority++,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: TOO_MANY_REQUESTS_BODY, responseHeaders: [{ name: 'retry-after', value: String(QUOTA_RULE_WINDOW_SECONDS) }] } } },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'CONSTANT',
              limit: Math.max(10, Math.floor(q.requestsPerSecond * QUOTA_RULE_WINDOW_SECONDS)),
              evaluationWindowSec: QUOTA_RULE_WINDOW_SECONDS,
              scopeDownStatement: pathRegex(q.paths, true),
            },
          },
          visibilityConfig: visibility(name),
        });
      }
      const rateRules = rules.filter((r) => r.statement && (r.statement as any).rateBasedStatement).length;
      if (rateRules > MAX_RATE_BASED_RULES) {
        throw new Error(`AuthApiWebAcl: ${rateRules} rate-based rules, but WAF allows ${MAX_RATE_BASED_RULES} per web ACL (2 per-IP rules + one per Cognito quota category).`);
      }
    }

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: props.scope,
      defaultAction: { allow: {} },
      description:
        props.scope === 'CLOUDFRONT'
          ? 'Auth API front door: per-IP rate limits, AWS managed rule groups, Cognito quota budgets per category'
          : 'Auth API user pool: AWS managed rule groups only, no per-IP rule since the pool sees the API functions, not users',
      visibilityConfig: visibility(props.scope === 'CLOUDFRONT' ? 'FrontDoor' : 'UserPool'),
      rules,
      customResponseBodies: props.scope === 'CLOUDFRONT' ? {
        [TOO_MANY_REQUESTS_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ error: 'too_many_requests', message: 'Too many requests; retry later.' }),
        },
      } : undefined,
    });
    this.webAclArn = this.webAcl.attrArn;
  }
}

export interface AuthApiWebAclStackProps extends StackProps {
  /** Per-IP rate rules. @default - the WebAclRateLimits defaults */
  readonly rateLimits?: WebAclRateLimits;
  /** Cognito quota rules (pass the API's `quotaRateRules` when its throttles or quotas differ from the defaults). @default - quotaRateRules() of cdk/routes.json */
  readonly quotaRules?: QuotaRateRule[];
}

/**
 * A small stack in us-east-1 that holds the CLOUDFRONT-scope web ACL for an auth API deployed in
 * another region. Give both stacks `crossRegionReferences: true` and pass `webAclArn` to the API.
 */
export class AuthApiWebAclStack extends Stack {
  public readonly webAcl: AuthApiWebAcl;
  public readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: AuthApiWebAclStackProps = {}) {
    super(scope, id, props);
    if (this.region !== 'us-east-1') {
      throw new Error(
        `AuthApiWebAclStack ${id}: CloudFront web ACLs exist only in us-east-1; set env: { region: 'us-east-1' } ` +
          `(got ${Token.isUnresolved(this.region) ? 'an environment-agnostic stack' : this.region}).`,
      );
    }
    this.webAcl = new AuthApiWebAcl(this, 'FrontDoorAcl', { scope: 'CLOUDFRONT', rateLimits: props.rateLimits, quotaRules: props.quotaRules });
    this.webAclArn = this.webAcl.webAclArn;
  }
}
