// Federated sign-in as data: the fixed settings of cdk/federation.json (the app client's OAuth scopes, the callback
// path, each provider type's scopes and attribute mapping) and the `federation` prop / context value (the pool domain,
// the identity providers, the API's own app's return addresses), with the one checker of that prop (parseFederation),
// which serves TypeScript, the jsii languages and the context key alike.
import * as fs from 'fs';
import * as path from 'path';

/** One identity provider of the pool. */
export interface AuthApiIdentityProvider {
  /** `Google`, `OIDC` (any OpenID Connect provider, e.g. Microsoft Entra ID) or `SAML`. */
  readonly providerType: string;
  /**
   * The provider's name on the pool: the `provider` of `GET /auth/federation/start`, the prefix of its users' usernames
   * (`<name>_<id>`). 3 to 32 letters, digits, `.` or `-`. Google's is always `Google` (Cognito's name for it).
   * @default - `Google` for providerType Google; required otherwise
   */
  readonly name?: string;
  /** Google and OIDC: the client id the provider gave the app registration. */
  readonly clientId?: string;
  /**
   * Google and OIDC: ARN of a Secrets Manager secret whose SecretString is the provider's client secret. The template
   * holds a CloudFormation dynamic reference to it, never the value
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
   */
  readonly clientSecretArn?: string;
  /** OIDC: the issuer URL (Entra ID: `https://login.microsoftonline.com/<tenant id>/v2.0`). */
  readonly issuerUrl?: string;
  /** SAML: the IdP's metadata URL (give this or metadataFile). */
  readonly metadataUrl?: string;
  /** SAML: path of the IdP's metadata XML, read at synth (give this or metadataUrl). */
  readonly metadataFile?: string;
  /** Google and OIDC: the scopes Cognito asks the provider for. @default - the type's authorizeScopes of cdk/federation.json */
  readonly scopes?: string[];
  /** User pool attribute -> provider attribute. @default - the type's attributeMapping of cdk/federation.json */
  readonly attributeMapping?: { [poolAttribute: string]: string };
}

/** The `federation` prop: federated sign-in through the API (docs/federation.md). */
export interface AuthApiFederation {
  /** A Cognito prefix domain, `<prefix>.auth.<region>.amazoncognito.com` (give this or customDomainName). */
  readonly domainPrefix?: string;
  /** A custom domain for the pool's endpoints, e.g. `auth.example.com` (needs customDomainCertificateArn). */
  readonly customDomainName?: string;
  /** ACM certificate of customDomainName; it must be in us-east-1 (Cognito serves custom domains through CloudFront). */
  readonly customDomainCertificateArn?: string;
  /** The pool's identity providers (at least one). */
  readonly providers: AuthApiIdentityProvider[];
  /** The exact addresses where the API's own app's sign-ins may end (`returnTo` of the start route; no prefix match). */
  readonly returnUrls: string[];
}

/** What cdk/federation.json holds. */
export interface FederationDefinition {
  readonly oauthScopes: { readonly scopes: string[] };
  readonly callbackPath: string;
  readonly stateTtlSeconds: number;
  readonly handoffTtlSeconds: number;
  readonly providerTypes: {
    readonly [type: string]: { readonly authorizeScopes?: string[]; readonly attributesRequestMethod?: string; readonly attributeMapping: { [k: string]: string } };
  };
}

export const DEFAULT_FEDERATION_FILE = path.join(__dirname, '..', 'cdk', 'federation.json');

export function loadFederationDefinition(file: string = DEFAULT_FEDERATION_FILE): FederationDefinition {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as FederationDefinition;
}

export const PROVIDER_TYPES = ['Google', 'OIDC', 'SAML'];
// Cognito's ProviderName is 1-32 characters; an underscore would make `<name>_<id>` usernames ambiguous, and Google's
// must be "Google" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html).
const NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{1,30}[A-Za-z0-9]$/;
// Cognito prefix domains: lower-case letters, digits and hyphens, not starting or ending with a hyphen, at most 63.
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function httpsUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['localhost', '127.0.0.1'].includes(u.hostname));
  } catch {
    return false;
  }
}

