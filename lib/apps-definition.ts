// The apps on the pool, as data: the `apps` prop of CognitoAuthApi and the file format of `cdk/apps.json` (the
// definition `make dev` runs: the emulator creates its resource servers and machine clients from it). One checker
// (parseAppsDefinition) serves the prop, the file and the jsii languages, whose values arrive unchecked by any compiler.
import * as fs from 'fs';
import * as path from 'path';

/** One scope of a resource server: tokens carry it as `<identifier>/<name>`. */
export interface AuthApiResourceServerScope {
  /** The scope's name, e.g. `notes.read` (no `/`, no space). */
  readonly name: string;
  /** What it allows, e.g. `Read notes`. */
  readonly description: string;
}

/** An app's OAuth 2.0 resource server: the API its backend serves, and the scopes access tokens can grant to it. */
export interface AuthApiResourceServer {
  /**
   * The resource server identifier, the prefix of its scopes (`notes-api` gives `notes-api/notes.read`). Short names
   * keep tokens small; a URL (`https://api.example.com`) works too.
   */
  readonly identifier: string;
  /** A friendly name. @default - the identifier */
  readonly name?: string;
  /** Its scopes (at least one; at most 100, Cognito's quota per resource server). */
  readonly scopes: AuthApiResourceServerScope[];
}

/**
 * A machine client of an app: a backend service that gets access tokens with the OAuth 2.0 client-credentials grant
 * (no user involved), for scopes of any resource server in the apps list.
 */
export interface AuthApiMachineClient {
  /** Its id within the app: lower-case letters, digits and `-`, starting with a letter. */
  readonly id: string;
  /** A friendly name (the app client's name in Cognito). @default - `<app id>-<id>` */
  readonly name?: string;
  /** The scopes it may request, each `<resource server identifier>/<scope name>` of a resource server in the list. */
  readonly scopes: string[];
  /** Lifetime of its access tokens in minutes (5 to 1440). Longer means fewer token requests (each one billed). @default 60 */
  readonly accessTokenValidityMinutes?: number;
}

/** One app of the organisation on the pool. */
export interface AuthApiApp {
  /** The app's id: lower-case letters, digits and `-`, starting with a letter (at most 32 characters). */
  readonly id: string;
  /** A friendly name. @default - the id */
  readonly name?: string;
  /**
   * The app's exact browser origins (`scheme://host[:port]`). Listed (an empty list for an app without a browser
   * page, e.g. a mobile app), the app gets its own app client and secret for signing its users in through the API,
   * which it names with the `X-App-Id` header (docs/api.md "Which app is calling"); its origins join the CORS list.
   * @default - none: the app has no user client (a backend with a resource server and machine clients only)
   */
  readonly origins?: string[];
  /** The resource server of the app's backend, and its scopes. @default - none */
  readonly resourceServer?: AuthApiResourceServer;
  /** Machine clients of the app (client-credentials grant). @default - none */
  readonly machineClients?: AuthApiMachineClient[];
}

/** The apps definition file (`cdk/apps.json`). */
export interface AppsDefinition {
  readonly apps: AuthApiApp[];
}

/** The apps definition shipped in the package: the apps `make dev` runs (two apps, each with a resource server). */
export const DEFAULT_APPS_FILE = path.join(__dirname, '..', 'cdk', 'apps.json');

// Cognito's patterns (CreateResourceServer, ResourceServerScopeType:
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html,
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerScopeType.html):
// an identifier is 1-256 of [\x21\x23-\x5B\x5D-\x7E] (printable ASCII but space, " and \), a scope name 1-256 of
// [\x21\x23-\x2E\x30-\x5B\x5D-\x7E] (the same less /), a description 1-256 characters; at most 100 scopes per server.
const IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]{1,256}$/;
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$/;
const APP_ID = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_SCOPES_PER_SERVER = 100;

function fail(source: string, message: string): never {
  throw new Error(`${source}: ${message}`);
}

function text(v: unknown, where: string, source: string, optional = false): string | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) fail(source, `${where} must be a string of 1 to 256 characters`);
  return v;
}

function list(v: unknown, where: string, source: string, optional = false): unknown[] {
  if (v === undefined && optional) return [];
  if (!Array.isArray(v)) fail(source, `${where} must be a list`);
  return v;
}

function known(o: Record<string, unknown>, fields: string[], where: string, source: string): void {
  const extra = Object.keys(o).filter((k) => !fields.includes(k) && k !== 'description');
  if (extra.length > 0) fail(source, `${where} has unknown field(s) ${extra.join(', ')} (known: ${fields.join(', ')})`);
}

/**
 * Checks an apps list (the prop, or a parsed file's `apps`): ids, Cognito's identifier and scope patterns, unique
 * identifiers, and every machine client scope naming a scope of a resource server in the list. Throws with `source`
 * and the offending entry.
 */
