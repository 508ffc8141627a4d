import { App, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ThreatProtection } from './cognito-auth-api';
import { AuthApiCode } from './function-code';
import { CognitoAuthApiStack } from './cognito-auth-api-stack';
import { AuthApiWebAclStack } from './web-acl';
import { loadAppsDefinition } from './apps-definition';
import { UserMigrationOptions } from './trigger-definition';

/** Context keys the app reads (`npx cdk deploy -c key=value`, or `context` in cdk.json). */
export const CONTEXT_KEYS = {
  stackName: 'Name of the main stack (default CognitoAuthApi); the WAF stack is <name>-Waf',
  region: 'Region of the API (default: CDK_DEFAULT_REGION from the AWS CLI profile, else us-east-1)',
  corsOrigins: 'Comma list of exact frontend origins (default http://localhost:5173)',
  passkeyRelyingPartyId: 'Passkey relying-party id: the frontend\'s registrable domain (default: from corsOrigins)',
  frontDoor: 'true|false: CloudFront + WAF in front of the API (default true)',
  webAclArn: 'ARN of an existing CLOUDFRONT-scope web ACL; no WAF stack is created',
  threatProtection: 'OFF|AUDIT|ENFORCED: Cognito threat protection (default OFF)',
  removalPolicy: 'retain|destroy: what `cdk destroy` does to the user pool (default retain)',
  alarmTopicArn: 'ARN of an existing SNS topic for alarm notifications (default none)',
  totpIssuer: 'Issuer label in TOTP otpauth URIs (default AuthApi)',
  sesFromEmail: 'SES verified sender address for the pool\'s email (default: Cognito\'s default sender, for testing only)',
  sesRegion: 'Region of that SES identity (default: the API\'s region)',
  sesConfigurationSet: 'SES configuration set for the pool\'s email (optional)',
  originVerifyVersionId: 'Secrets Manager version id of the origin-verify value CloudFront sends (step 3 of a rotation)',
  domainName: 'Custom domain of the front door (needs certificateArn)',
  certificateArn: 'ACM certificate (us-east-1) for domainName',
  refreshTokenRotationGracePeriodSeconds: 'Seconds a rotated-out refresh token keeps working, 0-60 (default: cdk/user-pool.json, 10)',
  accessTokenValidityMinutes: 'Access token lifetime in whole minutes, 5-1440 (default: cdk/user-pool.json, 60); shorter narrows what a stolen access token can do',
  passkeyUserVerification: 'required|preferred: whether passkey sign-in needs user verification, not only presence (default required)',
  appsFile: 'Path of an apps definition (the format of cdk/apps.json): resource servers and machine clients per app (default: none)',
  sessionCookie: 'true|false: browser session mode, the refresh token in an HttpOnly cookie (default false; the app must be on the API\'s site: see domainName)',
  signUpEmailDomains: 'Comma list of the email domains whose addresses may sign up; turns on the pre sign-up trigger (default: every domain, no trigger)',
  tokenClaims: 'JSON of the tokenClaims prop (roles claim from groups, added scopes, per-app rules); turns on the pre token generation trigger (default: none)',
  legacyAuthUrl: 'https:// URL of a legacy authentication endpoint; with legacyAuthSecretArn turns on the user migration trigger (default: none)',
  legacyAuthSecretArn: 'Secrets Manager ARN (complete) of the secret the user migration trigger signs its requests to legacyAuthUrl with',
  federation: 'JSON of the federation prop (pool domain, identity providers with clientSecretArn, returnUrls): federated sign-in through the API (docs/federation.md; default: none)',
  legacyAuthTimeoutMs: 'How long the user migration trigger waits for legacyAuthUrl, 100-3000 ms (default 2000)',
  customMessages: 'JSON of the customMessages prop ({"productName", "signInUrl", "supportUrl"}); turns on the custom message trigger (branded emails; needs sesFromEmail) (default: none)',
};

export interface AuthApiAppStacks {
  readonly api: CognitoAuthApiStack;
  /** The us-east-1 companion stack holding the CloudFront web ACL, when one is needed. */
  readonly waf?: AuthApiWebAclStack;
}

function ctx(app: App, key: keyof typeof CONTEXT_KEYS): string | undefined {
  const v = app.node.tryGetContext(key);
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

/** A context value that is JSON: an object in cdk.json, or its text with `-c key='{...}'`. */
function jsonContext(app: App, key: keyof typeof CONTEXT_KEYS): any {
  const v = app.node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch (e) {
    throw new Error(`context ${key} must be JSON (got ${JSON.stringify(v.slice(0, 80))}): ${(e as Error).message}`);
  }
}

/** The userMigration prop from its context keys: both of url and secret ARN, or neither. */
function userMigrationFromContext(url: string | undefined, secretArn: string | undefined, timeoutMs: string | undefined): UserMigrationOptions | undefined {
  if (url === undefined && secretArn === undefined) {
    if (timeoutMs !== undefined) throw new Error('Context key legacyAuthTimeoutMs needs legacyAuthUrl and legacyAuthSecretArn.');
    return undefined;
  }
  if (url === undefined || secretArn === undefined) {
    throw new Error('Context keys legacyAuthUrl and legacyAuthSecretArn turn on the user migration trigger together: set both, or neither.');
  }
  if (timeoutMs !== undefined && !/^\d+$/.test(timeoutMs)) throw new Error(`Context key legacyAuthTimeoutMs must be whole milliseconds (got "${timeoutMs}").`);
  return { url, secretCompleteArn: secretArn, timeout: timeoutMs === undefined ? undefined : Duration.millis(Number(timeoutMs)) };
}

function bool(value: string | undefined, key: string, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`context ${key} must be true or false (got "${value}")`);
}

