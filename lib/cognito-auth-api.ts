// The CognitoAuthApi construct: its props, and the constructor that checks them and composes the features, each in
// its own file beside this one: auth-api-throttles.ts (throttles vs Cognito quotas), auth-api-user-pool.ts (user
// pool, app client, client secret), auth-api-functions.ts (per route: log group, role, function), auth-api-triggers.ts
// (the Cognito triggers the props turn on: per trigger a log group, role, function and the pool's LambdaConfig), auth-api-http-api.ts
// (HTTP API, CORS, authorizer, routes, stage, access logs), front-door.ts, auth-api-alarms.ts. Each feature takes
// the scope and the slice of the props it reads (its own props interface), and none imports this file. The features
// create their resources in this construct's scope, so the logical IDs do not depend on which file creates them.
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AuthApiAlarms, AuthApiAlarmThresholds } from './auth-api-alarms';
import { addEmailCodeLimitTable } from './auth-api-email-code-limit';
import { addRouteFunction, requestDeadlineMs, routeEnvironmentValues } from './auth-api-functions';
import { ACCESS_TOKEN_SCOPE, addApiRoute, addHttpApi, addStage, validateCorsOrigins } from './auth-api-http-api';
import { sessionCookieSettings } from './auth-api-session-cookie';
import { checkThrottles } from './auth-api-throttles';
import { TokenClaims, tokenClaimsEnv } from './token-claims';
import { CustomMessageOptions, customMessagesEnv } from './custom-messages';
import { addTriggers, checkSignUpEmailDomains, enabledTriggers, userMigrationEnvironment, userMigrationSecret } from './auth-api-triggers';
import { TriggerDefinition, TriggerDefinitions, UserMigrationOptions, loadTriggerDefinitions, parseTriggerDefinitions } from './trigger-definition';
import { ThreatProtection, addAppUserClient, addUserPool, sendsWithSes } from './auth-api-user-pool';
import { AuthApiCode } from './function-code';
import { QuotaRateRule, QuotaUsage } from './cognito-quotas';
import { ApiDefinition, RouteDefinition, RouteThrottle, loadApiDefinition, parseApiDefinition } from './route-definition';
import { AuthApiFrontDoor } from './front-door';
import { PoolPasswordPolicy, UserPoolDefinition, loadUserPoolDefinition, parseUserPoolDefinition } from './user-pool-definition';
import { AuthApiWebAcl, WebAclRateLimits } from './web-acl';
import { defaultPasskeyRelyingPartyId, validatePasskeyRelyingPartyId } from './passkeys';
import { addFederation, AuthApiFederationResources, federateAppClient, federationEnv } from './auth-api-federation';
import { AuthApiFederation, loadFederationDefinition, parseFederation } from './federation-definition';
import { AuthApiApp, parseApps } from './apps-definition';
import { AuthApiAppResources, MACHINE_CLIENT_AUTH_FLOWS, addApps } from './auth-api-apps';

// Public API defined in the feature files (lib/index.ts exports this file).
export { ThreatProtection } from './auth-api-user-pool';
export { requestDeadlineMs } from './auth-api-functions';
export { ACCESS_TOKEN_SCOPE } from './auth-api-http-api';
export type { AuthApiAppResources, AuthApiMachineClientResources } from './auth-api-apps';

export interface CognitoAuthApiProps {
  /**
   * Exact origins (scheme://host[:port]) of the frontends allowed to call the API from a browser.
   * Used for the HTTP API's CORS preflight answers and passed to the functions as `CORS_ORIGIN`.
   * `*`, paths and trailing slashes are refused; `http://` only for localhost.
   */
  readonly corsOrigins: string[];

  /**
   * Whether browsers may send credentials (cookies) cross-origin, from the exact `corsOrigins` only. The API uses
   * bearer tokens, so it needs none, except in the browser session mode (`sessionCookie`), which turns it on.
   * @default - false; true with `sessionCookie`
   */
  readonly corsAllowCredentials?: boolean;

