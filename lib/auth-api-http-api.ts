// The HTTP API feature of CognitoAuthApi: the API with its CORS preflight, the Cognito JWT authorizer, one route
// per route of the definition (to its function), and the $default stage with its throttles and JSON access logs.
// Created in the CognitoAuthApi's own scope, so their logical IDs and construct paths are unchanged by the split.
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { POOL_ENDPOINT_ROUTES } from './cognito-quotas';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FRONT_DOOR_SAFETY_THROTTLE } from './front-door';
import { ack } from './nag';
import { ApiDefinition, RouteDefinition, RouteThrottle, routeKey } from './route-definition';

/**
 * The scope Cognito puts in every access token its API sign-in issues (and never in an ID token):
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
export const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/** Response headers a page on another origin may read: the same list as the router's (tests/cdk/stack.test.ts holds them equal). */
export const CORS_EXPOSE_HEADERS = ['retry-after', 'x-request-id'];

/** The request header naming the calling app (APP_ID_HEADER in lambda/auth-api/src/apps.rs). */
export const APP_ID_HEADER = 'x-app-id';

/**
 * The HTTP API (no default stage: addStage makes it) with CORS for exactly `corsOrigins`, and the JWT authorizer
 * for the routes that take a bearer token.
 */
export function addHttpApi(
  scope: Construct,
  definition: ApiDefinition,
  corsOrigins: string[],
  allowCredentials: boolean,
  userPool: cognito.IUserPool,
  /** Every app's client: the authorizer accepts their access tokens (the functions check which app's). */
  userPoolClients: cognito.IUserPoolClient[],
  /** Allowed request headers beyond authorization and content-type (the session cookie's CSRF header). */
  extraAllowHeaders: string[] = [],
): { httpApi: apigwv2.HttpApi; authorizer: HttpUserPoolAuthorizer } {
  const httpApi = new apigwv2.HttpApi(scope, 'HttpApi', {
    description: 'Auth API (Rust on Lambda, Amazon Cognito)',
    createDefaultStage: false,
    corsPreflight: {
      allowOrigins: corsOrigins,
      allowMethods: [...new Set(definition.routes.map((r) => r.method as apigwv2.CorsHttpMethod)), apigwv2.CorsHttpMethod.OPTIONS],
      // x-app-id: the calling app's id (lambda/auth-api/src/apps.rs), which every app's page sends.
      allowHeaders: ['authorization', 'content-type', APP_ID_HEADER, ...extraAllowHeaders],
      allowCredentials,
      // With CORS configured, API Gateway ignores the functions' CORS headers
      // (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html), so the headers a
      // browser page may read (a 429's Retry-After, X-Request-Id) are exposed here, as the router does locally
      // (CORS_EXPOSE_HEADERS in lambda/auth-api/src/http.rs).
      exposeHeaders: CORS_EXPOSE_HEADERS,
      maxAge: Duration.hours(1),
    },
  });
  const authorizer = new HttpUserPoolAuthorizer('CognitoJwt', userPool, {
    userPoolClients,
    userPoolRegion: Stack.of(scope).region,
  });
  return { httpApi, authorizer };
}

/** The API route(s) of route `r` to its function, behind the authorizer when the route takes a bearer token. */
export function addApiRoute(httpApi: apigwv2.HttpApi, authorizer: HttpUserPoolAuthorizer, r: RouteDefinition, fn: lambda.IFunction): apigwv2.HttpRoute[] {
  const integration = new HttpLambdaIntegration(`${r.name}Integration`, fn);
  const routes = httpApi.addRoutes({
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
  return routes;
}

/** What the stage needs to know. */
export interface StageOptions {
  /** The stageThrottle prop. */
  readonly stageThrottle?: RouteThrottle;
  readonly frontDoor: boolean;
  readonly retention: logs.RetentionDays;
}

/**
 * The $default stage: auto-deployed, the stage throttle, route throttles (front door off), JSON access logs in their
 * own log group (created in `scope`).
 */
export function addStage(
  scope: Construct,
  httpApi: apigwv2.HttpApi,
  routes: { readonly definition: RouteDefinition; readonly routes: apigwv2.HttpRoute[]; readonly throttle: RouteThrottle }[],
  o: StageOptions,
): { stage: apigwv2.HttpStage; accessLogGroup: logs.LogGroup } {
  const accessLogGroup = new logs.LogGroup(scope, 'AccessLogs', { retention: o.retention, removalPolicy: RemovalPolicy.DESTROY });
  const stageThrottle = o.stageThrottle ?? (o.frontDoor ? FRONT_DOOR_SAFETY_THROTTLE : { rateLimit: 100, burstLimit: 200 });
  const stage = httpApi.addStage('DefaultStage', {
    stageName: '$default',
    autoDeploy: true,
    throttle: stageThrottle,
    accessLogSettings: {
      destination: new apigwv2.LogGroupLogDestination(accessLogGroup),
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
  const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
  const routeSettings: { [key: string]: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number } } = {};
  for (const r of routes) {
    // Without the front door the route throttles hold the quota budgets; with it, the WAF's quota rules do, since
    // direct calls to execute-api would use up these shared buckets too (only the stage's safety limit stays).
    // Exception: the routes that call the pool's token endpoint (POOL_ENDPOINT_ROUTES) keep theirs, since the web ACL
    // has no room for another quota rule (cognito-quotas.ts); a flood of direct calls then blocks only federated sign-in.
    if (!o.frontDoor || r.definition.name in POOL_ENDPOINT_ROUTES) {
      routeSettings[routeKey(r.definition)] = { ThrottlingRateLimit: r.throttle.rateLimit, ThrottlingBurstLimit: r.throttle.burstLimit };
    }
    // Route settings name routes by key: the routes must exist before the stage refers to them.
    for (const route of r.routes) cfnStage.node.addDependency(route);
  }
  if (Object.keys(routeSettings).length > 0) cfnStage.routeSettings = routeSettings;
  return { stage, accessLogGroup };
}

/** The corsOrigins prop checked: exact origins only (the functions compare the Origin header with this list). */
export function validateCorsOrigins(origins: string[] | undefined, allowCredentials: boolean): string[] {
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
          (allowCredentials ? ' (a wildcard together with corsAllowCredentials or sessionCookie would let any site make credentialed calls)' : '') +
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
