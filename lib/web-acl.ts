import { Stack, StackProps, Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The paths that get the stricter per-IP rate rule by default (credential and code guessing targets). */
export const DEFAULT_SENSITIVE_PATHS = [
  '/auth/login',
  '/auth/register',
  '/auth/verify',
  '/auth/password/forgot',
  '/auth/password/reset',
];

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
   * Path prefixes that get the stricter limit.
   * @default DEFAULT_SENSITIVE_PATHS (/auth/login, /auth/register, /auth/verify, /auth/password/forgot, /auth/password/reset)
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
      const paths = limits.sensitivePaths ?? DEFAULT_SENSITIVE_PATHS;
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
      const pathMatch = (p: string): wafv2.CfnWebACL.StatementProperty => ({
        byteMatchStatement: {
          fieldToMatch: { uriPath: {} },
          positionalConstraint: 'STARTS_WITH',
          searchString: p.toLowerCase(),
          textTransformations: [
            { priority: 0, type: 'URL_DECODE' },
            { priority: 1, type: 'NORMALIZE_PATH' },
            { priority: 2, type: 'LOWERCASE' },
          ],
        },
      });
      const tooMany = { block: { customResponse: { responseCode: 429 } } };
      rules.push({
        name: 'PerIpSensitivePaths',
        priority: priority++,
        action: tooMany,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            limit: sensitive,
            evaluationWindowSec: window,
            scopeDownStatement: paths.length === 1 ? pathMatch(paths[0]) : { orStatement: { statements: paths.map(pathMatch) } },
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

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: props.scope,
      defaultAction: { allow: {} },
      description:
        props.scope === 'CLOUDFRONT'
          ? 'Auth API front door: per-IP rate limits on sensitive paths, AWS managed rule groups'
          : 'Auth API user pool: AWS managed rule groups only, no per-IP rule since the pool sees the API functions, not users',
      visibilityConfig: visibility(props.scope === 'CLOUDFRONT' ? 'FrontDoor' : 'UserPool'),
      rules,
    });
    this.webAclArn = this.webAcl.attrArn;
  }
}

export interface AuthApiWebAclStackProps extends StackProps {
  /** Per-IP rate rules. @default - the WebAclRateLimits defaults */
  readonly rateLimits?: WebAclRateLimits;
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
    this.webAcl = new AuthApiWebAcl(this, 'FrontDoorAcl', { scope: 'CLOUDFRONT', rateLimits: props.rateLimits });
    this.webAclArn = this.webAcl.webAclArn;
  }
}