  /**
   * Browser session mode: `login`, `login/challenge` and `refresh` put the refresh token in a
   * `__Host-auth_refresh` cookie (`HttpOnly; Secure; SameSite=Strict; Path=/`, Max-Age: the refresh token validity;
   * the `__Host-` prefix keeps sibling subdomains from shadowing it) instead of the JSON body; `refresh` and `logout`
   * read it (only from an exact `corsOrigins` origin with the `X-Requested-With` header; the name twice is refused);
   * `logout`, `DELETE /auth/user` and a refused refresh clear it. CORS then allows credentials. The cookie reaches the API only when the
   * app and the API are the same site: give the front door a `domainName` under the app's domain (docs/api.md "Browser
   * session mode").
   * @default false
   */
  readonly sessionCookie?: boolean;

  /**
   * The route definition: one function, route, IAM policy and throttle per route.
   * @default - this repository's `cdk/routes.json`
   */
  readonly apiDefinition?: ApiDefinition;

  /**
   * The Cognito trigger definition: the triggers the props can turn on, each with its Cognito actions, environment and
   * timeout (one function per trigger that is on, with exactly those actions on exactly the pool).
   * @default - this repository's `cdk/triggers.json`
   */
  readonly triggerDefinitions?: TriggerDefinitions;

  /**
   * Who may sign up: the email domains whose addresses may create an account (exact domains, e.g. `['example.com']`;
   * list sub-domains one by one). Turns on the pre sign-up trigger, which refuses any other address on every way into
   * the pool (the API's /auth/register, AdminCreateUser, a first federated sign-in), so Cognito creates no user; the
   * API answers such a sign-up 403 `sign_up_not_allowed`, the same whether or not the address has an account (it
   * checks the list before calling Cognito). Users who already exist keep signing in. Needs a user pool this app
   * defines (not an imported one). Context key `signUpEmailDomains` (comma-separated).
   * @default - every domain; no pre sign-up trigger
   */
  readonly signUpEmailDomains?: string[];

  /**
   * What the tokens say about the user: a roles claim from group membership (`groups: [{ group, roles, scopes }]`,
   * claim name `rolesClaim`, default `roles`) in the ID and access tokens, and scopes added to the access token
   * (`scopes` for everyone, a group's `scopes` for its members), with rules per app (`apps: { <appId>: rules }`, an
   * app of the `apps` prop with origins) that may also leave `aws.cognito.signin.user.admin` out of that app's access
   * tokens (`dropUserAdminScope`). Turns on the pre token generation trigger, event version V2_0 (access-token
   * customization, which needs the Essentials or Plus feature plan: the construct's pool is on one of them), run on
   * every token issue including refresh. A value the trigger would refuse fails synth. Needs a user pool this app
   * defines. Context key `tokenClaims` (the same as JSON).
   * @default - tokens as Cognito makes them; no pre token generation trigger
   */
  readonly tokenClaims?: TokenClaims;

  /**
   * Moving users in from a legacy system: a password sign-in or password reset for an address the pool does not know
   * asks this endpoint (the user migration trigger); when it vouches for the password, Cognito creates the user,
   * confirmed, with that password, and sends no email. Every failure (unknown there, wrong password, endpoint down,
   * slow or answering garbage) answers as an unknown user and creates nothing; endpoint failures are counted (metric
   * `LegacyAuthFailures`, alarm). The contract: docs/api.md "Moving users in from a legacy system". Needs a user pool
   * this app defines. Context keys `legacyAuthUrl`, `legacyAuthSecretArn`, `legacyAuthTimeoutMs`.
   * @default - no user migration trigger
   */
  readonly userMigration?: UserMigrationOptions;

