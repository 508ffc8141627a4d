// The apps prop: resource servers with their scopes, machine clients (client-credentials grant only) with their
// secrets in Secrets Manager, and nothing of today's stack changed when no apps are given.
import { AuthApiDefinitions, CognitoAuthApi, loadApiDefinition, loadAppsDefinition, parseApps } from '../../lib';
import { allStrings, appFromContext, logicalId, resourcesOf, stackWith, template } from './helpers';

const apps = loadAppsDefinition().apps;

describe('no apps: the stack synthesizes as before', () => {
  test('an empty apps list changes nothing in the template, and adds no resource server or client', () => {
    const before = template(stackWith({ frontDoor: false })).toJSON();
    const empty = template(stackWith({ frontDoor: false, apps: [] })).toJSON();
    expect(empty).toEqual(before);
    expect(resourcesOf(template(stackWith({ frontDoor: false })), 'AWS::Cognito::UserPoolResourceServer')).toHaveLength(0);
    expect(resourcesOf(template(stackWith({ frontDoor: false })), 'AWS::Cognito::UserPoolClient')).toHaveLength(1);
  });

  test('adding apps keeps the logical id and the properties of the API\'s app client and its secret', () => {
    const plain = stackWith({ frontDoor: false });
    const withApps = stackWith({ frontDoor: false, apps });
    const ids = (s: typeof plain) => [logicalId(s, s.authApi.userPoolClient as any), logicalId(s, s.authApi.clientSecret as any), logicalId(s, s.authApi.userPool as any)];
    expect(ids(withApps)).toEqual(ids(plain));
    const [clientId] = ids(plain);
    expect(template(withApps).toJSON().Resources[clientId]).toEqual(template(plain).toJSON().Resources[clientId]);
  });
});

describe('cdk/apps.json deployed', () => {
  const stack = stackWith({ frontDoor: false, apps });
  const t = template(stack);

  test('one resource server per app, with its scopes', () => {
    const servers = resourcesOf(t, 'AWS::Cognito::UserPoolResourceServer').map(([, r]) => r.Properties);
    expect(servers.map((s) => [s.Identifier, s.Name, s.Scopes])).toEqual(apps.map((a) => [
      a.resourceServer!.identifier, a.resourceServer!.name,
      a.resourceServer!.scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description })),
    ]));
  });

  test('each machine client: a secret, only the client-credentials grant, no sign-in flow, its scopes and token lifetime', () => {
    for (const app of apps) {
      for (const m of app.machineClients ?? []) {
        const res = stack.authApi.apps.find((a) => a.id === app.id)!.machineClients.find((c) => c.id === m.id)!;
        const props = t.toJSON().Resources[logicalId(stack, res.client)].Properties;
        expect(props).toMatchObject({
          GenerateSecret: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthFlowsUserPoolClient: true,
          // No sign-in flow: without this list Cognito would allow USER_SRP_AUTH and CUSTOM_AUTH on the client.
          ExplicitAuthFlows: CognitoAuthApi.MACHINE_CLIENT_AUTH_FLOWS,
          AccessTokenValidity: m.accessTokenValidityMinutes ?? 60,
          TokenValidityUnits: expect.objectContaining({ AccessToken: 'minutes' }),
          ClientName: m.name,
        });
        expect(props.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
        expect(props.CallbackURLs).toBeUndefined();
        // Each scope is "<identifier>/<name>", the identifier a reference to the resource server (so CloudFormation
        // creates the server first: Cognito refuses a client asking for a scope that does not exist yet).
        const resources = t.toJSON().Resources;
        const scopes = props.AllowedOAuthScopes.map((x: any) => x['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : resources[part.Ref].Properties.Identifier)).join(''));
        expect(scopes).toEqual(m.scopes);
        // The secret holds the client's generated secret, never a value in the template.
        const secret = t.toJSON().Resources[logicalId(stack, res.secret as any)].Properties;
        expect(secret.SecretString).toEqual({ 'Fn::GetAtt': [logicalId(stack, res.client), 'ClientSecret'] });
      }
    }
    // The API's own client, one per app with origins (make dev's second demo app), one per machine client.
    expect(resourcesOf(t, 'AWS::Cognito::UserPoolClient')).toHaveLength(1 + apps.filter((a) => a.origins).length + apps.flatMap((a) => a.machineClients ?? []).length);
  });

  test('no route function may read a machine client\'s secret (they are the services\', not the API\'s)', () => {
    const secretIds = stack.authApi.apps.flatMap((a) => a.machineClients.map((m) => logicalId(stack, m.secret as any)));
    for (const [, policy] of resourcesOf(t, 'AWS::IAM::Role')) {
      const refs = allStrings(policy);
      for (const id of secretIds) expect(refs).not.toContain(id);
    }
  });

  test('the stack outputs each machine client\'s id and secret ARN', () => {
    const outputs = Object.keys(t.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['MachineClientDemoWorkerId', 'MachineClientDemoWorkerSecretArn', 'MachineClientReportsExporterId', 'MachineClientReportsExporterSecretArn']));
  });

  test('context appsFile deploys the same apps', () => {
    const { stacks } = appFromContext({ frontDoor: 'false', appsFile: AuthApiDefinitions.DEFAULT_APPS_FILE }, false);
    expect(resourcesOf(template(stacks.api), 'AWS::Cognito::UserPoolResourceServer')).toHaveLength(2);
    expect(stacks.api.authApi.apps.map((a) => a.machineClients.map((m) => m.id))).toEqual([['worker'], ['exporter']]);
  });
});

