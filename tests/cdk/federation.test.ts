// Federated sign-in (federation prop, -c federation=<JSON>): the pool domain, the identity providers with their
// client secrets as Secrets Manager dynamic references (never the value), the app client's OAuth settings (code grant,
// the scopes of cdk/federation.json, the API's callback URL, the providers, nothing else changed), the functions'
// FEDERATION value, the federation routes' IAM (no Cognito action), their throttles and the WAF's per-IP coverage.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CognitoAuthApi, CognitoAuthApiProps } from '../../lib/cognito-auth-api';
import { loadFederationDefinition, parseFederation } from '../../lib/federation-definition';
import { quotaUsage, poolEndpointQuotaUsage, POOL_ENDPOINT_ROUTES } from '../../lib/cognito-quotas';
import { sensitivePathsOf } from '../../lib/web-acl';
import { allStrings, appFromContext, definition, FROM_SOURCE, resourcesOf, SKIP_BUNDLING } from './helpers';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:google-client-AbCdEf';
const ENTRA_SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:entra-client-AbCdEf';
const FEDERATION = {
  domainPrefix: 'example-auth',
  returnUrls: ['https://app.example.com/signed-in'],
  providers: [
    { providerType: 'Google', clientId: 'g-client', clientSecretArn: SECRET },
    { providerType: 'OIDC', name: 'EntraID', clientId: 'e-client', clientSecretArn: ENTRA_SECRET, issuerUrl: 'https://login.microsoftonline.com/tenant/v2.0' },
    { providerType: 'SAML', name: 'CorpSAML', metadataUrl: 'https://idp.example.com/saml/metadata' },
  ],
};
const FEDERATION_ROUTES = ['federationStart', 'federationCallback', 'federationToken'];

function build(props: Partial<CognitoAuthApiProps> = {}): { stack: Stack; t: Template } {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  new CognitoAuthApi(stack, 'Api', { corsOrigins: ['https://app.example.com'], code: FROM_SOURCE, ...props } as CognitoAuthApiProps);
  return { stack, t: Template.fromStack(stack) };
}

function client(t: Template): any {
  const clients = resourcesOf(t, 'AWS::Cognito::UserPoolClient');
  expect(clients).toHaveLength(1);
  return clients[0][1].Properties;
}

function envOf(t: Template, routeName: string): Record<string, any> {
  const r = definition.routes.find((x) => x.name === routeName)!;
  const f = resourcesOf(t, 'AWS::Lambda::Function').find(([, v]) => (v.Properties.Description ?? '').startsWith(`Auth API ${r.method} ${r.path}:`));
  return f![1].Properties.Environment.Variables;
}