  /**
   * Branded emails: the sign-up code, a resent code, the password-reset code, the emailed sign-in code, an
   * administrator's invitation and an address change each from its template in `cdk/messages.json` (HTML body, subject
   * and text), with this product name and these links (HTML-escaped). Turns on the custom message trigger. Cognito takes
   * a trigger's email only from a pool that sends through Amazon SES ("The emailMessage parameter is allowed only if the
   * EmailSendingAccount attribute of the user pool is DEVELOPER",
   * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html), so it needs `email`
   * to be `UserPoolEmail.withSES(...)`: synth fails otherwise. Each template is checked at synth with these values: the
   * code placeholder (and the invitation's user name) present, Cognito's sizes kept. Needs a user pool this app defines.
   * Context key `customMessages` (the same as JSON).
   * @default - Cognito's own messages; no custom message trigger
   */
  readonly customMessages?: CustomMessageOptions;

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
   * CORS_ORIGIN, TOTP_ISSUER, REQUEST_DEADLINE_MS, PASSWORD_POLICY, SESSION_COOKIE, SESSION_COOKIE_MAX_AGE, PASSKEY_RP_ID,
   * PASSKEY_USER_VERIFICATION, FIRST_AUTH_FACTORS). A function only gets the names its route lists.
   * @default - none
   */
  readonly environment?: { readonly [name: string]: string };

  /**
   * The passkey (WebAuthn) relying-party id: the registrable domain of the frontend where users add and use passkeys
   * (where `navigator.credentials` runs), not the API's host; passkeys work on that domain and its subdomains only.
   * Set on a created pool (`WebAuthnRelyingPartyID`) and given to the sign-in functions (`PASSKEY_RP_ID`); with an
   * existing `userPool`, set it to that pool's relying-party id.
   * @default - the one host of `corsOrigins` (localhost origins aside; `localhost` when there are only those);
   * a synth error when they name several hosts (set the registrable domain they share, e.g. `example.com`)
   */
  readonly passkeyRelyingPartyId?: string;

  /**
   * Whether passkey sign-in needs user verification (PIN, biometric) or only the user's presence. A passkey is a
   * first factor here (no password before it), so the default requires verification: with `PREFERRED` an
   * authenticator that only checks presence (a touch) signs the holder of the device in. Set on a created pool
   * (`WebAuthnUserVerification`; "When required, users can only register and sign in users with passkeys that are
   * capable of user verification",
   * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html)
   * and given to the sign-in functions (`PASSKEY_USER_VERIFICATION`); with an existing `userPool`, set it to that
   * pool's setting.
   * @default - `passkeys.userVerification` of `cdk/user-pool.json` (PasskeyUserVerification.REQUIRED)
   */
  readonly passkeyUserVerification?: cognito.PasskeyUserVerification;

  /**
   * Whether the pool offers sign-in with an emailed one-time code (`EMAIL_OTP` first factor, `/auth/login/start`).
   * Cognito sends those codes only through Amazon SES, not its default sender ("Email-based one-time password
   * requires your Amazon Cognito user pool to be configured to use Amazon Simple Email Service (SES)",
   * https://docs.amplify.aws/react/build-a-backend/auth/concepts/passwordless/), so it is on exactly when `email`
   * is `UserPoolEmail.withSES(...)`; `true` without SES fails synth. With an existing `userPool`, say whether that
   * pool allows EMAIL_OTP (the functions then offer it: `FIRST_AUTH_FACTORS`).
   * @default - true when `email` sends through Amazon SES, else false
   */
  readonly emailOtpSignIn?: boolean;

  /** Issuer label in the otpauth:// URIs of TOTP enrolment (`TOTP_ISSUER`). @default 'AuthApi' */
  readonly totpIssuer?: string;

  /**
   * An existing user pool to use instead of creating one. Its settings are yours to manage; the construct
   * creates an app client in it unless `userPoolClient` is given too.
   * @default - a new user pool
   */
  readonly userPool?: cognito.IUserPool;

  /**
   * An existing app client of `userPool`. It must have a secret, allow ADMIN_USER_PASSWORD_AUTH and USER_AUTH (passkeys and email codes), and rotate refresh
   * tokens (RefreshTokenRotation ENABLED with the retry grace period you want; then REFRESH_TOKEN_AUTH is not
   * needed, and Cognito refuses it). Without rotation `/auth/refresh` still works (GetTokensFromRefreshToken) but
   * answers no new refresh token and reuse is never detected. A client defined in the same CDK app is checked at
   * synth (a warning names what is missing); one imported by id cannot be, and gets an info note.
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

  /**
   * Access token validity: 5 to 1440 whole minutes (Cognito's token validity quota: access token "5 minutes – 1 day",
   * https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#resource-quotas). A stolen access token works
   * until it expires, including for the self-service operations Cognito's public API accepts it for (DeleteUser,
   * passkey and TOTP enrolment); a shorter lifetime narrows that window at the cost of more refreshes (each one a
   * UserAuthentication request). Context key `accessTokenValidityMinutes`.
   * @default - `tokenValidity` of `cdk/user-pool.json` (60 minutes)
   */
  readonly accessTokenValidity?: Duration;
  /** ID token validity (5 minutes to 1 day). @default - `tokenValidity` of `cdk/user-pool.json` (60 minutes) */
  readonly idTokenValidity?: Duration;
  /** Refresh token validity (60 minutes to 3650 days). @default - `tokenValidity` of `cdk/user-pool.json` (30 days) */
  readonly refreshTokenValidity?: Duration;
  /**
   * Refresh-token rotation of the created app client: how long a refresh token keeps working after a refresh has
   * replaced it (0 to 60 whole seconds), so that a client whose answer was lost can retry. Presented later, it is
   * refused and audited as a reuse (a stolen token). 0 refuses any second use at once, retries included.
   * @default - `refreshTokenRotation.retryGracePeriodSeconds` of `cdk/user-pool.json` (60 seconds)
   */
  readonly refreshTokenRotationGracePeriod?: Duration;

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
   * UserResourceRead 50, UserResourceUpdate 25). Raise one here after raising it in Service Quotas; lower one when
   * other applications share the account's quota. UserAccountRecovery, UserUpdate, UserResourceUpdate and UserToken
   * are not adjustable (NON_ADJUSTABLE_COGNITO_QUOTAS): synth fails if an override raises them.
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
   * sender allows 50 emails a day per AWS account and is meant for testing; synth warns whenever it is used. Sending
   * through SES also turns on sign-in with emailed codes (`emailOtpSignIn`).
   * @default - Cognito's default email sender
   */
  readonly email?: cognito.UserPoolEmail;

  /**
   * The organisation's apps on the pool: each may declare the resource server of its backend (custom scopes) and
   * machine clients, backend services that get access tokens with the client-credentials grant at the pool's token
   * endpoint (which needs a pool domain: synth notes it) for scopes of any resource server in
   * the list. Each machine client's secret is put in Secrets Manager (`apps[i].machineClients[j].secret`). The
   * format is `cdk/apps.json`'s (`AuthApiDefinitions.loadApps()`); docs/resource-servers.md shows a backend verifying
   * these tokens. Machine clients are billed per client and per token request (docs/deploying.md "Cost").
   * @default - no apps beyond the API's own app client
   */
  readonly apps?: AuthApiApp[];
  /**
   * Federated sign-in through the API (Google, an OpenID Connect provider such as Microsoft Entra ID, SAML): a user
   * pool domain, the identity providers (client secrets from Secrets Manager), and the app client's authorization-code
   * grant with the API's callback URL (docs/federation.md). Needs the app client the construct creates.
   * @default - none: the federation routes answer 404 federation_not_configured
   */
  readonly federation?: AuthApiFederation;

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

