import { Annotations, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_QUOTA_RULES, QuotaRateRule, quotaRateRules } from './cognito-quotas';
import { ApiDefinition, RouteDefinition, loadApiDefinition, parseApiDefinition } from './route-definition';

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

/** Federated sign-in's browser routes, which get the sensitive paths' per-IP limit. */
export const FEDERATION_BROWSER_PATHS: readonly string[] = ['/auth/federation/start', '/auth/federation/callback'];

/** The paths of a definition's routes that send an email or check a secret (see EMAIL_OR_SECRET_ACTIONS). */
export function sensitivePathsOf(definition: ApiDefinition): string[] {
  // And federated sign-in's browser routes: each start sends the browser to an identity provider, each callback
  // exchanges a code at the pool's token endpoint (one rule with several paths: the web ACL is at WAF's 10 rate-based rules).
  return definition.routes
    .filter((r) => r.cognitoActions.some((a) => EMAIL_OR_SECRET_ACTIONS.includes(a)) || FEDERATION_BROWSER_PATHS.includes(r.path))
    .map((r) => r.path);
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

/**
 * What the web ACL answers when it blocks: the API's own JSON errors (custom response bodies,
 * https://docs.aws.amazon.com/waf/latest/developerguide/customizing-the-response-for-blocked-requests.html), never
 * CloudFront's HTML 403.
 */
export const WEB_ACL_RESPONSE_BODIES: { readonly [key: string]: { readonly status: number; readonly body: { readonly error: string; readonly message: string } } } = {
  TooManyRequests: { status: 429, body: { error: 'too_many_requests', message: 'Too many requests; retry later.' } },
  Forbidden: { status: 403, body: { error: 'forbidden', message: 'The request was refused by the firewall.' } },
  PayloadTooLarge: { status: 413, body: { error: 'payload_too_large', message: 'The request body is larger than 16384 bytes.' } },
};
const TOO_MANY_REQUESTS_BODY = 'TooManyRequests';

/**
 * The largest request body the API takes (the functions' MAX_BODY_BYTES, lambda/auth-api/src/config.rs), which is
 * also the default body inspection size of a CloudFront web ACL, 16 KB
 * (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-setting-body-inspection-limit.html).
 */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The AWS managed rule groups every auth API web ACL carries, in evaluation order, with their capacity (WCU) and the
 * rules whose Block action the web ACL overrides. Rule names and default actions are those of the groups' pages
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html,
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html):
 * - `blocking`: rules whose action is Block; the web ACL blocks with them too, but with the JSON 403 (a rule action
 *   override to Block with a custom response). A rule AWS adds later blocks with WAF's plain 403 until it is listed
 *   here (first-deploy checklist: compare with DescribeManagedRuleGroup).
 * - `bodyRules`: rules that judge the request body. Every body this API takes is JSON carrying credentials
 *   (passwords, codes, tokens, passkey attestations) that the Rust handlers parse into typed fields and never
 *   render, include as files, fetch or deserialize as Java: a password containing `<script` or `../`, or a passkey
 *   attestation over 8 KB, is legitimate. Those rules only count (they still label and show in the metrics), and the
 *   API's own body size limit is a rule of the web ACL (BodySizeLimit).
 */
