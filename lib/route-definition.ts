import * as fs from 'fs';
import * as path from 'path';

/** Per-route API Gateway throttle, as declared in `cdk/routes.json`. */
export interface RouteThrottle {
  /** Steady-state requests per second for this route (stage-wide, all callers together). */
  readonly rateLimit: number;
  /** Burst bucket size for this route. */
  readonly burstLimit: number;
}

/**
 * Cognito operations that no IAM policy can grant: "Amazon Cognito doesn't evaluate Identity and Access Management (IAM)
 * policies in requests for this API operation ... you can't grant IAM permissions in policies"; the caller's access
 * token authorizes them (e.g. https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html,
 * .../API_CompleteWebAuthnRegistration.html, .../API_ListWebAuthnCredentials.html, .../API_DeleteWebAuthnCredential.html),
 * and IAM has no such actions (cfn-lint W3037). Routes still declare them (the declared-actions guard and the
 * quota table use the list); the functions' roles leave them out.
 */
export const TOKEN_ONLY_COGNITO_ACTIONS: readonly string[] = [
  'StartWebAuthnRegistration', 'CompleteWebAuthnRegistration', 'ListWebAuthnCredentials', 'DeleteWebAuthnCredential',
];

/** The IAM actions a route's function needs: its declared Cognito actions less the token-only ones. */
export function iamActionsOf(r: Pick<RouteDefinition, 'cognitoActions'>): string[] {
  return r.cognitoActions.filter((a) => !TOKEN_ONLY_COGNITO_ACTIONS.includes(a)).map((a) => `cognito-idp:${a}`);
}

/** One route of the auth API, as declared in `cdk/routes.json`. */
export interface RouteDefinition {
  /** Stable identifier (used in construct ids and function names). */
  readonly name: string;
  /** HTTP method (`GET`, `POST`, ...). */
  readonly method: string;
  /** Path (`/auth/login`). */
  readonly path: string;
  /** Whether API Gateway must check a Cognito access token (JWT authorizer) before invoking. */
  readonly bearerToken: boolean;
  /** Cognito API names the handler calls; IAM action = `cognito-idp:<name>`. */
  readonly cognitoActions: string[];
  /** Environment variable names the handler reads. */
  readonly env: string[];
  /** Default API Gateway throttle for this route. */
  readonly throttle: RouteThrottle;
  /** One-line description. */
  readonly summary: string;
}

/** The whole route definition file. */
export interface ApiDefinition {
  readonly routes: RouteDefinition[];
}

/** Where the shared definition lives in this repository. */
export const DEFAULT_ROUTES_FILE = path.join(__dirname, '..', 'cdk', 'routes.json');

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/** The API Gateway v2 route key of a route: `"POST /auth/login"`. */
export function routeKey(route: RouteDefinition): string {
  return `${route.method} ${route.path}`;
}

/**
 * Check a parsed definition and return it typed. Throws with the offending route and field named,
 * so a bad edit of `cdk/routes.json` fails at synth, not at deploy.
 */
export function parseApiDefinition(raw: unknown, source = 'route definition'): ApiDefinition {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as any).routes)) {
    fail('expected an object with a "routes" array');
  }
  const routes = (raw as any).routes as any[];
  if (routes.length === 0) fail('"routes" is empty: declare at least one route');
  const names = new Set<string>();
  const keys = new Set<string>();
  const parsed = routes.map((r, i): RouteDefinition => {
    const where = `routes[${i}]${r && typeof r.name === 'string' ? ` (${r.name})` : ''}`;
    if (typeof r !== 'object' || r === null) fail(`${where} is not an object`);
    if (typeof r.name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(r.name)) {
      fail(`${where}.name must be an alphanumeric identifier starting with a letter (it names CDK constructs)`);
    }
    if (names.has(r.name)) fail(`${where}.name "${r.name}" is declared twice; route names must be unique`);
    names.add(r.name);
    if (typeof r.method !== 'string' || !METHODS.has(r.method)) {
      fail(`${where}.method must be one of ${[...METHODS].join(', ')}`);
    }
    if (typeof r.path !== 'string' || !/^\/[A-Za-z0-9_\-./{}+]*$/.test(r.path)) {
      fail(`${where}.path must start with "/" and contain only URL path characters`);
    }
    const key = `${r.method} ${r.path}`;
    if (keys.has(key)) fail(`${where}: route key "${key}" is declared twice`);
    keys.add(key);
    if (typeof r.bearerToken !== 'boolean') fail(`${where}.bearerToken must be true or false`);
    const isNameList = (v: unknown, re: RegExp) => Array.isArray(v) && v.every((x) => typeof x === 'string' && re.test(x));
    if (!isNameList(r.cognitoActions, /^[A-Z][A-Za-z]+$/)) {
      fail(`${where}.cognitoActions must be a list of Cognito API names such as "SignUp" (no "cognito-idp:" prefix, no wildcards)`);
    }
    if (new Set(r.cognitoActions).size !== r.cognitoActions.length) fail(`${where}.cognitoActions lists an action twice`);
    if (!isNameList(r.env, /^[A-Z][A-Z0-9_]*$/)) fail(`${where}.env must be a list of UPPER_SNAKE_CASE variable names`);
    const t = r.throttle;
    if (typeof t !== 'object' || t === null || !(t.rateLimit > 0) || !(t.burstLimit > 0) ||
        !Number.isFinite(t.rateLimit) || !Number.isInteger(t.burstLimit)) {
      fail(`${where}.throttle must be { "rateLimit": <number > 0>, "burstLimit": <integer > 0> }`);
    }
    if (typeof r.summary !== 'string' || r.summary.length === 0) fail(`${where}.summary must be a non-empty string`);
    return {
      name: r.name,
      method: r.method,
      path: r.path,
      bearerToken: r.bearerToken,
      cognitoActions: [...r.cognitoActions],
      env: [...r.env],
      throttle: { rateLimit: t.rateLimit, burstLimit: t.burstLimit },
      summary: r.summary,
    };
  });
  return { routes: parsed };
}

/** Read and check a route definition file (default: this repository's `cdk/routes.json`). */
export function loadApiDefinition(file: string = DEFAULT_ROUTES_FILE): ApiDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new Error(`cannot read route definition ${file}: ${(e as Error).message}`);
  }
  return parseApiDefinition(raw, file);
}