/** What the construct built for one Cognito trigger. */
export interface AuthApiTrigger {
  readonly definition: TriggerDefinition;
  readonly function: lambda.IFunction;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  /** The separate policy of exactly the trigger's Cognito actions on the pool, when it declares any. */
  readonly cognitoPolicy?: iam.Policy;
}

/**
 * The serverless auth API: a Cognito user pool and app client, one Rust Lambda function per route of the
 * definition (one shared `bootstrap` binary), an HTTP API with a Cognito JWT authorizer, CORS, throttles
 * aligned with Cognito's quotas and JSON access logs, optionally a CloudFront + WAF front door, and alarms.
 */
export class CognitoAuthApi extends Construct {
  /** The scope Cognito puts in every access token its API sign-in issues; token routes require it. */
  public static readonly ACCESS_TOKEN_SCOPE: string = ACCESS_TOKEN_SCOPE;

  /** The auth flows of every machine client the construct creates: none that signs a user in. */
  public static readonly MACHINE_CLIENT_AUTH_FLOWS: string[] = [...MACHINE_CLIENT_AUTH_FLOWS];

  /** The deadline every request of a function gets (`REQUEST_DEADLINE_MS`) for a function timeout. */
  public static requestDeadlineMs(timeout: Duration): number {
    return requestDeadlineMs(timeout);
  }