/**
 * Build the app's stacks from context. When the front door is on, no webAclArn is given and the API is
 * not in us-east-1, a small companion stack in us-east-1 holds the CLOUDFRONT-scope web ACL and the two
 * stacks share its ARN through cross-region references.
 */
export function buildAuthApiApp(app: App, options: { nag?: boolean } = {}): AuthApiAppStacks {
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stackName = ctx(app, 'stackName') ?? 'CognitoAuthApi';
  const region = ctx(app, 'region') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const frontDoor = bool(ctx(app, 'frontDoor'), 'frontDoor', true);
  let webAclArn = ctx(app, 'webAclArn');
  const threat = ctx(app, 'threatProtection');
  if (threat !== undefined && !(threat in ThreatProtection)) {
    throw new Error(`context threatProtection must be OFF, AUDIT or ENFORCED (got "${threat}")`);
  }
  const removal = ctx(app, 'removalPolicy');
  if (removal !== undefined && removal !== 'retain' && removal !== 'destroy') {
    throw new Error(`context removalPolicy must be retain or destroy (got "${removal}")`);
  }

  const grace = ctx(app, 'refreshTokenRotationGracePeriodSeconds');
  if (grace !== undefined && !/^([0-9]|[1-5][0-9]|60)$/.test(grace)) {
    throw new Error(`context refreshTokenRotationGracePeriodSeconds must be a whole number of seconds from 0 to 60 (got "${grace}")`);
  }

  const accessMinutes = ctx(app, 'accessTokenValidityMinutes');
  if (accessMinutes !== undefined && !/^[0-9]{1,4}$/.test(accessMinutes)) {
    throw new Error(`context accessTokenValidityMinutes must be a whole number of minutes from 5 to 1440 (got "${accessMinutes}")`);
  }
  const uv = ctx(app, 'passkeyUserVerification');
  if (uv !== undefined && uv !== 'required' && uv !== 'preferred') {
    throw new Error(`context passkeyUserVerification must be required or preferred (got "${uv}")`);
  }

  const sesFromEmail = ctx(app, 'sesFromEmail');
  if (!sesFromEmail && (ctx(app, 'sesRegion') || ctx(app, 'sesConfigurationSet'))) {
    throw new Error('context sesRegion and sesConfigurationSet need sesFromEmail (the SES verified sender address)');
  }
  const email = sesFromEmail
    ? cognito.UserPoolEmail.withSES({ fromEmail: sesFromEmail, sesRegion: ctx(app, 'sesRegion') ?? region, configurationSetName: ctx(app, 'sesConfigurationSet') })
    : undefined;

  let waf: AuthApiWebAclStack | undefined;
  const crossRegion = frontDoor && !webAclArn && region !== 'us-east-1';
  if (crossRegion) {
    waf = new AuthApiWebAclStack(app, `${stackName}-Waf`, {
      env: { account, region: 'us-east-1' },
      crossRegionReferences: true,
      description: `CloudFront web ACL of ${stackName} (CLOUDFRONT-scope web ACLs live in us-east-1)`,
    });
    webAclArn = waf.webAclArn;
  }
  const api = new CognitoAuthApiStack(app, stackName, {
    env: { account, region },
    crossRegionReferences: crossRegion,
    description: 'Serverless auth API: Rust Lambda functions in front of Amazon Cognito',
    corsOrigins: (ctx(app, 'corsOrigins') ?? 'http://localhost:5173').split(',').map((s) => s.trim()),
    passkeyRelyingPartyId: ctx(app, 'passkeyRelyingPartyId'),
    frontDoor,
    webAclArn: frontDoor ? webAclArn : undefined,
    threatProtection: threat as ThreatProtection | undefined,
    removalPolicy: removal === 'destroy' ? RemovalPolicy.DESTROY : undefined,
    totpIssuer: ctx(app, 'totpIssuer'),
    alarmTopicArn: ctx(app, 'alarmTopicArn'),
    email,
    originVerifyVersionId: frontDoor ? ctx(app, 'originVerifyVersionId') : undefined,
    domainName: ctx(app, 'domainName'),
    certificateArn: ctx(app, 'certificateArn'),
    refreshTokenRotationGracePeriod: grace === undefined ? undefined : Duration.seconds(Number(grace)),
    accessTokenValidity: accessMinutes === undefined ? undefined : Duration.minutes(Number(accessMinutes)),
    passkeyUserVerification: uv as cognito.PasskeyUserVerification | undefined,
    sessionCookie: bool(ctx(app, 'sessionCookie'), 'sessionCookie', false),
    apps: ctx(app, 'appsFile') === undefined ? undefined : loadAppsDefinition(ctx(app, 'appsFile')).apps,
    signUpEmailDomains: ctx(app, 'signUpEmailDomains')?.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    tokenClaims: jsonContext(app, 'tokenClaims'),
    customMessages: jsonContext(app, 'customMessages'),
    federation: jsonContext(app, 'federation'),
    userMigration: userMigrationFromContext(ctx(app, 'legacyAuthUrl'), ctx(app, 'legacyAuthSecretArn'), ctx(app, 'legacyAuthTimeoutMs')),
    // This repository's app builds the Lambda code from its Rust source (the npm package ships it prebuilt).
    code: AuthApiCode.fromSource(),
  });
  return { api, waf };
}
