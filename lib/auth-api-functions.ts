// The functions feature of CognitoAuthApi: the environment values the construct provides, and for each route of
// the definition its log group, IAM role (exactly the route's Cognito actions and secrets) and Lambda function.
// Created in the CognitoAuthApi's own scope, so their logical IDs and construct paths are unchanged by the split.
import { Duration, RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { IBoundAuthApiCode } from './function-code';
import { EMAIL_CODE_LIMIT_ENV } from './auth-api-email-code-limit';
import { ApiDefinition, RouteDefinition, iamActionsOf, routeKey } from './route-definition';
import { PoolPasswordPolicy, passwordPolicyEnv } from './user-pool-definition';

/** Environment names the construct can fill itself. */
const PROVIDED_ENV = ['COGNITO_USER_POOL_ID', 'COGNITO_APP_CLIENT_ID', 'COGNITO_APP_CLIENT_SECRET_ARN', 'CORS_ORIGIN', 'TOTP_ISSUER', 'REQUEST_DEADLINE_MS', 'PASSWORD_POLICY', 'SESSION_COOKIE', 'SESSION_COOKIE_MAX_AGE', 'PASSKEY_RP_ID', 'PASSKEY_USER_VERIFICATION', 'FIRST_AUTH_FACTORS', 'SIGN_UP_EMAIL_DOMAINS', EMAIL_CODE_LIMIT_ENV, 'FEDERATION'];

/**
 * The one deadline every request of a function gets (`REQUEST_DEADLINE_MS`), derived from the
 * function timeout: 1 s less, or a fifth less for timeouts under 5 s. The margin leaves time to
 * send the JSON 503 before Lambda stops the function, so callers never see the platform's error.
 */
export function requestDeadlineMs(timeout: Duration): number {
  const ms = timeout.toMilliseconds();
  return ms - Math.min(1000, Math.floor(ms / 5));
}

/** Where the environment values the construct provides come from. */
export interface ProvidedEnvironment {
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly clientSecret: secretsmanager.ISecret;
  readonly corsOrigins: string[];
  readonly totpIssuer: string;
  readonly timeout: Duration;
  readonly passwordPolicy: PoolPasswordPolicy;
  /** The browser session mode's SESSION_COOKIE and SESSION_COOKIE_MAX_AGE (auth-api-session-cookie.ts). */
  readonly sessionCookie: { readonly SESSION_COOKIE: string; readonly SESSION_COOKIE_MAX_AGE: string };
  /** The pool's passkey relying-party id and user verification (`PASSKEY_RP_ID`, `PASSKEY_USER_VERIFICATION`). */
  readonly passkeyRelyingPartyId: string;
  readonly passkeyUserVerification: string;
  /** The first factors the pool offers (`FIRST_AUTH_FACTORS`, comma-separated). */
  readonly firstAuthFactors: readonly string[];
  /** The sign-up allow-list of email domains (`SIGN_UP_EMAIL_DOMAINS`, comma-separated; empty: every domain). */
  readonly signUpEmailDomains?: string[];
  /** The counter of emailed sign-in codes (`EMAIL_CODE_LIMIT_TABLE`), when the pool offers EMAIL_OTP; else the name is empty. */
  readonly emailCodeLimitTable?: dynamodb.ITable;
  /** The `environment` prop: values for the names the construct does not provide. */
  readonly environment?: { readonly [name: string]: string };
  /** FEDERATION (JSON, auth-api-federation.ts) when federated sign-in is configured; else empty (the routes answer 404). */
  readonly federation?: string;
  /** AUTH_APPS (JSON) when apps have their own clients; every function that lists COGNITO_APP_CLIENT_ID gets it. */
  readonly authApps?: string;
}

/** Every environment value a function may get, by name; fails synth when a route lists a name nobody provides. */
export function routeEnvironmentValues(definition: ApiDefinition, p: ProvidedEnvironment): { [name: string]: string } {
  const envValues: { [name: string]: string } = {
    COGNITO_USER_POOL_ID: p.userPool.userPoolId,
    COGNITO_APP_CLIENT_ID: p.userPoolClient.userPoolClientId,
    COGNITO_APP_CLIENT_SECRET_ARN: p.clientSecret.secretArn,
    CORS_ORIGIN: p.corsOrigins.join(','),
    TOTP_ISSUER: p.totpIssuer,
    REQUEST_DEADLINE_MS: String(requestDeadlineMs(p.timeout)),
    PASSWORD_POLICY: passwordPolicyEnv(p.passwordPolicy),
    ...p.sessionCookie,
    PASSKEY_RP_ID: p.passkeyRelyingPartyId,
    PASSKEY_USER_VERIFICATION: p.passkeyUserVerification,
    FIRST_AUTH_FACTORS: p.firstAuthFactors.join(','),
    SIGN_UP_EMAIL_DOMAINS: (p.signUpEmailDomains ?? []).join(','),
    [EMAIL_CODE_LIMIT_ENV]: p.emailCodeLimitTable?.tableName ?? '',
    FEDERATION: p.federation ?? '',
    ...(p.environment ?? {}),
    ...(p.authApps === undefined ? {} : { AUTH_APPS: p.authApps }),
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
  return envValues;
}

/** What every route function shares. */
export interface RouteFunctionOptions {
  readonly code: IBoundAuthApiCode;
  /** From routeEnvironmentValues; each function gets the names its route lists. */
  readonly envValues: { [name: string]: string };
  readonly userPool: cognito.IUserPool;
  readonly clientSecret: secretsmanager.ISecret;
  /** The other apps' client secrets: read, as the API's own, by the functions whose route lists COGNITO_APP_CLIENT_SECRET_ARN. */
  readonly appClientSecrets?: secretsmanager.ISecret[];
  /** The front door's origin-verify secret, when it is on (every function reads it). */
  readonly originVerifySecret?: secretsmanager.ISecret;
  /** The counter of emailed sign-in codes, when there is one: the routes that list EMAIL_CODE_LIMIT_TABLE update it. */
  readonly emailCodeLimitTable?: dynamodb.ITable;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly retention: logs.RetentionDays;
}

/** One route's function with its role and log group. */
export interface RouteFunction {
  readonly function: lambda.IFunction;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
}

/** The log group, role (exactly the route's declared Cognito actions and secrets) and function of route `r`, in `scope`. */
export function addRouteFunction(scope: Construct, r: RouteDefinition, o: RouteFunctionOptions): RouteFunction {
  const logGroup = new logs.LogGroup(scope, `${r.name}Logs`, { retention: o.retention, removalPolicy: RemovalPolicy.DESTROY });
  const statements: iam.PolicyStatement[] = [
    new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
  ];
  // Exactly the route's declared actions. Some are operations Cognito authorizes by token or client secret and
  // evaluates no IAM for (GlobalSignOut, RevokeToken, GetTokensFromRefreshToken of the refresh route: "you can't grant
  // IAM permissions in policies", https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html);
  // granting them is harmless and keeps one rule. With refresh-token rotation the refresh route declares only
  // GetTokensFromRefreshToken (REFRESH_TOKEN_AUTH through AdminInitiateAuth is refused by a rotating client,
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html),
  // so its role no longer holds AdminInitiateAuth. The WebAuthn operations have no IAM action at all (cfn-lint
  // W3037), so they are left out (iamActionsOf, route-definition.ts).
  if (iamActionsOf(r).length > 0) {
    statements.push(new iam.PolicyStatement({
      actions: iamActionsOf(r),
      resources: [o.userPool.userPoolArn],
    }));
  }
  const secretArns: string[] = [];
  if (r.env.includes('COGNITO_APP_CLIENT_SECRET_ARN')) secretArns.push(o.clientSecret.secretArn, ...(o.appClientSecrets ?? []).map((s) => s.secretArn));
  if (o.originVerifySecret) secretArns.push(o.originVerifySecret.secretArn);
  if (secretArns.length > 0) {
    statements.push(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }));
  }
  // The counter of emailed sign-in codes: one UpdateItem per code (lambda/auth-api/src/email_code_limit.rs), nothing else.
  if (o.emailCodeLimitTable && r.env.includes(EMAIL_CODE_LIMIT_ENV)) {
    statements.push(new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [o.emailCodeLimitTable.tableArn] }));
  }
  const role = new iam.Role(scope, `${r.name}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Auth API ${routeKey(r)}: exactly its declared Cognito actions`,
    inlinePolicies: { Route: new iam.PolicyDocument({ statements }) },
  });

  const environment: { [k: string]: string } = {};
  for (const name of r.env) if (name !== 'ORIGIN_VERIFY_SECRET_ARN') environment[name] = o.envValues[name];
  if (o.originVerifySecret) environment.ORIGIN_VERIFY_SECRET_ARN = o.originVerifySecret.secretArn;
  // The apps and their clients travel with the client id (apps.rs), like the origin-verify secret with the front door.
  if (o.envValues.AUTH_APPS !== undefined && r.env.includes('COGNITO_APP_CLIENT_ID')) environment.AUTH_APPS = o.envValues.AUTH_APPS;

  const fn = addBootstrapFunction(scope, `${r.name}Function`, o.code, {
    memorySize: o.memorySize,
    timeout: o.timeout,
    role,
    logGroup,
    environment,
    description: `Auth API ${routeKey(r)}: ${r.summary}`,
  });
  return { function: fn, role, logGroup };
}

/** What differs between the functions running the bootstrap binary (a route's or a trigger's). */
export interface BootstrapFunctionOptions {
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  readonly environment: { [name: string]: string };
  readonly description: string;
}

/** One function on the bootstrap asset: JSON logs into its own log group, and tagged with the build it runs. */
export function addBootstrapFunction(scope: Construct, id: string, code: IBoundAuthApiCode, o: BootstrapFunctionOptions): lambda.Function {
  const fn = code.createFunction(scope, id, {
    memorySize: o.memorySize,
    timeout: o.timeout,
    role: o.role,
    logGroup: o.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    environment: o.environment,
    description: o.description.slice(0, 256),
  });
  // Which build each function runs (tag values: up to 256 of letters, digits, space and _ . : / = + - @;
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-tag.html).
  Tags.of(fn).add('cognito-auth-api:version', code.version);
  if (code.sha256) Tags.of(fn).add('cognito-auth-api:artifact-sha256', code.sha256);
  return fn;
}