export const MANAGED_RULE_GROUP_SETTINGS = {
  AWSManagedRulesAmazonIpReputationList: {
    wcu: 25,
    // AWSManagedIPDDoSList's own action is Count: left as it is.
    blocking: ['AWSManagedIPReputationList', 'AWSManagedReconnaissanceList'],
    bodyRules: [] as string[],
  },
  AWSManagedRulesCommonRuleSet: {
    wcu: 700,
    blocking: [
      'NoUserAgent_HEADER', 'UserAgent_BadBots_HEADER', 'SizeRestrictions_QUERYSTRING', 'SizeRestrictions_Cookie_HEADER', 'SizeRestrictions_URIPATH',
      'EC2MetaDataSSRF_COOKIE', 'EC2MetaDataSSRF_URIPATH', 'EC2MetaDataSSRF_QUERYARGUMENTS', 'GenericLFI_QUERYARGUMENTS', 'GenericLFI_URIPATH',
      'RestrictedExtensions_URIPATH', 'RestrictedExtensions_QUERYARGUMENTS', 'GenericRFI_QUERYARGUMENTS', 'GenericRFI_URIPATH',
      'CrossSiteScripting_COOKIE', 'CrossSiteScripting_QUERYARGUMENTS', 'CrossSiteScripting_URIPATH',
    ],
    bodyRules: ['SizeRestrictions_BODY', 'EC2MetaDataSSRF_BODY', 'GenericLFI_BODY', 'GenericRFI_BODY', 'CrossSiteScripting_BODY'],
  },
  AWSManagedRulesKnownBadInputsRuleSet: {
    wcu: 200,
    blocking: [
      'JavaDeserializationRCE_HEADER', 'JavaDeserializationRCE_URIPATH', 'JavaDeserializationRCE_QUERYSTRING', 'Host_localhost_HEADER',
      'PROPFIND_METHOD', 'ExploitablePaths_URIPATH', 'Log4JRCE_HEADER', 'Log4JRCE_QUERYSTRING', 'Log4JRCE_URIPATH',
    ],
    bodyRules: ['JavaDeserializationRCE_BODY', 'Log4JRCE_BODY'],
  },
} as const;

/** The AWS managed rule groups every auth API web ACL carries, in evaluation order. */
export const MANAGED_RULE_GROUPS = Object.keys(MANAGED_RULE_GROUP_SETTINGS) as (keyof typeof MANAGED_RULE_GROUP_SETTINGS)[];

/**
 * Text transformations of the path rules, in order: decoded (`%2F`), normalised (`//`, `/./`, `/../`) and lower-cased,
 * so `/AUTH/LOGIN` counts as `/auth/login` (every route is lower-case; whether API Gateway would route it is then
 * beside the point). Three is WAF's maximum per statement (https://docs.aws.amazon.com/waf/latest/developerguide/limits.html).
 */
export const PATH_TRANSFORMATIONS = ['URL_DECODE', 'NORMALIZE_PATH', 'LOWERCASE'] as const;