  public readonly userPool: cognito.IUserPool;
  public readonly userPoolClient: cognito.IUserPoolClient;
  /** Secret holding the app client's secret (read by the functions that list COGNITO_APP_CLIENT_SECRET_ARN). */
  public readonly clientSecret: secretsmanager.ISecret;
  /** What the construct created for each app of the `apps` prop (resource server, machine clients and their secrets). */
  public readonly apps: AuthApiAppResources[];
  /** The passkey relying-party id of the pool and the sign-in functions (see `passkeyRelyingPartyId`). */
  public readonly passkeyRelyingPartyId: string;
  /** The first factors the pool offers and the sign-in functions list (`FIRST_AUTH_FACTORS`; see `emailOtpSignIn`). */
  public readonly firstAuthFactors: string[];
  /**
   * The table counting emailed sign-in codes per address (at most `sendsPerWindow` of `cdk/email-code-limit.json` an
   * hour), when the pool offers EMAIL_OTP: Cognito documents no such limit of its own.
   */
  public readonly emailCodeLimitTable?: dynamodb.Table;
  /** The user pool domain and identity providers, when the federation prop is given. */
  public readonly federation?: AuthApiFederationResources;
  public readonly httpApi: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogGroup: logs.LogGroup;
  /** One entry per route of the definition, in definition order. */
  public readonly routes: AuthApiRoute[];
  /** One entry per Cognito trigger the props turn on (none by default; see `signUpEmailDomains`). */
  public readonly triggers: AuthApiTrigger[];
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
    // A definition given as a prop is checked as strictly as the files: from Python or Java its string-literal
    // fields arrive as plain strings, unchecked by any compiler.
    const definition = props.apiDefinition ? parseApiDefinition(props.apiDefinition, 'CognitoAuthApi: apiDefinition') : loadApiDefinition();
    const triggerDefinitions = props.triggerDefinitions
      ? parseTriggerDefinitions(props.triggerDefinitions, 'CognitoAuthApi: triggerDefinitions')
      : loadTriggerDefinitions();
    const signUpEmailDomains = checkSignUpEmailDomains(props.signUpEmailDomains);
    const legacySecret = props.userMigration ? userMigrationSecret(this, props.userMigration) : undefined;
    const userMigrationEnv = userMigrationEnvironment(props.userMigration, legacySecret);
    const customMessages = customMessagesEnv(props.customMessages, triggerDefinitions.triggers.find((t) => t.name === 'customMessage')?.triggerSources ?? []);
    if (customMessages !== undefined && props.userPool === undefined && !sendsWithSes(this, props.email)) {
      throw new Error('CognitoAuthApi: customMessages needs the pool to send email through Amazon SES: Cognito refuses a custom message ' +
        "trigger's email from a pool on its default sender (InvalidLambdaResponseException, so every sign-up would fail). " +
        "Fix: set email: cognito.UserPoolEmail.withSES({ fromEmail, sesRegion }) (context sesFromEmail), or remove customMessages.");
    }
    const poolDef = props.userPoolDefinition ? parseUserPoolDefinition(props.userPoolDefinition, 'CognitoAuthApi: userPoolDefinition') : loadUserPoolDefinition();
    const passwordPolicy = props.passwordPolicy ?? poolDef.passwordPolicy;
    const frontDoor = props.frontDoor ?? true;
    const apps = parseApps(props.apps ?? [], 'CognitoAuthApi: apps');
    const session = sessionCookieSettings(this, props, poolDef);
    const ownOrigins = validateCorsOrigins(props.corsOrigins, session.allowCredentials);
    // CORS answers every app's origins; which app a request is for the functions check (X-App-Id).
    const corsOrigins = [...new Set([...ownOrigins, ...apps.flatMap((a) => a.origins ?? [])])];
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