export function parseApps(raw: unknown, source = 'apps'): AuthApiApp[] {
  const apps = list(raw, 'apps', source);
  const ids = new Set<string>();
  const identifiers = new Set<string>();
  const scopes = new Set<string>();
  const parsed = apps.map((a, i): AuthApiApp => {
    const where = `apps[${i}]`;
    if (typeof a !== 'object' || a === null || Array.isArray(a)) fail(source, `${where} must be an object`);
    const o = a as Record<string, unknown>;
    known(o, ['id', 'name', 'origins', 'resourceServer', 'machineClients'], where, source);
    if (typeof o.id !== 'string' || !APP_ID.test(o.id)) {
      fail(source, `${where}.id must be lower-case letters, digits and '-', starting with a letter, at most 32 characters (got ${JSON.stringify(o.id)})`);
    }
    if (ids.has(o.id)) fail(source, `${where}.id "${o.id}" is used twice`);
    // The API's own app client (corsOrigins) is the app `default` of X-App-Id.
    if (o.id === 'default') fail(source, `${where}.id "default" is the API's own app (its origins are corsOrigins): give this app another id`);
    let origins: string[] | undefined;
    if (o.origins !== undefined) {
      origins = list(o.origins, `${where} (${o.id}).origins`, source).map((x, j) => {
        const ow = `${where} (${o.id}).origins[${j}]`;
        let url: URL | undefined;
        try { url = typeof x === 'string' ? new URL(x) : undefined; } catch { url = undefined; }
        const local = url !== undefined && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
        if (url === undefined || url.origin !== x || !(url.protocol === 'https:' || (url.protocol === 'http:' && local))) {
          fail(source, `${ow} must be an exact origin scheme://host[:port] (https, or http for localhost), got ${JSON.stringify(x)}`);
        }
        return x as string;
      });
    }
    ids.add(o.id);
    let resourceServer: AuthApiResourceServer | undefined;
    if (o.resourceServer !== undefined) {
      const rw = `${where} (${o.id}).resourceServer`;
      const r = o.resourceServer as Record<string, unknown>;
      if (typeof r !== 'object' || r === null) fail(source, `${rw} must be an object`);
      known(r, ['identifier', 'name', 'scopes'], rw, source);
      if (typeof r.identifier !== 'string' || !IDENTIFIER.test(r.identifier)) {
        fail(source, `${rw}.identifier must be 1 to 256 printable ASCII characters without space, " or \\ (got ${JSON.stringify(r.identifier)})`);
      }
      if (identifiers.has(r.identifier)) fail(source, `${rw}.identifier "${r.identifier}" is used by another app`);
      identifiers.add(r.identifier);
      const ss = list(r.scopes, `${rw}.scopes`, source);
      if (ss.length === 0 || ss.length > MAX_SCOPES_PER_SERVER) fail(source, `${rw}.scopes must list 1 to ${MAX_SCOPES_PER_SERVER} scopes`);
      const names = new Set<string>();
      const serverScopes = ss.map((s, j) => {
        const sw = `${rw}.scopes[${j}]`;
        const so = s as Record<string, unknown>;
        if (typeof so !== 'object' || so === null) fail(source, `${sw} must be an object {name, description}`);
        known(so, ['name'], sw, source);
        if (typeof so.name !== 'string' || !SCOPE_NAME.test(so.name)) {
          fail(source, `${sw}.name must be 1 to 256 printable ASCII characters without space, /, " or \\ (got ${JSON.stringify(so.name)})`);
        }
        if (names.has(so.name)) fail(source, `${sw}.name "${so.name}" is listed twice`);
        names.add(so.name);
        scopes.add(`${r.identifier}/${so.name}`);
        return { name: so.name, description: text(so.description, `${sw}.description`, source)! };
      });
      resourceServer = { identifier: r.identifier as string, name: text(r.name, `${rw}.name`, source, true), scopes: serverScopes };
    }
    const mids = new Set<string>();
    const machineClients = list(o.machineClients, `${where} (${o.id}).machineClients`, source, true).map((m, j): AuthApiMachineClient => {
      const mw = `${where} (${o.id}).machineClients[${j}]`;
      const mo = m as Record<string, unknown>;
      if (typeof mo !== 'object' || mo === null) fail(source, `${mw} must be an object`);
      known(mo, ['id', 'name', 'scopes', 'accessTokenValidityMinutes'], mw, source);
      if (typeof mo.id !== 'string' || !APP_ID.test(mo.id)) fail(source, `${mw}.id must be lower-case letters, digits and '-', starting with a letter (got ${JSON.stringify(mo.id)})`);
      if (mids.has(mo.id)) fail(source, `${mw}.id "${mo.id}" is used twice in this app`);
      mids.add(mo.id);
      const ms = list(mo.scopes, `${mw}.scopes`, source);
      // The client-credentials grant "authorizes only custom scopes from resource servers"
      // (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html).
      if (ms.length === 0) fail(source, `${mw}.scopes must list at least one resource server scope (a machine client gets no other kind)`);
      for (const s of ms) if (typeof s !== 'string') fail(source, `${mw}.scopes must be strings`);
      const minutes = mo.accessTokenValidityMinutes;
      if (minutes !== undefined && (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 5 || minutes > 1440)) {
        fail(source, `${mw}.accessTokenValidityMinutes must be a whole number of minutes from 5 to 1440 (Cognito's access token range)`);
      }
      return { id: mo.id, name: text(mo.name, `${mw}.name`, source, true), scopes: ms as string[], accessTokenValidityMinutes: minutes as number | undefined };
    });
    return { id: o.id, name: text(o.name, `${where}.name`, source, true), origins, resourceServer, machineClients };
  });
  // A scope must exist when the client is created (Cognito refuses an unknown one: InvalidOAuthFlowException /
  // ScopeDoesNotExistException on CreateUserPoolClient), so the list is checked as a whole.
  parsed.forEach((a, i) => (a.machineClients ?? []).forEach((m, j) => {
    for (const s of m.scopes) {
      if (!scopes.has(s)) {
        fail(source, `apps[${i}] (${a.id}).machineClients[${j}] (${m.id}) asks for scope "${s}", which no resource server in the list has ` +
          `(known: ${[...scopes].join(', ') || 'none'}); write it as <resource server identifier>/<scope name>`);
      }
    }
  }));
  return parsed;
}

/** Reads and checks an apps definition file. @param file - default: the package's `cdk/apps.json` */
export function loadAppsDefinition(file: string = DEFAULT_APPS_FILE): AppsDefinition {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { apps: parseApps(raw.apps, file) };
}