/** Escapes every regex metacharacter of a literal path (PCRE and JavaScript alike). */
export function escapeRegex(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Web ACL capacity units of rules, by AWS's published costs: regex match 3 plus 10 per text transformation, size
 * constraint 1 plus 10 per transformation, label match 1, logical statements the sum of what they nest
 * (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-match.html,
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-logical.html), rate-based 2 plus its
 * scope-down (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html),
 * a managed rule group its published capacity (MANAGED_RULE_GROUP_SETTINGS). The web ACL price includes 1,500;
 * 5,000 is the most a web ACL takes (https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html).
 * An upper bound: WAF may count a transformation shared by several statements once.
 */
export function webAclCapacity(rules: readonly wafv2.CfnWebACL.RuleProperty[]): number {
  const transforms = (x: any) => 10 * (x.textTransformations ?? []).filter((t: any) => t.type !== 'NONE').length;
  const cost = (st: any): number => {
    if (st.regexMatchStatement) return 3 + transforms(st.regexMatchStatement);
    if (st.sizeConstraintStatement) return 1 + transforms(st.sizeConstraintStatement);
    if (st.labelMatchStatement) return 1;
    if (st.orStatement) return st.orStatement.statements.reduce((n: number, x: any) => n + cost(x), 0);
    if (st.andStatement) return st.andStatement.statements.reduce((n: number, x: any) => n + cost(x), 0);
    if (st.notStatement) return cost(st.notStatement.statement);
    if (st.rateBasedStatement) return 2 + (st.rateBasedStatement.scopeDownStatement ? cost(st.rateBasedStatement.scopeDownStatement) : 0);
    if (st.managedRuleGroupStatement) {
      const group = (MANAGED_RULE_GROUP_SETTINGS as any)[st.managedRuleGroupStatement.name];
      if (!group) throw new Error(`webAclCapacity: no published capacity for managed rule group ${st.managedRuleGroupStatement.name}`);
      return group.wcu + (st.managedRuleGroupStatement.scopeDownStatement ? cost(st.managedRuleGroupStatement.scopeDownStatement) : 0);
    }
    throw new Error(`webAclCapacity: no cost known for statement ${Object.keys(st).join(', ')}`);
  };
  return rules.reduce((n, r) => n + cost(r.statement), 0);
}

/** The capacity the web ACL price includes (more costs extra) and the most a web ACL can have. */
export const WCU_INCLUDED = 1500;
const WCU_MAX = 5000;

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
  /** The AWS managed rule groups every auth API web ACL carries, in evaluation order. */
  public static readonly MANAGED_RULE_GROUPS: string[] = [...MANAGED_RULE_GROUPS];
  /** Cognito actions that send an email or check a secret: a route calling one gets the stricter per-IP rule. */
  public static readonly EMAIL_OR_SECRET_ACTIONS: string[] = [...EMAIL_OR_SECRET_ACTIONS];
  /** Window in seconds of the Cognito quota rules (the shortest WAF allows). */
  public static readonly QUOTA_RULE_WINDOW_SECONDS: number = QUOTA_RULE_WINDOW_SECONDS;
  /** The largest request body the API takes, in bytes (a rule of the web ACL refuses larger ones). */
  public static readonly MAX_BODY_BYTES: number = MAX_BODY_BYTES;
  /** Text transformations of the path rules, in order. */
  public static readonly PATH_TRANSFORMATIONS: string[] = [...PATH_TRANSFORMATIONS];
  /** The web ACL capacity (WCU) the web ACL price includes. */
  public static readonly WCU_INCLUDED: number = WCU_INCLUDED;

  /** Web ACL capacity units of rules, by AWS's published costs (an upper bound). */
  public static capacityOf(rules: wafv2.CfnWebACL.RuleProperty[]): number {
    return webAclCapacity(rules);
  }

  /** The paths that get the stricter per-IP rate rule by default: those of the package's route definition. */
  public static readonly DEFAULT_SENSITIVE_PATHS: string[] = [...DEFAULT_SENSITIVE_PATHS];

  /** The paths of the routes that send an email or check a secret (see EMAIL_OR_SECRET_ACTIONS). */
  public static sensitivePathsOf(routes: RouteDefinition[]): string[] {
    return sensitivePathsOf({ routes });
  }

  public readonly webAcl: wafv2.CfnWebACL;
  /** ARN of the web ACL (for `CognitoAuthApiProps.webAclArn` or a CloudFront distribution). */
  public readonly webAclArn: string;
  /** Web ACL capacity units its rules need (webAclCapacity; `make synth-check` prints it). */
  public readonly capacity: number;

  constructor(scope: Construct, id: string, props: AuthApiWebAclProps) {
    super(scope, id);
    if ((props.scope as string) !== 'CLOUDFRONT' && (props.scope as string) !== 'REGIONAL') {
      // TypeScript checks the literal; Python and Java pass a plain string.
      throw new Error(`AuthApiWebAcl: scope must be 'CLOUDFRONT' or 'REGIONAL' (got ${JSON.stringify(props.scope)}).`);
    }
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
    // Sampled requests off: a sample keeps the request's headers for hours (the bearer token, and in the browser
    // session mode the 30-day refresh cookie), visible to anyone who may read the web ACL. Metrics stay on.
    // https://docs.aws.amazon.com/waf/latest/APIReference/API_VisibilityConfig.html
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${metricPrefix}-${name}`,
      sampledRequestsEnabled: false,
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const definition = props.apiDefinition ? parseApiDefinition(props.apiDefinition, 'AuthApiWebAcl: apiDefinition') : loadApiDefinition();
    const pathTransforms = PATH_TRANSFORMATIONS.map((type, priority) => ({ priority, type }));
    const pathRegex = (paths: string[], exact: boolean): wafv2.CfnWebACL.StatementProperty => {
      // As few regex statements as the 200-character limit allows (3 WCUs + 10 per transformation each). The path is
      // matched lower-cased (PATH_TRANSFORMATIONS), so the pattern is too. A non-capturing group: WAF does not support
      // "capturing subexpressions" (https://docs.aws.amazon.com/waf/latest/developerguide/waf-regex-pattern-support.html).
      const wrap = (alts: string[]) => `^(?:${alts.join('|')})${exact ? '/?$' : ''}`;
      const chunks: string[][] = [];
      for (const p of paths.map((x) => escapeRegex(x.toLowerCase()))) {
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
    const forbidden = { block: { customResponse: { responseCode: 403, customResponseBodyKey: 'Forbidden' } } };
    const managed = (name: keyof typeof MANAGED_RULE_GROUP_SETTINGS) => {
      const group = MANAGED_RULE_GROUP_SETTINGS[name];
      rules.push({
        name,
        priority: priority++,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name,
            // https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html
            ruleActionOverrides: [
              ...group.blocking.map((rule) => ({ name: rule, actionToUse: forbidden })),
              ...group.bodyRules.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
            ],
          },
        },
        visibilityConfig: visibility(name),
      });
    };
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
    if (props.scope === 'CLOUDFRONT') {
      // The API's own body limit, in place of SizeRestrictions_BODY's 8 KB: a body over the inspection size (16 KB)
      // matches (oversize handling MATCH), and the API would refuse it anyway (413 payload_too_large).
      rules.push({
        name: 'BodySizeLimit',
        priority: priority++,
        action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'PayloadTooLarge' } } },
        statement: {
          sizeConstraintStatement: {
            fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
            comparisonOperator: 'GT',
            size: MAX_BODY_BYTES,
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        visibilityConfig: visibility('BodySizeLimit'),
      });
    }
    managed(MANAGED_RULE_GROUPS[1]);
    managed(MANAGED_RULE_GROUPS[2]);

    if (props.scope === 'CLOUDFRONT') {
      // Last, so that only requests every other rule lets through use up the shared Cognito budgets.
      const quotaRules = props.quotaRules ?? quotaRateRules(definition.routes);
      for (const q of quotaRules) {
        const name = `Quota${q.name}`;
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
        throw new Error(`AuthApiWebAcl: ${rateRules} rate-based rules, but WAF allows ${MAX_RATE_BASED_RULES} per web ACL (2 per-IP rules + the quota rules of quotaRateRules(), at most ${MAX_QUOTA_RULES}).`);
      }
    }

    this.capacity = webAclCapacity(rules);
    if (this.capacity > WCU_MAX) {
      throw new Error(`AuthApiWebAcl: the rules need ${this.capacity} WCUs, more than the ${WCU_MAX} a web ACL can have. Fix: fewer sensitivePaths or shorter paths (fewer regex statements).`);
    }
    if (this.capacity > WCU_INCLUDED) {
      Annotations.of(this).addWarningV2('@cognito-auth-api/web-acl-capacity',
        `The web ACL's rules need ${this.capacity} WCUs; the web ACL price includes ${WCU_INCLUDED}, more is billed extra ` +
          '(https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html). Fewer or shorter sensitivePaths need fewer regex statements.');
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
      customResponseBodies: Object.fromEntries(
        Object.entries(WEB_ACL_RESPONSE_BODIES).map(([key, r]) => [key, { contentType: 'APPLICATION_JSON', content: JSON.stringify(r.body) }]),
      ),
    });
    this.webAclArn = this.webAcl.attrArn;
    // In the template too, where `make synth-check` reads and prints it.
    this.webAcl.addMetadata('AuthApiCapacityWcu', this.capacity);
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
