// The tokenClaims prop: what the pre token generation trigger (lambda/auth-api/src/triggers/pre_token_generation.rs)
// adds to the tokens: a roles claim from group membership, scopes added to the access token, and per-app rules.
// Checked here as strictly as the function checks TOKEN_CLAIMS at start (a value it refused would fail every
// sign-in), and passed to the function as that JSON.

/** One group's rule: the roles its members get (in the roles claim) and the scopes added to their access tokens. */
export interface TokenClaimsGroupRule {
  /** The Cognito group's name. */
  readonly group: string;
  /** Roles its members get. @default - none */
  readonly roles?: string[];
  /** Scopes added to its members' access tokens. @default - none */
  readonly scopes?: string[];
}

/** The claims rules of one app (or the default). */
export interface TokenClaimsRules {
  /** The roles claim's name, in the ID and access tokens. @default 'roles' */
  readonly rolesClaim?: string;
  /** Rules per group. @default - no roles claim */
  readonly groups?: TokenClaimsGroupRule[];
  /** Scopes added to every access token. @default - none */
  readonly scopes?: string[];
  /**
   * Leave `aws.cognito.signin.user.admin` out of this app's access tokens (only in `apps.<id>`: the API's own bearer
   * routes and Cognito's self-service operations need it, so such an app's tokens work only at its own resource servers).
   * @default false
   */
  readonly dropUserAdminScope?: boolean;
}

/** The `tokenClaims` prop: the default rules (the API's own app and any client of no listed app) and rules per app id. */
export interface TokenClaims extends TokenClaimsRules {
  /** Rules that replace the default for the tokens of one app's user client (keyed by app id, as in the `apps` prop). @default - none */
  readonly apps?: { [appId: string]: TokenClaimsRules };
}

const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';
// Claims Cognito keeps for itself ("You can't add, suppress, or modify" them:
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html), and those
// the trigger changes only through the scope lists. The same list as RESERVED_CLAIMS in pre_token_generation.rs.
const RESERVED = new Set(['acr', 'amr', 'aud', 'auth_time', 'azp', 'exp', 'iat', 'identities', 'iss', 'jti', 'nbf', 'nonce', 'origin_jti', 'sub',
  'token_use', 'at_hash', 'event_id', 'scope', 'client_id', 'username', 'cognito:username']);
const CLAIM = /^[A-Za-z][A-Za-z0-9_:.-]{0,63}$/;
// RFC 6749 3.3: printable ASCII except space, '"' and '\'.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const APP_ID = /^[a-z][a-z0-9-]{0,31}$/;
const RULE_KEYS = new Set(['rolesClaim', 'groups', 'scopes', 'dropUserAdminScope']);

function checkRules(r: any, where: string, perApp: boolean): TokenClaimsRules {
  const fail = (msg: string): never => {
    throw new Error(`CognitoAuthApi: tokenClaims${where}: ${msg}`);
  };
  if (typeof r !== 'object' || r === null || Array.isArray(r)) fail('must be an object');
  for (const k of Object.keys(r)) if (!RULE_KEYS.has(k) && !(k === 'apps' && !perApp)) fail(`unknown key ${k} (it takes ${[...RULE_KEYS].join(', ')}${perApp ? '' : ', apps'})`);
  const scopes = (v: unknown, at: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v)) fail(`${at} must be a list of scopes`);
    for (const s of v as unknown[]) {
      if (typeof s !== 'string' || !SCOPE.test(s)) fail(`${at}: ${JSON.stringify(s)} is not an OAuth scope (printable ASCII, no space, quote or backslash)`);
      if (s === ADMIN_SCOPE) fail(`${at}: ${ADMIN_SCOPE} is Cognito's own; it cannot be added`);
    }
    return [...(v as string[])];
  };
  if (r.rolesClaim !== undefined) {
    if (typeof r.rolesClaim !== 'string' || !CLAIM.test(r.rolesClaim)) fail(`rolesClaim ${JSON.stringify(r.rolesClaim)} must be 1-64 letters, digits, _ : . - starting with a letter`);
    if (RESERVED.has(r.rolesClaim) || r.rolesClaim.startsWith('cognito:')) fail(`rolesClaim ${r.rolesClaim} is a claim Cognito sets itself`);
  }
  if (r.dropUserAdminScope !== undefined && typeof r.dropUserAdminScope !== 'boolean') fail('dropUserAdminScope must be true or false');
  if (r.dropUserAdminScope && !perApp) fail(`dropUserAdminScope is only for one app's tokens (apps.<id>): the API's bearer routes need ${ADMIN_SCOPE}`);
  if (r.groups !== undefined && !Array.isArray(r.groups)) fail('groups must be a list of { group, roles, scopes }');
  const seen = new Set<string>();
  const groups = ((r.groups ?? []) as any[]).map((g, i): TokenClaimsGroupRule => {
    const at = `groups[${i}]`;
    if (typeof g !== 'object' || g === null) fail(`${at} must be { group, roles, scopes }`);
    for (const k of Object.keys(g)) if (!['group', 'roles', 'scopes'].includes(k)) fail(`${at}: unknown key ${k}`);
    if (typeof g.group !== 'string' || g.group.length === 0 || g.group.length > 128 || /[\x00-\x1f\x7f]/.test(g.group)) fail(`${at}.group must be a Cognito group name (1-128 characters)`);
    if (seen.has(g.group)) fail(`group ${g.group} has two rules`);
    seen.add(g.group);
    if (g.roles !== undefined && !Array.isArray(g.roles)) fail(`${at}.roles must be a list`);
    for (const role of g.roles ?? []) {
      if (typeof role !== 'string' || role.length === 0 || role.length > 128 || /[\x00-\x1f\x7f]/.test(role)) fail(`${at}: role ${JSON.stringify(role)} must be 1-128 printable characters`);
    }
    const gs = scopes(g.scopes, `${at}.scopes`);
    if ((g.roles ?? []).length === 0 && gs.length === 0) fail(`group ${g.group} gives neither roles nor scopes`);
    return { group: g.group, roles: [...(g.roles ?? [])], scopes: gs };
  });
  return { rolesClaim: r.rolesClaim, groups, scopes: scopes(r.scopes, 'scopes'), dropUserAdminScope: r.dropUserAdminScope };
}

/**
 * The `tokenClaims` prop checked, as the function's TOKEN_CLAIMS JSON; undefined when not set. `userAppIds`: the apps
 * with their own user client (the `apps` prop's apps with origins), the only ones whose tokens `apps.<id>` can shape.
 */
export function tokenClaimsEnv(claims: TokenClaims | undefined, userAppIds: string[]): string | undefined {
  if (claims === undefined) return undefined;
  const rules = checkRules(claims, '', false);
  const apps: { [id: string]: TokenClaimsRules } = {};
  const raw = (claims as any).apps;
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    throw new Error('CognitoAuthApi: tokenClaims.apps must map app ids to rules');
  }
  for (const [id, r] of Object.entries(raw ?? {})) {
    if (!APP_ID.test(id) || id === 'default') {
      throw new Error(`CognitoAuthApi: tokenClaims.apps: ${JSON.stringify(id)} is not another app's id (the top-level rules are app default's)`);
    }
    if (!userAppIds.includes(id)) {
      throw new Error(`CognitoAuthApi: tokenClaims.apps.${id}: no app ${id} with its own user client in the apps prop (apps with origins: ${userAppIds.join(', ') || 'none'}).`);
    }
    apps[id] = checkRules(r, `.apps.${id}`, true);
  }
  return JSON.stringify({ ...rules, ...(Object.keys(apps).length > 0 ? { apps } : {}) });
}