    // ---- throttles and Cognito quotas (auth-api-throttles.ts) ----------------------------------------
    const { throttleOf, quotaUsage, quotaRateRules } = checkThrottles(definition, props, frontDoor);
    this.quotaUsage = quotaUsage;
    this.quotaRateRules = quotaRateRules;

    // ---- front door combinations (fail before creating anything) -----------------------------------
    AuthApiFrontDoor.check(this, { ...props, frontDoor });

    // ---- user pool and app client (auth-api-user-pool.ts) -------------------------------------------
    this.passkeyRelyingPartyId = props.passkeyRelyingPartyId !== undefined
      ? validatePasskeyRelyingPartyId(props.passkeyRelyingPartyId)
      : defaultPasskeyRelyingPartyId(corsOrigins);
    const pool = addUserPool(this, props, poolDef, passwordPolicy, this.passkeyRelyingPartyId);
    this.userPool = pool.userPool;
    this.userPoolClient = pool.userPoolClient;
    this.clientSecret = pool.clientSecret;
    this.firstAuthFactors = pool.firstAuthFactors;
    // Apps with origins sign their users in through the API with clients of their own (X-App-Id).
    const userApps = apps.filter((a) => a.origins !== undefined);
    if (userApps.length > 0 && pool.userClientOptions === undefined) {
      throw new Error('CognitoAuthApi: apps with origins get app clients like the one the construct creates; with an existing userPoolClient, list no origins in apps (or let the construct create the client).');
    }
    const userClients = new Map(userApps.map((a) => [a.id, addAppUserClient(this, a.id, this.userPool, pool.userClientOptions!)]));
    this.apps = addApps(this, this.userPool, apps).map((a) => ({ ...a, userClient: userClients.get(a.id)?.client, userClientSecret: userClients.get(a.id)?.secret }));
    // AUTH_APPS (lambda/auth-api/src/apps.rs): the API's own app `default` first, then each app with its client.
    const authApps = userApps.length === 0 ? undefined : stack.toJsonString([
      { id: 'default', clientId: this.userPoolClient.userPoolClientId, clientSecretArn: this.clientSecret.secretArn, origins: ownOrigins },
      ...userApps.map((a) => ({ id: a.id, clientId: userClients.get(a.id)!.client.userPoolClientId, clientSecretArn: userClients.get(a.id)!.secret.secretArn, origins: a.origins })),
    ]);
    this.emailCodeLimitTable = addEmailCodeLimitTable(this, pool.firstAuthFactors);

    // ---- federated sign-in: pool domain, identity providers (auth-api-federation.ts) ------------------
    const federationProp = props.federation === undefined ? undefined : parseFederation(props.federation);
    const federationDef = loadFederationDefinition();
    if (federationProp && pool.userClientOptions === undefined) {
      throw new Error('CognitoAuthApi: federation configures the app client the construct creates (its OAuth grant, callback URL and providers); with an existing userPoolClient, leave federation out and configure that client yourself (docs/federation.md).');
    }
    this.federation = federationProp ? addFederation(this, this.userPool, federationProp, federationDef) : undefined;
    const callbackUrl = () => `${this.url}${federationDef.callbackPath.replace(/^\//, '')}`;

