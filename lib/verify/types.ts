// The vocabulary of `cognito-auth-api verify`: what a deployment looks like to the checks, what a check is, and
// what it answers. No AWS SDK and no CDK here, so the test that holds the checks to the construct's routes and WAF
// rules (tests/verify/coverage.test.ts) can load every check without a network.

/** The groups of the first-deploy checklist, in the order an operator works through them. */
export const GROUPS = [
  'Build, package and the first requests',
  'Front door and network',
  'Sign-in, challenges and tokens',
  'Account flows and email',
  'Passkeys and email codes',
  'Federated sign-in',
  'Apps and machine clients',
  'Cognito triggers',
] as const;
export type Group = (typeof GROUPS)[number];

export type Status = 'PASS' | 'FAIL' | 'SKIPPED';

/** A check's answer: its status and what it saw (never a password, token, code or secret). */
export interface Outcome {
  readonly status: Status;
  /** What the check saw (PASS, FAIL) or why it did not run (SKIPPED). */
  readonly evidence: string[];
}

/** One route of the deployed API, as the deployed template wires it. */
export interface DeployedRoute {
  /** `POST /auth/login`. */
  readonly key: string;
  /** The route's name in the package's cdk/routes.json, when the key is there. */
  readonly name?: string;
  readonly functionLogicalId?: string;
  /** The function's log group (physical name), where its audit lines and REPORT lines go. */
  readonly logGroupName?: string;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  /** The function's environment as deployed (values that are references are resolved to physical ids). */
  readonly env: { readonly [name: string]: string };
  readonly tags: { readonly [key: string]: string };
  readonly systemLogLevel?: string;
  readonly authorizationScopes?: string[];
}

export interface Throttle {
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

/** Where a web ACL is, for WAFv2 GetWebACL. */
export interface WebAclRef {
  readonly name: string;
  readonly id: string;
  readonly scope: 'CLOUDFRONT' | 'REGIONAL';
  readonly arn?: string;
}

/** What the checks know about the deployment under test: from the stack (outputs, template, resources) or from `make dev`. */
export interface Deployment {
  readonly source: 'stack' | 'local';
  readonly stackName?: string;
  readonly region: string;
  /** Base URL frontends call, without a trailing slash. */
  readonly apiUrl: string;
  /** The HTTP API's own execute-api URL (only interesting with the front door on). */
  readonly executeApiUrl?: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly version?: string;
  readonly frontDoor: boolean;
  readonly sessionCookie: boolean;
  readonly corsOrigins: string[];
  readonly passkeyRelyingPartyId?: string;
  /** The pool's passkey user verification, `required` or `preferred` (the functions' PASSKEY_USER_VERIFICATION). */
  readonly passkeyUserVerification?: string;
  /** The app client's access token lifetime in seconds (the login's expiresIn). */
  readonly accessTokenSeconds?: number;
  /** Refresh-token rotation grace period of the app client (seconds). */
  readonly refreshGraceSeconds?: number;
  /** Deployed routes by route key. */
  readonly routes: { readonly [key: string]: DeployedRoute };
  /** The stage's default route throttle and its per-route settings, as deployed. */
  readonly stage?: { readonly defaultThrottle?: Throttle; readonly routeSettings: { readonly [key: string]: Throttle } };
  /** Namespace of the FailedLogins and RefreshTokenReuse metrics (the metric filters' own). */
  readonly metricNamespace?: string;
  /** The front door distribution's IsIPV6Enabled. */
  readonly ipv6Enabled?: boolean;
  readonly webAcl?: WebAclRef;
  /** The web ACL's region (us-east-1 for CLOUDFRONT scope). */
  readonly webAclRegion?: string;
  /** ApiUrl was given on the command line (--api-url, --local): it may not be the stack's distribution. */
  readonly apiUrlOverridden: boolean;
  /** CloudWatch Logs and metrics can be read (false for `--local`). */
  readonly cloudWatch: boolean;
}

/** What only a person (or a real account over time) can confirm: printed after the table, kept in the docs. */
export interface ManualItem {
  readonly id: string;
  readonly group: Group;
  readonly text: string;
  /** Why the command cannot check it. */
  readonly why: string;
}