describe('federated sign-in', () => {
  test('without the prop: no domain, no provider, the app client as before, FEDERATION empty', () => {
    const { t } = build();
    expect(resourcesOf(t, 'AWS::Cognito::UserPoolDomain')).toHaveLength(0);
    expect(resourcesOf(t, 'AWS::Cognito::UserPoolIdentityProvider')).toHaveLength(0);
    const c = client(t);
    expect(c.AllowedOAuthFlowsUserPoolClient).not.toBe(true);
    expect(c.SupportedIdentityProviders).toEqual(['COGNITO']);
    for (const r of FEDERATION_ROUTES) expect(envOf(t, r).FEDERATION).toBe('');
  });

  test('the providers, their secrets as dynamic references, the mappings of cdk/federation.json', () => {
    const { t } = build({ federation: FEDERATION });
    const def = loadFederationDefinition();
    const domains = resourcesOf(t, 'AWS::Cognito::UserPoolDomain');
    expect(domains).toHaveLength(1);
    expect(domains[0][1].Properties.Domain).toBe('example-auth');
    const idps = Object.fromEntries(resourcesOf(t, 'AWS::Cognito::UserPoolIdentityProvider').map(([, v]) => [v.Properties.ProviderName, v.Properties]));
    expect(Object.keys(idps).sort()).toEqual(['CorpSAML', 'EntraID', 'Google']);
    expect(idps.Google.ProviderType).toBe('Google');
    expect(idps.Google.ProviderDetails).toEqual({ client_id: 'g-client', client_secret: `{{resolve:secretsmanager:${SECRET}:SecretString:::}}`, authorize_scopes: 'openid email profile' });
    expect(idps.Google.AttributeMapping).toEqual(def.providerTypes.Google.attributeMapping);
    expect(idps.EntraID.ProviderType).toBe('OIDC');
    expect(idps.EntraID.ProviderDetails).toEqual({
      client_id: 'e-client', client_secret: `{{resolve:secretsmanager:${ENTRA_SECRET}:SecretString:::}}`, authorize_scopes: 'openid email profile',
      oidc_issuer: 'https://login.microsoftonline.com/tenant/v2.0', attributes_request_method: 'GET',
    });
    expect(idps.CorpSAML.ProviderDetails).toEqual({ MetadataURL: 'https://idp.example.com/saml/metadata' });
    expect(idps.CorpSAML.AttributeMapping).toEqual(def.providerTypes.SAML.attributeMapping);
  });

  test('the app client: the code grant, only the needed scopes, the API callback URL, the providers; nothing else changes', () => {
    const before = client(build().t);
    const { t } = build({ federation: FEDERATION, frontDoor: false });
    const c = client(t);
    expect(c.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(c.AllowedOAuthFlows).toEqual(['code']);
    expect(c.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile', 'aws.cognito.signin.user.admin']);
    expect(c.SupportedIdentityProviders).toEqual(['COGNITO', 'Google', 'EntraID', 'CorpSAML']);
    const cb = JSON.stringify(c.CallbackURLs);
    expect(c.CallbackURLs).toHaveLength(1);
    expect(cb).toContain('execute-api');
    expect(cb).toContain('/auth/federation/callback');
    const changed = Object.keys(c).filter((k) => JSON.stringify(c[k]) !== JSON.stringify(before[k]));
    expect(changed.sort()).toEqual(['AllowedOAuthFlows', 'AllowedOAuthFlowsUserPoolClient', 'AllowedOAuthScopes', 'CallbackURLs', 'SupportedIdentityProviders']);
  });

  test('the functions get FEDERATION; no template string holds a secret value; no Cognito action in their roles', () => {
    const { t } = build({ federation: FEDERATION });
    const env = JSON.stringify(envOf(t, 'federationStart').FEDERATION);
    for (const part of ['poolDomain', 'FederationDomain', '.auth.us-east-1.amazoncognito.com', 'callbackUrl', '/auth/federation/callback', 'EntraID', 'https://app.example.com/signed-in']) {
      expect(env).toContain(part);
    }
    expect(JSON.stringify(envOf(t, 'login'))).not.toContain('FEDERATION');
    for (const s of allStrings(t.toJSON())) expect(s).not.toMatch(/client_secret\s*[:=]\s*[^{]/);
    for (const r of FEDERATION_ROUTES) {
      const def = definition.routes.find((x) => x.name === r)!;
      const roles = resourcesOf(t, 'AWS::IAM::Role').filter(([, v]) => (v.Properties.Description ?? '') === `Auth API ${def.method} ${def.path}: exactly its declared Cognito actions`);
      expect(roles).toHaveLength(1);
      const actions = roles[0][1].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement.flatMap((s: any) => [].concat(s.Action)));
      expect(actions.filter((a: string) => a.startsWith('cognito-idp:'))).toEqual([]);
      expect(actions).toContain('secretsmanager:GetSecretValue');
    }
  });

  test('with the front door the token endpoint routes keep their API Gateway throttles; the browser routes are sensitive paths', () => {
    const { t } = build({ federation: FEDERATION });
    const stage = resourcesOf(t, 'AWS::ApiGatewayV2::Stage')[0][1].Properties;
    expect(Object.keys(stage.RouteSettings).sort()).toEqual(['GET /auth/federation/callback', 'POST /auth/federation/token']);
    expect(sensitivePathsOf(definition)).toEqual(expect.arrayContaining(['/auth/federation/start', '/auth/federation/callback']));
    const usage = poolEndpointQuotaUsage(definition.routes);
    expect(usage).toHaveLength(1);
    expect(usage[0].category).toBe('UserFederation');
    expect(usage[0].used).toBeLessThanOrEqual(usage[0].quota);
    expect(Object.keys(POOL_ENDPOINT_ROUTES).sort()).toEqual(['federationCallback', 'federationToken']);
    // The SDK categories are unchanged by the federation routes (they call no SDK operation).
    expect(quotaUsage(definition.routes).map((u) => u.category)).not.toContain('UserFederation');
  });

  test('a throttle above the UserFederation quota fails synth', () => {
    expect(() => build({ federation: FEDERATION, routeThrottles: { federationToken: { rateLimit: 30, burstLimit: 60 } } })).toThrow(/UserFederation/);
  });

  test('a custom domain needs a us-east-1 certificate', () => {
    const { t } = build({ federation: { ...FEDERATION, domainPrefix: undefined, customDomainName: 'auth.example.com', customDomainCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } });
    const d = resourcesOf(t, 'AWS::Cognito::UserPoolDomain')[0][1].Properties;
    expect(d.Domain).toBe('auth.example.com');
    expect(d.CustomDomainConfig.CertificateArn).toBe('arn:aws:acm:us-east-1:123456789012:certificate/abc');
    expect(() => parseFederation({ ...FEDERATION, domainPrefix: undefined, customDomainName: 'auth.example.com', customDomainCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' })).toThrow(/us-east-1/);
  });

  test('SAML metadata from a file is read at synth', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fed-')), 'idp.xml');
    fs.writeFileSync(file, '<EntityDescriptor entityID="urn:idp"/>');
    const { t } = build({ federation: { ...FEDERATION, providers: [{ providerType: 'SAML', name: 'CorpSAML', metadataFile: file }] } });
    const idp = resourcesOf(t, 'AWS::Cognito::UserPoolIdentityProvider')[0][1].Properties;
    expect(idp.ProviderDetails).toEqual({ MetadataFile: '<EntityDescriptor entityID="urn:idp"/>' });
  });

  test.each([
    [{ ...FEDERATION, domainPrefix: undefined }, /exactly one of domainPrefix/],
    [{ ...FEDERATION, domainPrefix: 'my-cognito' }, /domainPrefix/],
    [{ ...FEDERATION, providers: [] }, /at least one/],
    [{ ...FEDERATION, providers: [{ providerType: 'Google', clientId: 'x', clientSecret: 'plain' }] }, /unknown field/],
    [{ ...FEDERATION, providers: [{ providerType: 'Google', clientId: 'x', clientSecretArn: 'the-secret-itself' }] }, /clientSecretArn/],
    [{ ...FEDERATION, providers: [{ providerType: 'Google', name: 'Gmail', clientId: 'x', clientSecretArn: SECRET }] }, /always Google/],
    [{ ...FEDERATION, providers: [{ providerType: 'OIDC', name: 'Entra_ID', clientId: 'x', clientSecretArn: SECRET, issuerUrl: 'https://x' }] }, /no '_'/],
    [{ ...FEDERATION, providers: [{ providerType: 'OIDC', name: 'EntraID', clientId: 'x', clientSecretArn: SECRET }] }, /issuerUrl/],
    [{ ...FEDERATION, providers: [{ providerType: 'SAML', name: 'CorpSAML' }] }, /metadataUrl and metadataFile/],
    [{ ...FEDERATION, providers: [{ providerType: 'Facebook', clientId: 'x', clientSecretArn: SECRET }] }, /providerType must be one of/],
    [{ ...FEDERATION, returnUrls: [] }, /returnUrls/],
    [{ ...FEDERATION, returnUrls: ['https://app.example.com/in#x'] }, /fragment/],
    [{ ...FEDERATION, returnUrls: ['http://app.example.com/in'] }, /https/],
  ])('a bad federation prop fails synth with a fix (%#)', (bad, message) => {
    expect(() => build({ federation: bad as any })).toThrow(message);
  });

  test('the app from context: -c federation=<JSON>', () => {
    const { stacks } = appFromContext({ federation: JSON.stringify(FEDERATION), frontDoor: 'false' }, false);
    const t = Template.fromStack(stacks.api);
    expect(resourcesOf(t, 'AWS::Cognito::UserPoolIdentityProvider')).toHaveLength(3);
  });
});