    // ---- functions' code and environment (auth-api-functions.ts) ------------------------------------
    const triggerNames = enabledTriggers(props);
    const code = (props.code ?? AuthApiCode.fromPackage()).bind(definition, architecture, triggerNames);
    this.version = code.version;
    const envValues = routeEnvironmentValues(definition, {
      userPool: this.userPool,
      userPoolClient: this.userPoolClient,
      clientSecret: this.clientSecret,
      corsOrigins,
      totpIssuer,
      timeout,
      passwordPolicy,
      sessionCookie: session.env,
      passkeyRelyingPartyId: this.passkeyRelyingPartyId,
      passkeyUserVerification: pool.passkeyUserVerification,
      firstAuthFactors: pool.firstAuthFactors,
      signUpEmailDomains,
      emailCodeLimitTable: this.emailCodeLimitTable,
      environment: props.environment,
      authApps,
      federation: this.federation ? federationEnv(this, this.federation, federationProp!, callbackUrl) : '',
    });

    // ---- Cognito triggers the props turn on (auth-api-triggers.ts) ----------------------------------
    this.triggers = addTriggers(this, triggerDefinitions, triggerNames, {
      code,
      userPool: this.userPool,
      envValues: {
        SIGN_UP_EMAIL_DOMAINS: envValues.SIGN_UP_EMAIL_DOMAINS,
        ...(props.tokenClaims !== undefined ? { TOKEN_CLAIMS: tokenClaimsEnv(props.tokenClaims, userApps.map((a) => a.id))! } : {}),
        ...userMigrationEnv,
        ...(customMessages !== undefined ? { CUSTOM_MESSAGES: customMessages } : {}),
        ...(props.environment ?? {}),
      },
      memorySize,
      retention,
      userMigrationSecret: legacySecret,
    });
    const migration = this.triggers.find((t) => t.definition.name === 'userMigration');

    // ---- HTTP API and its authorizer (auth-api-http-api.ts) -----------------------------------------
    const { httpApi, authorizer } = addHttpApi(this, definition, corsOrigins, session.allowCredentials, this.userPool,
      [this.userPoolClient, ...[...userClients.values()].map((c) => c.client)], session.allowHeaders);
    this.httpApi = httpApi;

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

    // ---- per route: function (auth-api-functions.ts) and API route (auth-api-http-api.ts) -----------
    this.routes = definition.routes.map((r) => {
      const f = addRouteFunction(this, r, {
        code,
        envValues,
        userPool: this.userPool,
        clientSecret: this.clientSecret,
        appClientSecrets: [...userClients.values()].map((c) => c.secret),
        originVerifySecret: this.originVerifySecret,
        emailCodeLimitTable: this.emailCodeLimitTable,
        memorySize,
        timeout,
        retention,
      });
      const routes = addApiRoute(this.httpApi, authorizer, r, f.function);
      return { definition: r, function: f.function, role: f.role, logGroup: f.logGroup, routes, throttle: throttleOf(r) };
    });

    // ---- stage: throttles, access logs (auth-api-http-api.ts) ---------------------------------------
    const { stage, accessLogGroup } = addStage(this, this.httpApi, this.routes, { stageThrottle: props.stageThrottle, frontDoor, retention });
    this.stage = stage;
    this.accessLogGroup = accessLogGroup;

    this.alarms = new AuthApiAlarms(this, 'Alarms', {
      api: this.httpApi,
      functionLogGroups: this.routes.map((r) => r.logGroup),
      triggerLogGroups: this.triggers.map((t) => t.logGroup),
      userMigrationLogGroup: migration?.logGroup,
      metricNamespace: props.metricNamespace ?? `CognitoAuthApi/${stack.stackName}`,
      thresholds: props.alarmThresholds,
      alarmTopic: props.alarmTopic,
    });

    this.url = this.frontDoor ? this.frontDoor.url : this.stage.url;
    if (this.federation) {
      federateAppClient(this.userPoolClient.node.defaultChild as cognito.CfnUserPoolClient, callbackUrl(), this.federation, federationDef);
    }
  }
}
