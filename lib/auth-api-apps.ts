// The apps feature of CognitoAuthApi: for each app of the `apps` prop, its resource server (custom scopes) and its
// machine clients (client-credentials grant), each machine client's secret in Secrets Manager. The API's functions
// use none of these: an app's backend services get their tokens from Cognito and the app's backend verifies them
// (docs/resource-servers.md). Created in the CognitoAuthApi's own scope (construct ids that start with `App-<id>-`),
// so no existing resource's logical ID changes, and adding or removing an app touches only that app's resources.
import { Annotations, Duration, SecretValue } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AuthApiApp } from './apps-definition';
import { ack } from './nag';

/**
 * The auth flows of a machine client: refresh only, which without a sign-in flow lets nobody in. Without an
 * ExplicitAuthFlows list Cognito gives a new client ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_SRP_AUTH and ALLOW_CUSTOM_AUTH
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-ExplicitAuthFlows),
 * which would let anyone holding a service's secret sign users in with SRP, around the API. The client-credentials
 * grant at the token endpoint needs no auth flow. (ALLOW_CLIENT_TOKEN_AUTH, for GetClientToken without a pool domain,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html#get-client-token,
 * is not in the ExplicitAuthFlows values of CloudFormation's resource schema that aws-cdk-lib 2.276 validates against:
 * docs/first-deploy-checklist.md.)
 */
export const MACHINE_CLIENT_AUTH_FLOWS = ['ALLOW_REFRESH_TOKEN_AUTH'];

/** A machine client the construct created, and the secret holding its client secret. */
export interface AuthApiMachineClientResources {
  /** Its id within the app. */
  readonly id: string;
  readonly client: cognito.UserPoolClient;
  /** Secrets Manager secret whose SecretString is the client secret (grant your service `secretsmanager:GetSecretValue` on it). */
  readonly secret: secretsmanager.ISecret;
}

/** What the construct created for one app. */
export interface AuthApiAppResources {
  /** The app's id. */
  readonly id: string;
  /** The app's resource server, when it declares one. */
  readonly resourceServer?: cognito.UserPoolResourceServer;
  /** The app's machine clients, in definition order. */
  readonly machineClients: AuthApiMachineClientResources[];
  /** The app client its users sign in with through the API (apps with `origins`). */
  readonly userClient?: cognito.UserPoolClient;
  /** The secret of `userClient` (read by the functions). */
  readonly userClientSecret?: secretsmanager.ISecret;
}

/** Resource servers first (machine clients of any app may name any app's scopes), then the machine clients. */
export function addApps(scope: Construct, userPool: cognito.IUserPool, apps: AuthApiApp[]): AuthApiAppResources[] {
  const servers = new Map<string, { server: cognito.UserPoolResourceServer; scopes: Map<string, cognito.ResourceServerScope> }>();
  const serverOf = new Map<string, cognito.UserPoolResourceServer>();
  for (const app of apps) {
    const rs = app.resourceServer;
    if (!rs) continue;
    const scopes = new Map(rs.scopes.map((s) => [s.name, new cognito.ResourceServerScope({ scopeName: s.name, scopeDescription: s.description })]));
    const server = new cognito.UserPoolResourceServer(scope, `App-${app.id}-ResourceServer`, {
      userPool,
      identifier: rs.identifier,
      userPoolResourceServerName: rs.name ?? rs.identifier,
      scopes: [...scopes.values()],
    });
    servers.set(rs.identifier, { server, scopes });
    serverOf.set(app.id, server);
  }
  if (apps.some((a) => (a.machineClients ?? []).length > 0)) {
    // The client-credentials grant is served by the token endpoint of the pool's domain, "/oauth2/token"
    // (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html); a pool without one issues no
    // machine tokens. The construct does not create the domain (a prefix or custom domain is the operator's choice).
    Annotations.of(scope).addInfo(
      'CognitoAuthApi: machine clients get their tokens at https://<pool domain>/oauth2/token (client-credentials grant): the pool needs a domain, ' +
        "e.g. api.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: 'my-org-auth' } }) (docs/resource-servers.md).");
  }
  return apps.map((app) => ({
    id: app.id,
    resourceServer: serverOf.get(app.id),
    machineClients: (app.machineClients ?? []).map((m) => {
      const oauthScopes = m.scopes.map((full) => {
        const cut = full.lastIndexOf('/');
        const s = servers.get(full.slice(0, cut))!; // parseApps checked that it exists
        return cognito.OAuthScope.resourceServer(s.server, s.scopes.get(full.slice(cut + 1))!);
      });
      const client = new cognito.UserPoolClient(scope, `App-${app.id}-Machine-${m.id}-Client`, {
        userPool,
        userPoolClientName: m.name ?? `${app.id}-${m.id}`,
        generateSecret: true,
        // The client-credentials grant at the token endpoint; "An app client can only use the client credentials
        // flow if the app client has a client secret" (same page).
        oAuth: { flows: { clientCredentials: true }, scopes: oauthScopes },
        accessTokenValidity: Duration.minutes(m.accessTokenValidityMinutes ?? 60),
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
      });
      (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = MACHINE_CLIENT_AUTH_FLOWS;
      const secret = new secretsmanager.Secret(scope, `App-${app.id}-Machine-${m.id}-Secret`, {
        description: `Client secret of machine client ${m.id} of app ${app.id} (raw string): its service exchanges it for access tokens`,
        secretStringValue: SecretValue.resourceAttribute((client.node.defaultChild as cognito.CfnUserPoolClient).attrClientSecret),
      });
      ack(secret, 'AwsSolutions-SMG4',
        'The value is a Cognito app client secret, which Cognito generates; rotating it means AddUserPoolClientSecret (up to two active secrets) or a new client.');
      return { id: m.id, client, secret };
    }),
  }));
}
