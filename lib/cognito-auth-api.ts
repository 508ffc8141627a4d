import { Annotations, Duration, RemovalPolicy, SecretValue, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { AuthApiAlarms, AuthApiAlarmThresholds } from './auth-api-alarms';
import { AuthApiCode } from './function-code';
import { DEFAULT_COGNITO_QUOTAS, QuotaRateRule, QuotaUsage, quotaCategoryOf, quotaRateRules, quotaUsage } from './cognito-quotas';
import { ApiDefinition, RouteDefinition, RouteThrottle, loadApiDefinition, routeKey } from './route-definition';
import { AuthApiFrontDoor, FRONT_DOOR_SAFETY_THROTTLE } from './front-door';
import { PoolPasswordPolicy, UserPoolDefinition, loadUserPoolDefinition, passwordPolicyEnv } from './user-pool-definition';
import { AuthApiWebAcl, WebAclRateLimits } from './web-acl';

/** Cognito threat protection (advanced security) setting of a created user pool. */
export enum ThreatProtection {
  /** No threat protection; the pool stays on the Essentials feature plan. */
  OFF = 'OFF',
  /** Plus feature plan; risks are scored and logged but no sign-in is blocked. */
  AUDIT = 'AUDIT',
  /** Plus feature plan; risky sign-ins are challenged or blocked (adaptive authentication). */
  ENFORCED = 'ENFORCED',
}

export interface CognitoAuthApiProps {
  /**
   * Exact origins (scheme://host[:port]) of the frontends allowed to call the API from a browser.
   * Used for the HTTP API's CORS preflight answers and passed to the functions as `CORS_ORIGIN`.
   * `*`, paths and trailing slashes are refused; `http://` only for localhost.
   */
  readonly corsOrigins: string[];

  /**
   * Whether browsers may send credentials (cookies) cross-origin. The API uses bearer tokens, so it needs none.
   * @default false
   */
  readonly corsAllowCredentials?: boolean;

  /**
   * The route definition: one function, route, IAM policy and throttle per route.
   * @default - this repository's `cdk/routes.json`
   */
  readonly apiDefinition?: ApiDefinition;

  /**
   * The user pool settings (password policy, case sensitivity, MFA, recovery, lifetimes) that are the
   * defaults of this construct's pool, client and `PASSWORD_POLICY`; the local emulator reads the same file.
   * @default - `cdk/user-pool.json` in this repository
   */
  readonly userPoolDefinition?: UserPoolDefinition;

  /**
   * Password policy of a created user pool, and the policy the functions check before calling Cognito
   * (`PASSWORD_POLICY`). With an existing `userPool`, set it to that pool's policy so both agree.
   * @default - `passwordPolicy` of the user pool definition (`cdk/user-pool.json`)
   */
  readonly passwordPolicy?: PoolPasswordPolicy;

  /**
   * Where the functions' code comes from: the prebuilt `bootstrap` zip shipped in the npm package (checked against
   * the package's sha256 manifest), or `AuthApiCode.fromSource({ manifestPath })` to build it with cargo-lambda.
   * @default AuthApiCode.fromPackage()
   */
  readonly code?: AuthApiCode;

  /**
   * Instruction set of the functions. ARM_64 needs a package built with the arm64 artifact, or, from source, the
   * `aarch64-unknown-linux-gnu` Rust target installed on the build machine.
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;

  /** Memory of each function in MB (CPU scales with it). @default 256 */
  readonly memorySize?: number;

  /** Timeout of each function; at most 29 seconds (the HTTP API integration limit is 30). @default Duration.seconds(10) */
  readonly timeout?: Duration;

  /** Retention of the function logs and the API access logs. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Values for environment variable names that routes list in their `env` and that the construct does
   * not provide itself (it provides COGNITO_USER_POOL_ID, COGNITO_APP_CLIENT_ID, COGNITO_APP_CLIENT_SECRET_ARN,
   * CORS_ORIGIN, TOTP_ISSUER, REQUEST_DEADLINE_MS). A function only gets the names its route lists.
   * @default - none
   */
  readonly environment?: { readonly [name: string]: string };

  /** Issuer label in the otpauth:// URIs of TOTP enrolment (`TOTP_ISSUER`). @default 'AuthApi' */
  readonly totpIssuer?: string;

  /**
   * An existing user pool to use instead of creating one. Its settings are yours to manage; the construct
   * creates an app client in it unless `userPoolClient` is given too.
   * @default - a new user pool
   */
  readonly userPool?: cognito.IUserPool;

  /**
   * An existing app client of `userPool` (it must have a secret and allow ADMIN_USER_PASSWORD_AUTH and refresh).
   * Requires `userPool` and `userPoolClientSecret`.
   * @default - a new app client
   */
  readonly userPoolClient?: cognito.IUserPoolClient;

  /**
   * Secrets Manager secret whose SecretString is the raw secret of `userPoolClient`.
   * @default - required with `userPoolClient`; otherwise a secret holding the new client's secret
   */
  readonly userPoolClientSecret?: secretsmanager.ISecret;

  /**
   * What happens to a created user pool on stack deletion or replacement. RETAIN also turns on deletion protection.
   * @default RemovalPolicy.RETAIN (no user data lost by `cdk destroy`)
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Cognito threat protection of a created user pool. AUDIT and ENFORCED move the pool to the Plus feature plan,
   * billed per monthly active user.
   * @default ThreatProtection.OFF (Essentials feature plan)
   */
  readonly threatProtection?: ThreatProtection;

  /** Access token validity (5 minutes to 1 day). @default - `tokenValidity` of `cdk/user-pool.json` (60 minutes) */
  readonly accessTokenValidity?: Duration;
  /** ID token validity (5 minutes to 1 day). @default - `tokenValidity` of `cdk/user-pool.json` (60 minutes) */
  readonly idTokenValidity?: Duration;
  /** Refresh token validity (60 minutes to 3650 days). @default - `tokenValidity` of `cdk/user-pool.json` (30 days) */
  readonly refreshTokenValidity?: Duration;

  /**
   * Attach a REGIONAL web ACL with AWS managed rule groups (IP reputation, common, known bad inputs) to the user pool.
   * It carries no per-IP rate rule: the pool sees the functions' addresses, not the users'.
   * @default false
   */
  readonly userPoolWebAcl?: boolean;

  /**
   * Throttle of the stage's default route settings. Front door off: applies to requests that match no route
   * throttle. Front door on: the only API Gateway throttle (a safety limit; the quota budgets are WAF rules).
   * @default { rateLimit: 100, burstLimit: 200 } without the front door, FRONT_DOOR_SAFETY_THROTTLE with it
   */
  readonly stageThrottle?: RouteThrottle;

  /**
   * Throttle overrides by route name (`{ login: { rateLimit: 80, burstLimit: 160 } }`), over the definition's defaults.
   * @default - the definition's throttles
   */
  readonly routeThrottles?: { readonly [routeName: string]: RouteThrottle };

  /**
   * Cognito request-rate quotas (requests per second) by category, over the AWS defaults (UserCreation 50,
   * UserAccountRecovery 30, UserUpdate 25, UserAuthentication 120, UserRead 120, UserToken 120,
   * UserResourceRead 50, UserResourceUpdate 25). Raise one here after raising it in Service Quotas.
   * @default DEFAULT_COGNITO_QUOTAS
   */
  readonly cognitoQuotas?: { readonly [category: string]: number };

  /**
   * Allow route throttles whose sum exceeds a Cognito quota category (clients then may see Cognito's
   * TooManyRequestsException as a 429 from the function instead of API Gateway's 429).
   * @default false - synth fails with the category, its routes and the fix
   */
  readonly allowThrottlesAboveCognitoQuotas?: boolean;

  /**
   * Put a CloudFront distribution with a CLOUDFRONT-scope WAF web ACL (per-IP rate rules, managed rule groups)
   * in front of the API, and make the functions refuse requests that did not come through it. Turn off for
   * development stacks.
   * @default true
   */
  readonly frontDoor?: boolean;

  /**
   * ARN of an existing CLOUDFRONT-scope web ACL (in us-east-1) for the distribution, e.g. `AuthApiWebAclStack.webAclArn`.
   * @default - created by the construct when its stack is in us-east-1; required otherwise
   */
  readonly webAclArn?: string;

  /**
   * Per-IP rate rules of the web ACL the construct creates (ignored with `webAclArn`).
   * @default - 100 requests per IP per 5 minutes on the sensitive paths, 1000 on all paths
   */
  readonly wafRateLimits?: WebAclRateLimits;

  /** CloudFront price class. @default cloudfront.PriceClass.PRICE_CLASS_100 */
  readonly priceClass?: cloudfront.PriceClass;

  /** Front door: answer on IPv6 too (per-IP limits are weaker there; see AuthApiFrontDoorProps.enableIpv6). @default false */
  readonly enableIpv6?: boolean;
  /** Front door: custom domain of the distribution (ApiUrl then uses it); needs `certificate`. @default - *.cloudfront.net only */
  readonly domainName?: string;
  /** Front door: ACM certificate (us-east-1) for `domainName`. @default - required with domainName */
  readonly certificate?: acm.ICertificate;
  /** Front door: Route 53 zone for the alias records of `domainName`. @default - no records */
  readonly hostedZone?: route53.IHostedZone;
  /** Front door: Secrets Manager version id of the origin-verify value CloudFront sends (rotation step 3). @default - the value at first deployment */
  readonly originVerifyVersionId?: string;

  /**
   * How a created user pool sends email (confirmation codes, password resets), e.g.
   * `cognito.UserPoolEmail.withSES({ fromEmail: 'no-reply@example.com', sesRegion: 'eu-west-1' })`. Cognito's default
   * sender allows only a small number of emails per day, meant for testing; synth warns when the front door is on
   * (a production stack) and this is not set.
   * @default - Cognito's default email sender
   */
  readonly email?: cognito.UserPoolEmail;

  /** SNS topic for alarm and OK notifications. @default - alarms without actions */
  readonly alarmTopic?: sns.ITopic;

  /** Alarm thresholds. @default - see AuthApiAlarmThresholds */
  readonly alarmThresholds?: AuthApiAlarmThresholds;

  /** CloudWatch namespace of the failed-login metric. @default 'CognitoAuthApi/<stack name>' */
  readonly metricNamespace?: string;
}

/** What the construct built for one route. */
export interface AuthApiRoute {
  readonly definition: RouteDefinition;
  readonly function: lambda.IFunction;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  readonly routes: apigwv2.HttpRoute[];
  readonly throttle: RouteThrottle;
}

/**
 * The scope Cognito puts in every access token its API sign-in issues (and never in an ID token):
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
export const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/** Environment names the construct can fill itself. */
const PROVIDED_ENV = ['COGNITO_USER_POOL_ID', 'COGNITO_APP_CLIENT_ID', 'COGNITO_APP_CLIENT_SECRET_ARN', 'CORS_ORIGIN', 'TOTP_ISSUER', 'REQUEST_DEADLINE_MS', 'PASSWORD_POLICY'];

/**
 * The one deadline every request of a function gets (`REQUEST_DEADLINE_MS`), derived from the
 * function timeout: 1 s less, or a fifth less for timeouts under 5 s. The margin leaves time to
 * send the JSON 503 before Lambda stops the function, so callers never see the platform's error.
 */
export function requestDeadlineMs(timeout: Duration): number {
  const ms = timeout.toMilliseconds();
  return ms - Math.min(1000, Math.floor(ms / 5));
}

/**
 * The serverless auth API: a Cognito user pool and app client, one Rust Lambda function per route of the
 * definition (one shared `bootstrap` binary), an HTTP API with a Cognito JWT authorizer, CORS, throttles
 * aligned with Cognito's quotas and JSON access logs, optionally a CloudFront + WAF front door, and alarms.
 */
export class CognitoAuthApi extends Construct {
  public readonly userPool: cognito.IUserPool;
  public readonly userPoolClient: cognito.IUserPoolClient;
  /** Secret holding the app client's secret (read by the functions that list COGNITO_APP_CLIENT_SECRET_ARN). */
  public readonly clientSecret: secretsmanager.ISecret;
  public readonly httpApi: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogGroup: logs.LogGroup;
  /** One entry per route of the definition, in definition order. */
  public readonly routes: AuthApiRoute[];
  /** The front door (CloudFront, WAF, origin-verify secret), when on. */
  public readonly frontDoor?: AuthApiFrontDoor;
  /** The front door's distribution, when on. */
  public readonly distribution?: cloudfront.Distribution;
  /** The secret CloudFront sends as `x-origin-verify`, when the front door is on. */
  public readonly originVerifySecret?: secretsmanager.Secret;
  /** The CLOUDFRONT-scope web ACL, when the construct created it. */
  public readonly webAcl?: AuthApiWebAcl;
  /** The web ACL ARN attached to the distribution, when the front door is on. */
  public readonly webAclArn?: string;
  public readonly alarms: AuthApiAlarms;
  /** Worst-case Cognito request rate per quota category allowed by the throttles. */
  public readonly quotaUsage: QuotaUsage[];
  /** The Cognito quota budgets as front-door WAF rules (used when the front door is on). */
  public readonly quotaRateRules: QuotaRateRule[];
  /** The URL frontends call: the CloudFront URL when the front door is on, else the API's. */
  public readonly url: string;
  /** The version of the auth API code the functions run (package version; `+source` when built from source). Also tagged on each function. */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: CognitoAuthApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const definition = props.apiDefinition ?? loadApiDefinition();
    const poolDef = props.userPoolDefinition ?? loadUserPoolDefinition();
    const passwordPolicy = props.passwordPolicy ?? poolDef.passwordPolicy;
    const frontDoor = props.frontDoor ?? true;
    const corsOrigins = validateCorsOrigins(props.corsOrigins, props.corsAllowCredentials ?? false);
    const totpIssuer = props.totpIssuer ?? 'AuthApi';
    if (!Token.isUnresolved(totpIssuer) && (totpIssuer.length === 0 || totpIssuer.includes(':'))) {
      throw new Error(`CognitoAuthApi: totpIssuer must be non-empty and contain no ':' (it is the issuer label of otpauth URIs); got "${totpIssuer}".`);
    }
    const memorySize = props.memorySize ?? 256;
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
      throw new Error(`CognitoAuthApi: memorySize must be an integer number of MB from 128 to 10240 (got ${memorySize}).`);
    }
    const timeout = props.timeout ?? Duration.seconds(10);
    if (timeout.toSeconds() > 29 || timeout.toSeconds() < 1) {
      throw new Error(`CognitoAuthApi: timeout must be 1 to 29 seconds (the HTTP API gives up after 30); got ${timeout.toHumanString()}.`);
    }
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const architecture = props.architecture ?? lambda.Architecture.X86_64;

    // ---- throttles and Cognito quotas --------------------------------------------------------------
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
    for (const [category, rps] of Object.entries(props.cognitoQuotas ?? {})) {
      if (!(category in DEFAULT_COGNITO_QUOTAS)) {
        throw new Error(`CognitoAuthApi: cognitoQuotas has unknown category "${category}". Categories: ${Object.keys(DEFAULT_COGNITO_QUOTAS).join(', ')}.`);
      }
      if (!(rps > 0)) throw new Error(`CognitoAuthApi: cognitoQuotas.${category} must be a positive number of requests per second (got ${rps}).`);
    }
    const quotas = { ...DEFAULT_COGNITO_QUOTAS, ...(props.cognitoQuotas ?? {}) };
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
    this.quotaUsage = quotaUsage(definition.routes, quotas, throttleOf);
    const over = this.quotaUsage.filter((u) => u.used > u.quota);
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
    // so a category's worst case is its requests times the most calls one of its routes makes.
    this.quotaRateRules = quotaRateRules(definition.routes, quotas, throttleOf);
    const overWaf = this.quotaRateRules.filter((q) => q.cognitoRps > q.quota);
    if (frontDoor && overWaf.length > 0 && !(props.allowThrottlesAboveCognitoQuotas ?? false)) {
      throw new Error(
        'CognitoAuthApi: the front door\'s quota rules (one WAF rule per Cognito quota category, counting requests) would let through more ' +
          'Cognito calls than the account quota:\n' +
          overWaf.map((q) => `  ${q.category}: ${q.requestsPerSecond} rps x ${q.callsPerRequest} call(s) = ${q.cognitoRps} rps > quota ${q.quota} rps (${q.contributors.join('; ')})`).join('\n') +
          '\nFix: lower those routes\' rateLimit (routeThrottles or cdk/routes.json), or raise the quota in Service Quotas and set cognitoQuotas, ' +
          'or set allowThrottlesAboveCognitoQuotas: true.',
      );
    }

    // ---- front door combinations (fail before creating anything) -----------------------------------
    AuthApiFrontDoor.check(this, { ...props, frontDoor });

    // ---- user pool and app client -------------------------------------------------------------------
    if (props.userPoolClient && !props.userPool) {
      throw new Error('CognitoAuthApi: userPoolClient needs userPool too (the pool that client belongs to).');
    }
    if (props.userPoolClient && !props.userPoolClientSecret) {
      throw new Error(
        'CognitoAuthApi: with an existing userPoolClient, pass userPoolClientSecret: a Secrets Manager secret whose SecretString is that client\'s secret ' +
          '(the construct cannot read it, and never puts it in the template).',
      );
    }
    if (props.userPoolClientSecret && !props.userPoolClient) {
      throw new Error('CognitoAuthApi: userPoolClientSecret is the secret of an existing userPoolClient; pass userPoolClient too, or neither (a client and its secret are then created).');
    }
    if (props.userPool) {
      const poolOnly = { removalPolicy: props.removalPolicy, threatProtection: props.threatProtection, email: props.email };
      for (const [k, v] of Object.entries(poolOnly)) {
        if (v !== undefined) {
          throw new Error(`CognitoAuthApi: ${k} only applies to a user pool the construct creates; with an existing userPool, set it on that pool.`);
        }
      }
    }
    if (props.userPoolClient) {
      const clientOnly = { accessTokenValidity: props.accessTokenValidity, idTokenValidity: props.idTokenValidity, refreshTokenValidity: props.refreshTokenValidity };
      for (const [k, v] of Object.entries(clientOnly)) {
        if (v !== undefined) {
          throw new Error(`CognitoAuthApi: ${k} only applies to an app client the construct creates; with an existing userPoolClient, set it on that client.`);
        }
      }
    }

    if (props.userPool) {
      this.userPool = props.userPool;
    } else {
      const removalPolicy = props.removalPolicy ?? (poolDef.removalPolicy === 'RETAIN' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
      const threat = props.threatProtection ?? ThreatProtection.OFF;
      const pool = new cognito.UserPool(this, 'UserPool', {
        signInAliases: { email: true },
        // false: Me@Example.com and me@example.com are one account (the functions also lower-case
        // addresses). "This option also enables both preferred_username and email alias to be case
        // insensitive" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html).
        signInCaseSensitive: poolDef.signInCaseSensitive,
        selfSignUpEnabled: true,
        autoVerify: { email: true },
        keepOriginal: { email: true },
        standardAttributes: { email: { required: true, mutable: true } },
        userVerification: { emailStyle: cognito.VerificationEmailStyle.CODE },
        passwordPolicy: {
          minLength: passwordPolicy.minLength,
          requireLowercase: passwordPolicy.requireLowercase,
          requireUppercase: passwordPolicy.requireUppercase,
          requireDigits: passwordPolicy.requireDigits,
          requireSymbols: passwordPolicy.requireSymbols,
          tempPasswordValidity: Duration.days(passwordPolicy.tempPasswordValidityDays),
        },
        mfa: { OFF: cognito.Mfa.OFF, OPTIONAL: cognito.Mfa.OPTIONAL, REQUIRED: cognito.Mfa.REQUIRED }[poolDef.mfa],
        mfaSecondFactor: poolDef.mfaSecondFactor,
        accountRecovery: {
          EMAIL_ONLY: cognito.AccountRecovery.EMAIL_ONLY,
          EMAIL_AND_PHONE_WITHOUT_MFA: cognito.AccountRecovery.EMAIL_AND_PHONE_WITHOUT_MFA,
          NONE: cognito.AccountRecovery.NONE,
        }[poolDef.accountRecovery],
        email: props.email,
        featurePlan: threat === ThreatProtection.OFF ? cognito.FeaturePlan.ESSENTIALS : cognito.FeaturePlan.PLUS,
        standardThreatProtectionMode:
          threat === ThreatProtection.OFF ? undefined
            : threat === ThreatProtection.AUDIT ? cognito.StandardThreatProtectionMode.AUDIT_ONLY
              : cognito.StandardThreatProtectionMode.FULL_FUNCTION,
        removalPolicy,
        deletionProtection: removalPolicy === RemovalPolicy.RETAIN && poolDef.deletionProtection,
      });
      this.userPool = pool;
      if (frontDoor && !props.email) {
        // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
        Annotations.of(pool).addWarningV2('@cognito-auth-api/default-email-sender',
          'The user pool sends email with Cognito\'s default sender, which allows only a limited number of emails per day (for testing): ' +
            'once it is used up, confirmation and password-reset codes stop for everyone until the next day. Set the email prop ' +
            '(context sesFromEmail, sesRegion) to send through Amazon SES.');
      }
      ack(pool, 'AwsSolutions-COG2', 'MFA is optional by product decision: users enrol TOTP through /auth/mfa/totp/* and Cognito then requires it at every sign-in; SMS MFA is off.');
      if (threat === ThreatProtection.OFF) {
        ack(pool, 'AwsSolutions-COG8',
          'The Plus feature plan (billed per monthly active user) is needed only for threat protection, which is the documented threatProtection prop, off by default for cost; per-IP limits and managed rules sit in the WAF front door.');
      }
    }

    let clientSecret = props.userPoolClientSecret;
    if (props.userPoolClient) {
      this.userPoolClient = props.userPoolClient;
    } else {
      const client = new cognito.UserPoolClient(this, 'AppClient', {
        userPool: this.userPool,
        generateSecret: true,
        authFlows: { adminUserPassword: true, userPassword: false, userSrp: false, custom: false, user: false },
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: props.accessTokenValidity ?? Duration.minutes(poolDef.tokenValidity.accessTokenMinutes),
        idTokenValidity: props.idTokenValidity ?? Duration.minutes(poolDef.tokenValidity.idTokenMinutes),
        refreshTokenValidity: props.refreshTokenValidity ?? Duration.days(poolDef.tokenValidity.refreshTokenDays),
        authSessionValidity: Duration.minutes(poolDef.authSessionValidityMinutes),
        disableOAuth: true,
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      });
      this.userPoolClient = client;
      // The CloudFormation attribute, not `client.userPoolClientSecret` (which adds a custom resource and a Lambda).
      const cfnClient = client.node.defaultChild as cognito.CfnUserPoolClient;
      const secret = new secretsmanager.Secret(this, 'ClientSecret', {
        description: 'Secret of the auth API app client (raw string); read by the functions that compute SECRET_HASH',
        secretStringValue: SecretValue.resourceAttribute(cfnClient.attrClientSecret),
      });
      ack(secret, 'AwsSolutions-SMG4', 'The value is the Cognito app client secret, which Cognito generates and cannot rotate in place; rotating means a new app client (a new deploy).');
      clientSecret = secret;
    }
    this.clientSecret = clientSecret!;

    if (props.userPoolWebAcl ?? false) {
      const poolAcl = new AuthApiWebAcl(this, 'UserPoolAcl', { scope: 'REGIONAL', metricPrefix: 'AuthApiUserPool' });
      new wafv2.CfnWebACLAssociation(this, 'UserPoolAclAssociation', {
        resourceArn: this.userPool.userPoolArn,
        webAclArn: poolAcl.webAclArn,
      });
    }

    // ---- functions ----------------------------------------------------------------------------------
    const code = (props.code ?? AuthApiCode.fromPackage()).bind(definition, architecture);
    this.version = code.version;
    const envValues: { [name: string]: string } = {
      COGNITO_USER_POOL_ID: this.userPool.userPoolId,
      COGNITO_APP_CLIENT_ID: this.userPoolClient.userPoolClientId,
      COGNITO_APP_CLIENT_SECRET_ARN: this.clientSecret.secretArn,
      CORS_ORIGIN: corsOrigins.join(','),
      TOTP_ISSUER: totpIssuer,
      REQUEST_DEADLINE_MS: String(requestDeadlineMs(timeout)),
      PASSWORD_POLICY: passwordPolicyEnv(passwordPolicy),
      ...(props.environment ?? {}),
    };
    for (const r of definition.routes) {
      for (const name of r.env) {
        if (!(name in envValues) && name !== 'ORIGIN_VERIFY_SECRET_ARN') {
          throw new Error(
            `CognitoAuthApi: route ${r.name} lists env var ${name}, which the construct does not provide (it provides ${PROVIDED_ENV.join(', ')}). ` +
              `Pass its value in the environment prop, or fix the route's env list.`,
          );
        }
      }
    }

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Auth API (Rust on Lambda, Amazon Cognito)',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: corsOrigins,
        allowMethods: [...new Set(definition.routes.map((r) => r.method as apigwv2.CorsHttpMethod)), apigwv2.CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type'],
        allowCredentials: props.corsAllowCredentials ?? false,
        maxAge: Duration.hours(1),
      },
    });
    const authorizer = new HttpUserPoolAuthorizer('CognitoJwt', this.userPool, {
      userPoolClients: [this.userPoolClient],
      userPoolRegion: stack.region,
    });

    // ---- front door: CloudFront + WAF + origin-verify secret (the functions need the secret's ARN) -----
    if (frontDoor) {
      this.frontDoor = new AuthApiFrontDoor(this, 'FrontDoor', {
        httpApi: this.httpApi,
        webAclArn: props.webAclArn,
        rateLimits: props.wafRateLimits,
        priceClass: props.priceClass,
        enableIpv6: props.enableIpv6,
        domainName: props.domainName,
        certificate: props.certificate,
        hostedZone: props.hostedZone,
        quotaRules: this.quotaRateRules,
        originVerifyVersionId: props.originVerifyVersionId,
      });
      this.distribution = this.frontDoor.distribution;
      this.originVerifySecret = this.frontDoor.originVerifySecret;
      this.webAcl = this.frontDoor.webAcl;
      this.webAclArn = this.frontDoor.webAclArn;
    }

    this.routes = definition.routes.map((r) => {
      const logGroup = new logs.LogGroup(this, `${r.name}Logs`, { retention, removalPolicy: RemovalPolicy.DESTROY });
      const statements: iam.PolicyStatement[] = [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      ];
      if (r.cognitoActions.length > 0) {
        statements.push(new iam.PolicyStatement({
          actions: r.cognitoActions.map((a) => `cognito-idp:${a}`),
          resources: [this.userPool.userPoolArn],
        }));
      }
      const secretArns: string[] = [];
      if (r.env.includes('COGNITO_APP_CLIENT_SECRET_ARN')) secretArns.push(this.clientSecret.secretArn);
      if (this.originVerifySecret) secretArns.push(this.originVerifySecret.secretArn);
      if (secretArns.length > 0) {
        statements.push(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }));
      }
      const role = new iam.Role(this, `${r.name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Auth API ${routeKey(r)}: exactly its declared Cognito actions`,
        inlinePolicies: { Route: new iam.PolicyDocument({ statements }) },
      });

      const environment: { [k: string]: string } = {};
      for (const name of r.env) if (name !== 'ORIGIN_VERIFY_SECRET_ARN') environment[name] = envValues[name];
      if (this.originVerifySecret) environment.ORIGIN_VERIFY_SECRET_ARN = this.originVerifySecret.secretArn;

      const fn = code.createFunction(this, `${r.name}Function`, {
        memorySize,
        timeout,
        role,
        logGroup,
        loggingFormat: lambda.LoggingFormat.JSON,
        applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
        systemLogLevelV2: lambda.SystemLogLevel.WARN,
        environment,
        description: `Auth API ${routeKey(r)}: ${r.summary}`.slice(0, 256),
      });
      // Which build each function runs (tag values: up to 256 of letters, digits, space and _ . : / = + - @;
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-tag.html).
      Tags.of(fn).add('cognito-auth-api:version', code.version);
      if (code.sha256) Tags.of(fn).add('cognito-auth-api:artifact-sha256', code.sha256);
      const integration = new HttpLambdaIntegration(`${r.name}Integration`, fn);
      const routes = this.httpApi.addRoutes({
        path: r.path,
        methods: [r.method as apigwv2.HttpMethod],
        integration,
        authorizer: r.bearerToken ? authorizer : undefined,
        // Only access tokens carry this scope; an ID token (same issuer, aud = the client id) is refused at the gateway.
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
        authorizationScopes: r.bearerToken ? [ACCESS_TOKEN_SCOPE] : undefined,
      });
      if (!r.bearerToken) {
        for (const route of routes) {
          ack(route, 'AwsSolutions-APIG4',
            `${routeKey(r)} is public by design (it is how a user gets or recovers a token); it is protected by its throttle, the WAF front door and Cognito's own checks.`);
        }
      }
      return { definition: r, function: fn, role, logGroup, routes, throttle: throttleOf(r) };
    });

    // ---- stage: throttles, access logs --------------------------------------------------------------
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
    const stageThrottle = props.stageThrottle ?? (frontDoor ? FRONT_DOOR_SAFETY_THROTTLE : { rateLimit: 100, burstLimit: 200 });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: stageThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          status: '$context.status',
          protocol: '$context.protocol',
          responseLength: '$context.responseLength',
          latencyMs: '$context.responseLatency',
          integrationLatencyMs: '$context.integrationLatency',
          integrationStatus: '$context.integrationStatus',
          integrationError: '$context.integrationErrorMessage',
          authorizerError: '$context.authorizer.error',
          errorMessage: '$context.error.message',
          userAgent: '$context.identity.userAgent',
        })),
      },
    });
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    const routeSettings: { [key: string]: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number } } = {};
    for (const r of this.routes) {
      // Without the front door the route throttles hold the quota budgets; with it, the WAF's quota rules do, since
      // direct calls to execute-api would use up these shared buckets too (only the stage's safety limit stays).
      if (!frontDoor) routeSettings[routeKey(r.definition)] = { ThrottlingRateLimit: r.throttle.rateLimit, ThrottlingBurstLimit: r.throttle.burstLimit };
      // Route settings name routes by key: the routes must exist before the stage refers to them.
      for (const route of r.routes) cfnStage.node.addDependency(route);
    }
    if (!frontDoor) cfnStage.routeSettings = routeSettings;

    this.alarms = new AuthApiAlarms(this, 'Alarms', {
      api: this.httpApi,
      functionLogGroups: this.routes.map((r) => r.logGroup),
      metricNamespace: props.metricNamespace ?? `CognitoAuthApi/${stack.stackName}`,
      thresholds: props.alarmThresholds,
      alarmTopic: props.alarmTopic,
    });

    this.url = this.frontDoor ? this.frontDoor.url : this.stage.url;
  }
}

