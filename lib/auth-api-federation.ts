// The federation feature of CognitoAuthApi: the user pool domain (its OAuth 2.0 endpoints are the only way to
// federated sign-in: https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html), the identity
// providers with their secrets as CloudFormation dynamic references, the app client's OAuth settings (the
// authorization-code grant, the scopes of cdk/federation.json, the API's own callback URL, the providers), and the
// functions' FEDERATION value (lambda/auth-api/src/federation/mod.rs).
import { Lazy, SecretValue, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import * as fs from 'fs';
import { AuthApiFederation, AuthApiIdentityProvider, FederationDefinition } from './federation-definition';

/** What the construct created for federated sign-in. */
export interface AuthApiFederationResources {
  /** The user pool domain (prefix or custom). */
  readonly domain: cognito.UserPoolDomain;
  /** One per provider, in the prop's order. */
  readonly identityProviders: cognito.CfnUserPoolIdentityProvider[];
  /** The providers' names on the pool. */
  readonly providerNames: string[];
}

/**
 * ProviderDetails of one provider (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html#CognitoUserPools-CreateIdentityProvider-request-ProviderDetails):
 * Google `client_id`, `client_secret`, `authorize_scopes`; OIDC also `oidc_issuer` and `attributes_request_method`;
 * SAML `MetadataURL` or `MetadataFile`. The client secret is a `{{resolve:secretsmanager:...}}` dynamic reference,
 * which "can be used in all resource properties"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html): CloudFormation
 * reads the secret at deploy; the template and its outputs never hold the value. (Cognito itself keeps it and shows it
 * to whoever may call DescribeIdentityProvider: docs/federation.md.)
 */
export function providerDetails(p: AuthApiIdentityProvider, def: FederationDefinition): { [key: string]: string } {
  const t = def.providerTypes[p.providerType];
  if (p.providerType === 'SAML') {
    return p.metadataUrl !== undefined ? { MetadataURL: p.metadataUrl } : { MetadataFile: fs.readFileSync(p.metadataFile!, 'utf8') };
  }
  const details: { [key: string]: string } = {
    client_id: p.clientId!,
    // unsafeUnwrap gives the dynamic reference's text, `{{resolve:secretsmanager:<arn>:SecretString:::}}`, not the value.
    client_secret: SecretValue.secretsManager(p.clientSecretArn!).unsafeUnwrap(),
    authorize_scopes: (p.scopes ?? t.authorizeScopes ?? ['openid', 'email', 'profile']).join(' '),
  };
  if (p.providerType === 'OIDC') {
    details.oidc_issuer = p.issuerUrl!;
    details.attributes_request_method = t.attributesRequestMethod ?? 'GET';
  }
  return details;
}

/** The domain and the providers, in `scope` (construct ids `FederationDomain`, `IdP-<name>`). */
export function addFederation(scope: Construct, userPool: cognito.IUserPool, f: AuthApiFederation, def: FederationDefinition): AuthApiFederationResources {
  const domain = userPool.addDomain('FederationDomain', f.domainPrefix !== undefined
    ? { cognitoDomain: { domainPrefix: f.domainPrefix } }
    : {
      customDomain: {
        domainName: f.customDomainName!,
        certificate: acm.Certificate.fromCertificateArn(scope, 'FederationDomainCertificate', f.customDomainCertificateArn!),
      },
    });
  const identityProviders = f.providers.map((p) => new cognito.CfnUserPoolIdentityProvider(scope, `IdP-${p.name}`, {
    userPoolId: userPool.userPoolId,
    providerName: p.name!,
    providerType: p.providerType,
    providerDetails: providerDetails(p, def),
    attributeMapping: p.attributeMapping ?? def.providerTypes[p.providerType].attributeMapping,
  }));
  return { domain, identityProviders, providerNames: f.providers.map((p) => p.name!) };
}

/**
 * The app client's OAuth settings for federated sign-in: the authorization-code grant only, the scopes of
 * cdk/federation.json, the API's callback URL as its only callback URL, and the providers besides COGNITO (which it
 * already supports). Its auth flows, lifetimes, rotation and secret are unchanged.
 */
export function federateAppClient(client: cognito.CfnUserPoolClient, callbackUrl: string, res: AuthApiFederationResources, def: FederationDefinition): void {
  client.allowedOAuthFlowsUserPoolClient = true;
  client.allowedOAuthFlows = ['code'];
  client.allowedOAuthScopes = [...def.oauthScopes.scopes];
  client.callbackUrLs = [callbackUrl];
  client.supportedIdentityProviders = ['COGNITO', ...res.providerNames];
  // SupportedIdentityProviders must name providers that exist.
  for (const idp of res.identityProviders) client.node.addDependency(idp);
}

/** The functions' FEDERATION value (JSON), resolved once the API's URL is known. */
export function federationEnv(scope: Construct, res: AuthApiFederationResources, f: AuthApiFederation, callbackUrl: () => string): string {
  return Lazy.string({
    produce: () => Stack.of(scope).toJsonString({
      poolDomain: res.domain.baseUrl(),
      callbackUrl: callbackUrl(),
      providers: res.providerNames,
      returnUrls: { default: f.returnUrls },
    }),
  });
}