/** Checks the prop (or the parsed context value); throws with `source`, the entry and the fix. */
export function parseFederation(raw: unknown, source = 'CognitoAuthApi: federation'): AuthApiFederation {
  const fail = (m: string): never => { throw new Error(`${source}: ${m}`); };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('must be an object {domainPrefix | customDomainName, providers, returnUrls}');
  const o = raw as Record<string, any>;
  const known = ['domainPrefix', 'customDomainName', 'customDomainCertificateArn', 'providers', 'returnUrls'];
  const extra = Object.keys(o).filter((k) => !known.includes(k) && k !== 'description');
  if (extra.length > 0) fail(`unknown field(s) ${extra.join(', ')} (known: ${known.join(', ')})`);
  if ((o.domainPrefix === undefined) === (o.customDomainName === undefined)) fail('give exactly one of domainPrefix (a Cognito prefix domain) and customDomainName');
  if (o.domainPrefix !== undefined && (typeof o.domainPrefix !== 'string' || !PREFIX.test(o.domainPrefix) || /aws|amazon|cognito/.test(o.domainPrefix))) {
    fail(`domainPrefix must be lower-case letters, digits and '-', at most 63, without aws, amazon or cognito (got ${JSON.stringify(o.domainPrefix)})`);
  }
  if (o.customDomainName !== undefined) {
    if (typeof o.customDomainName !== 'string' || !/^[a-z0-9.-]+\.[a-z]{2,}$/.test(o.customDomainName)) fail(`customDomainName must be a domain name such as auth.example.com (got ${JSON.stringify(o.customDomainName)})`);
    if (typeof o.customDomainCertificateArn !== 'string' || !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\//.test(o.customDomainCertificateArn)) {
      fail('customDomainName needs customDomainCertificateArn, an ACM certificate in us-east-1 (Cognito serves custom domains through CloudFront: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html)');
    }
  } else if (o.customDomainCertificateArn !== undefined) {
    fail('customDomainCertificateArn is for customDomainName');
  }
  if (!Array.isArray(o.providers) || o.providers.length === 0) fail('providers must list at least one identity provider');
  const names = new Set<string>();
  const providers = (o.providers as any[]).map((p, i): AuthApiIdentityProvider => {
    const where = `providers[${i}]`;
    if (typeof p !== 'object' || p === null) fail(`${where} must be an object`);
    const pk = ['providerType', 'name', 'clientId', 'clientSecretArn', 'issuerUrl', 'metadataUrl', 'metadataFile', 'scopes', 'attributeMapping'];
    const bad = Object.keys(p).filter((k) => !pk.includes(k));
    if (bad.length > 0) fail(`${where} has unknown field(s) ${bad.join(', ')} (known: ${pk.join(', ')})`);
    if (!PROVIDER_TYPES.includes(p.providerType)) fail(`${where}.providerType must be one of ${PROVIDER_TYPES.join(', ')} (got ${JSON.stringify(p.providerType)})`);
    const name = p.providerType === 'Google' ? (p.name ?? 'Google') : p.name;
    if (p.providerType === 'Google' && name !== 'Google') fail(`${where}: a Google provider's name is always Google (Cognito's name for it)`);
    if (typeof name !== 'string' || !NAME.test(name)) fail(`${where}.name must be 3 to 32 letters, digits, '.' or '-' (no '_': it separates the provider from the user id in usernames); got ${JSON.stringify(name)}`);
    if (['COGNITO', 'Facebook', 'LoginWithAmazon', 'SignInWithApple'].includes(name) && p.providerType !== 'Google') fail(`${where}.name ${name} is reserved by Cognito`);
    if (names.has(name)) fail(`${where}.name ${name} is used twice`);
    names.add(name);
    if (p.providerType === 'SAML') {
      if ((p.metadataUrl === undefined) === (p.metadataFile === undefined)) fail(`${where} (SAML) needs exactly one of metadataUrl and metadataFile`);
      if (p.metadataUrl !== undefined && !httpsUrl(p.metadataUrl)) fail(`${where}.metadataUrl must be an https URL`);
      if (p.metadataFile !== undefined && (typeof p.metadataFile !== 'string' || !fs.existsSync(p.metadataFile))) fail(`${where}.metadataFile ${JSON.stringify(p.metadataFile)} does not exist`);
      for (const k of ['clientId', 'clientSecretArn', 'issuerUrl', 'scopes']) if (p[k] !== undefined) fail(`${where}.${k} is not for SAML providers`);
    } else {
      if (typeof p.clientId !== 'string' || p.clientId.length === 0) fail(`${where}.clientId is required for ${p.providerType}`);
      if (typeof p.clientSecretArn !== 'string' || !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+/.test(p.clientSecretArn)) {
        fail(`${where}.clientSecretArn must be the ARN of a Secrets Manager secret holding the provider's client secret (never the secret itself)`);
      }
      if (p.providerType === 'OIDC' && !httpsUrl(p.issuerUrl)) fail(`${where}.issuerUrl must be the provider's https issuer URL (Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0)`);
      if (p.providerType === 'Google' && p.issuerUrl !== undefined) fail(`${where}.issuerUrl is not for Google`);
      if (p.metadataUrl !== undefined || p.metadataFile !== undefined) fail(`${where}: metadata is for SAML providers`);
      if (p.scopes !== undefined && (!Array.isArray(p.scopes) || p.scopes.length === 0 || !p.scopes.every((s: unknown) => typeof s === 'string' && /^\S+$/.test(s)))) fail(`${where}.scopes must be a non-empty list of scope names`);
    }
    if (p.attributeMapping !== undefined && (typeof p.attributeMapping !== 'object' || Object.values(p.attributeMapping).some((v) => typeof v !== 'string'))) {
      fail(`${where}.attributeMapping must map user pool attributes to provider attribute names (strings)`);
    }
    return { ...p, name };
  });
  if (!Array.isArray(o.returnUrls) || o.returnUrls.length === 0) fail('returnUrls must list the exact addresses where sign-ins may end (at least one)');
  for (const u of o.returnUrls) {
    if (!httpsUrl(u) || (u as string).includes('#')) fail(`returnUrls: ${JSON.stringify(u)} must be an absolute https URL without a fragment (http only for localhost)`);
  }
  return { domainPrefix: o.domainPrefix, customDomainName: o.customDomainName, customDomainCertificateArn: o.customDomainCertificateArn, providers, returnUrls: [...o.returnUrls] };
}