/** Record a cdk-nag acknowledgement with its reason on a construct and its children. */
function ack(scope: Construct, id: string, reason: string) {
  Validations.of(scope).acknowledge({ id, reason });
}

function validateCorsOrigins(origins: string[] | undefined, allowCredentials: boolean): string[] {
  if (!origins || origins.length === 0) {
    throw new Error(
      'CognitoAuthApi: corsOrigins is empty. List the exact origins of your frontends, e.g. ["https://app.example.com"] ' +
        '(for local development ["http://localhost:5173"]).',
    );
  }
  for (const o of origins) {
    if (Token.isUnresolved(o)) continue;
    if (o === '*' || o.includes('*')) {
      throw new Error(
        `CognitoAuthApi: corsOrigins must list exact origins, not "${o}"` +
          (allowCredentials ? ' (a wildcard together with corsAllowCredentials would let any site make credentialed calls)' : '') +
          '. The functions compare the Origin header with this exact list.',
      );
    }
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new Error(`CognitoAuthApi: corsOrigins entry "${o}" is not an origin; write scheme://host[:port], e.g. https://app.example.com.`);
    }
    if (url.origin !== o) {
      throw new Error(`CognitoAuthApi: corsOrigins entry "${o}" is not an exact origin (no path, no trailing slash, lower-case host); did you mean "${url.origin}"?`);
    }
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
      throw new Error(`CognitoAuthApi: corsOrigins entry "${o}" must use https:// (http:// is accepted only for localhost).`);
    }
  }
  if (new Set(origins).size !== origins.length) throw new Error('CognitoAuthApi: corsOrigins lists an origin twice.');
  return [...origins];
}
