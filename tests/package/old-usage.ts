// TypeScript usage of the construct library as version 0.1.0 offered it, before the jsii build: tests/package/check.js
// compiles it against the package's .d.ts (skipLibCheck off), so that what TypeScript users wrote keeps compiling. Each
// line touches a declaration that the jsii build changed (renamed, given named types) or that only TypeScript has (free
// functions, constants, type aliases, string-literal unions, function parameters). Compiled, not run.
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  ACCESS_TOKEN_SCOPE, ARTIFACT_DIR, ApiDefinition, ArtifactManifest, AuthApiCode, AuthApiWebAcl, BoundAuthApiCode, COGNITO_QUOTA_CATEGORY_ACTIONS,
  CognitoAuthApi, DEFAULT_COGNITO_QUOTAS, DEFAULT_MANIFEST_PATH, DEFAULT_ROUTES_FILE, DEFAULT_SENSITIVE_PATHS, DEFAULT_USER_POOL_FILE,
  EMAIL_OR_SECRET_ACTIONS, FRONT_DOOR_SAFETY_THROTTLE, MANAGED_RULE_GROUPS, ORIGIN_VERIFY_HEADER, QUOTA_RULE_WINDOW_SECONDS,
  TOKEN_ONLY_COGNITO_ACTIONS, UserPoolDefinition, VIEWER_IP_FUNCTION_FILE, VIEWER_IP_HEADER, iamActionsOf, loadApiDefinition,
  loadUserPoolDefinition, parseApiDefinition, parseUserPoolDefinition, passwordPolicyEnv, quotaCategoryOf, quotaRateRules, quotaUsage,
  requestDeadlineMs, routeKey, sensitivePathsOf,
} from 'cognito-auth-api';

// A code source of one's own, typed with the interface's 0.1.0 name (now IBoundAuthApiCode).
class ZipCode extends AuthApiCode {
  constructor(private readonly zip: string) {
    super();
  }
  public bind(_definition: ApiDefinition, architecture: lambda.Architecture): BoundAuthApiCode {
    const code = lambda.Code.fromAsset(this.zip);
    return {
      version: 'zip',
      createFunction: (scope: Construct, id: string, options: lambda.FunctionOptions) =>
        new lambda.Function(scope, id, { ...options, architecture, runtime: lambda.Runtime.PROVIDED_AL2023, handler: 'bootstrap', code }),
    };
  }
}

// The pool definition: string-literal unions, nested objects written inline, a readonly view of the factor list.
const file: UserPoolDefinition = loadUserPoolDefinition(DEFAULT_USER_POOL_FILE);
const pool: UserPoolDefinition = {
  ...file,
  mfa: 'REQUIRED',
  mfaSecondFactor: { otp: true, sms: false },
  tokenValidity: { ...file.tokenValidity, accessTokenMinutes: 15 },
  refreshTokenRotation: { retryGracePeriodSeconds: 0 },
  allowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'],
  passkeys: { relyingPartyId: 'example.org', userVerification: 'required' },
};
const mfa: 'OFF' | 'OPTIONAL' | 'REQUIRED' = pool.mfa;
const factors: readonly ('PASSWORD' | 'EMAIL_OTP' | 'WEB_AUTHN')[] = pool.allowedFirstAuthFactors;
const cognitoMfa = { OFF: 'OFF', OPTIONAL: 'OPTIONAL', REQUIRED: 'ON' }[pool.mfa];
const checked: UserPoolDefinition = parseUserPoolDefinition(JSON.parse(JSON.stringify(pool)), 'my pool');

// The route definition and the functions over it.
const definition: ApiDefinition = parseApiDefinition(loadApiDefinition(DEFAULT_ROUTES_FILE), 'my routes');
const keys: string[] = definition.routes.map(routeKey);
const actions: string[] = definition.routes.flatMap(iamActionsOf);
const tokenOnly: readonly string[] = TOKEN_ONLY_COGNITO_ACTIONS;
const policyEnv: string = passwordPolicyEnv(pool.passwordPolicy);

// Quotas with a throttle function, and the constants.
const slowLogin = (r: { name: string; throttle: { rateLimit: number; burstLimit: number } }) => (r.name === 'login' ? { rateLimit: 10, burstLimit: 20 } : r.throttle);
const usage = quotaUsage(definition.routes, DEFAULT_COGNITO_QUOTAS, slowLogin);
const rules = quotaRateRules(definition.routes, { ...DEFAULT_COGNITO_QUOTAS, UserAuthentication: 200 }, slowLogin);
const category: string | undefined = quotaCategoryOf('AdminInitiateAuth');
const categories: { readonly [category: string]: readonly string[] } = COGNITO_QUOTA_CATEGORY_ACTIONS;
const names: string[] = [ACCESS_TOKEN_SCOPE, ARTIFACT_DIR, DEFAULT_MANIFEST_PATH, ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER, VIEWER_IP_FUNCTION_FILE,
  ...DEFAULT_SENSITIVE_PATHS, ...sensitivePathsOf(definition), ...MANAGED_RULE_GROUPS, ...EMAIL_OR_SECRET_ACTIONS];
const numbers: number[] = [QUOTA_RULE_WINDOW_SECONDS, FRONT_DOOR_SAFETY_THROTTLE.rateLimit, requestDeadlineMs(Duration.seconds(10))];

// The manifest's nested entries, read as before.
const manifest: ArtifactManifest = JSON.parse('{"packageName":"p","packageVersion":"0","artifacts":{},"definitionFiles":{}}');
const zipFile: string | undefined = manifest.artifacts.x86_64?.file;
const zipBytes: number | undefined = manifest.artifacts.x86_64?.bytes;

const app = new App();
const stack = new Stack(app, 'OldUsage', { env: { account: '111122223333', region: 'eu-west-1' } });
new AuthApiWebAcl(stack, 'PoolAcl', { scope: 'REGIONAL' });
const auth = new CognitoAuthApi(stack, 'Auth', {
  corsOrigins: ['https://app.example.org'],
  frontDoor: false,
  userPoolDefinition: checked,
  apiDefinition: definition,
  code: new ZipCode('bootstrap.zip'),
});
const fn: lambda.IFunction = auth.routes[0].function;

export const used = [mfa, factors, cognitoMfa, keys, actions, tokenOnly, policyEnv, usage, rules, category, categories, names, numbers, zipFile, zipBytes, fn];