describe('apps with origins: a user app client each, named by X-App-Id', () => {
  const shop = { id: 'shop', origins: ['https://shop.example.com'] };
  const stack = stackWith({ frontDoor: false, apps: [...apps, shop], passkeyRelyingPartyId: 'example.com' });
  const t = template(stack);
  const res = t.toJSON().Resources;
  const own = logicalId(stack, stack.authApi.userPoolClient as any);
  const shopApp = stack.authApi.apps.find((a) => a.id === 'shop')!;
  const shopClient = logicalId(stack, shopApp.userClient!);
  // cdk/apps.json's own apps with origins (the demo app make dev serves) come first, then shop.
  const withOrigins = [...apps.filter((a) => a.origins), shop];
  const userClients = withOrigins.map((a) => logicalId(stack, stack.authApi.apps.find((b) => b.id === a.id)!.userClient!));
  const noOrigins = apps.map(({ origins: _, ...a }) => a);

  test('the app\'s client has the API client\'s settings, its own name and secret; the API client keeps its logical id', () => {
    expect(own).toEqual(logicalId(stackWith({ frontDoor: false }), stackWith({ frontDoor: false }).authApi.userPoolClient as any));
    const { ClientName, ...mine } = res[shopClient].Properties;
    const { ClientName: _, ...theirs } = res[own].Properties;
    expect(ClientName).toBe('shop');
    expect(mine).toEqual(theirs);
    expect(res[logicalId(stack, shopApp.userClientSecret as any)].Properties.SecretString).toEqual({ 'Fn::GetAtt': [shopClient, 'ClientSecret'] });
    expect(stack.authApi.apps.filter((a) => a.userClient).map((a) => a.id)).toEqual(withOrigins.map((a) => a.id)); // apps without origins get none
  });

  test('every function gets AUTH_APPS: the API\'s own app default first, then each app with its client, secret and origins', () => {
    for (const [, fn] of resourcesOf(t, 'AWS::Lambda::Function')) {
      const v = fn.Properties.Environment.Variables.AUTH_APPS;
      expect(v).toBeDefined();
      const text = JSON.stringify(v);
      expect(text).toContain('\\"id\\":\\"default\\"');
      expect(text).toContain('\\"id\\":\\"shop\\"');
      expect(text).toContain(shopClient);
      expect(text).toContain('https://shop.example.com');
    }
    const plain = template(stackWith({ frontDoor: false, apps: noOrigins }));
    for (const [, fn] of resourcesOf(plain, 'AWS::Lambda::Function')) expect(fn.Properties.Environment.Variables.AUTH_APPS).toBeUndefined();
  });

  test('the functions that read the client secret read the app\'s too; the authorizer takes both clients\' tokens; CORS has the app\'s origins', () => {
    const secretId = logicalId(stack, shopApp.userClientSecret as any);
    const readers = resourcesOf(t, 'AWS::IAM::Role').filter(([, r]) => allStrings(r).includes(secretId)).length;
    expect(readers).toBe(definitionRoutesReadingTheSecret());
    const authz = resourcesOf(t, 'AWS::ApiGatewayV2::Authorizer')[0][1].Properties.JwtConfiguration.Audience;
    expect(authz).toEqual([{ Ref: own }, ...userClients.map((c) => ({ Ref: c }))]);
    const cors = resourcesOf(t, 'AWS::ApiGatewayV2::Api')[0][1].Properties.CorsConfiguration.AllowOrigins;
    expect(cors).toEqual(['https://app.example.com', ...withOrigins.flatMap((a) => a.origins)]);
  });

  test('an app named default, a bad origin, or origins with an existing client fail synth', () => {
    expect(() => stackWith({ frontDoor: false, apps: [{ id: 'default', origins: [] }] })).toThrow(/"default" is the API's own app/);
    expect(() => stackWith({ frontDoor: false, apps: [{ id: 'a', origins: ['https://a.example.com/'] }] })).toThrow(/origins\[0\] must be an exact origin/);
    expect(() => stackWith({ frontDoor: false, apps: [{ id: 'a', origins: ['http://a.example.com'] }] })).toThrow(/origins\[0\] must be an exact origin/);
  });
});

function definitionRoutesReadingTheSecret(): number {
  return loadApiDefinition().routes.filter((r) => r.env.includes('COGNITO_APP_CLIENT_SECRET_ARN')).length;
}

describe('bad apps fail synth with the entry and the fix', () => {
  const server = { identifier: 'notes-api', scopes: [{ name: 'notes.read', description: 'Read notes' }] };
  test.each([
    ['an id with capitals', [{ id: 'Notes' }], /apps\[0\]\.id must be lower-case/],
    ['two apps with one id', [{ id: 'a' }, { id: 'a' }], /apps\[1\]\.id "a" is used twice/],
    ['two servers with one identifier', [{ id: 'a', resourceServer: server }, { id: 'b', resourceServer: server }], /identifier "notes-api" is used by another app/],
    ['a scope name with a slash', [{ id: 'a', resourceServer: { identifier: 'x', scopes: [{ name: 'a/b', description: 'd' }] } }], /scopes\[0\]\.name must be/],
    ['a server without scopes', [{ id: 'a', resourceServer: { identifier: 'x', scopes: [] } }], /must list 1 to 100 scopes/],
    ['a scope without a description', [{ id: 'a', resourceServer: { identifier: 'x', scopes: [{ name: 'r' }] } }], /description must be a string/],
    ['a machine client asking for an unknown scope', [{ id: 'a', resourceServer: server, machineClients: [{ id: 'w', scopes: ['notes-api/notes.write'] }] }],
      /machineClients\[0\] \(w\) asks for scope "notes-api\/notes.write", which no resource server in the list has \(known: notes-api\/notes.read\)/],
    ['a machine client with no scope', [{ id: 'a', machineClients: [{ id: 'w', scopes: [] }] }], /at least one resource server scope/],
    ['a token lifetime out of range', [{ id: 'a', resourceServer: server, machineClients: [{ id: 'w', scopes: ['notes-api/notes.read'], accessTokenValidityMinutes: 2 }] }], /5 to 1440/],
    ['an unknown field', [{ id: 'a', origin: 'https://a.example.com' }], /unknown field\(s\) origin/],
  ])('%s', (_, bad, message) => {
    expect(() => stackWith({ frontDoor: false, apps: bad as any })).toThrow(message);
    expect(() => stackWith({ frontDoor: false, apps: bad as any })).toThrow(/^CognitoAuthApi: apps: /);
  });

  test('a machine client may use another app\'s scopes (services call each other)', () => {
    expect(parseApps(apps).find((a) => a.id === 'reports')!.machineClients![0].scopes).toContain('demo-api/notes.read');
  });
});
