import { Template } from 'aws-cdk-lib/assertions';
import { CognitoAuthApiStack } from '../../lib/cognito-auth-api-stack';
import { TOKEN_ONLY_COGNITO_ACTIONS, iamActionsOf, routeKey } from '../../lib/route-definition';
import { appFromContext, definition, FROM_SOURCE, logicalId, resourcesOf } from './helpers';
import { EMAIL_CODE_LIMIT_ENV, loadEmailCodeLimitDefinition } from '../../lib/auth-api-email-code-limit';

// Least privilege, held to the definition: each function's role grants exactly its route's declared
// Cognito actions on exactly the user pool, the secrets it needs, and writing to its own log group.
describe.each([
  ['front door on', { region: 'us-east-1' }],
  ['front door off', { region: 'eu-west-1', frontDoor: 'false' }],
  // With SES the pool offers EMAIL_OTP, and the construct creates the counter of emailed codes.
  ['front door on, SES', { region: 'us-east-1', sesFromEmail: 'no-reply@example.com' }],
])('IAM (%s)', (_label, context) => {
  let stack: CognitoAuthApiStack;
  let t: Template;
  beforeAll(() => {
    stack = appFromContext(context, false).stacks.api;
    t = Template.fromStack(stack);
  });

  const statementsOf = (routeName: string): any[] => {
    const r = stack.authApi.routes.find((x) => x.definition.name === routeName)!;
    const fn = t.toJSON().Resources[logicalId(stack, r.function)];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const role = t.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    // No policy resource attached to the role besides its own inline document.
    const attached = resourcesOf(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles ?? []).includes(roleId));
    expect(attached).toEqual([]);
    expect(role.Properties.Policies).toHaveLength(1);
    return role.Properties.Policies[0].PolicyDocument.Statement;
  };
  const asList = (x: unknown) => (Array.isArray(x) ? x : [x]);

  test('every route of the definition has a function, a route and a role', () => {
    expect(stack.authApi.routes.map((r) => r.definition.name)).toEqual(definition.routes.map((r) => r.name));
    const keys = resourcesOf(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    for (const r of definition.routes) expect(keys).toContain(routeKey(r));
  });

  test.each(definition.routes.map((r) => [r.name, r] as const))('%s: cognito-idp actions equal its declared actions, on the user pool only', (name, route) => {
    const st = statementsOf(name);
    const cognito = st.filter((s) => asList(s.Action).some((a: string) => a.startsWith('cognito-idp:')));
    const actions = cognito.flatMap((s) => asList(s.Action)).sort();
    // The declared actions, less those IAM cannot grant (TOKEN_ONLY_COGNITO_ACTIONS, authorized by the access token).
    expect(actions).toEqual(route.cognitoActions.filter((a) => !TOKEN_ONLY_COGNITO_ACTIONS.includes(a)).map((a) => `cognito-idp:${a}`).sort());
    for (const s of cognito) {
      expect(s.Effect).toBe('Allow');
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.authApi.userPool as any), 'Arn'] });
    }
  });

  test.each(definition.routes.map((r) => [r.name, r] as const))('%s: GetSecretValue only on the secrets it needs; nothing else', (name, route) => {
    const st = statementsOf(name);
    const expectedSecrets = [
      ...(route.env.includes('COGNITO_APP_CLIENT_SECRET_ARN') ? [{ Ref: logicalId(stack, stack.authApi.clientSecret as any) }] : []),
      ...(stack.authApi.originVerifySecret ? [{ Ref: logicalId(stack, stack.authApi.originVerifySecret) }] : []),
    ];
    const secrets = st.filter((s) => asList(s.Action).some((a: string) => a.startsWith('secretsmanager:')));
    if (expectedSecrets.length === 0) {
      expect(secrets).toEqual([]);
    } else {
      expect(secrets).toHaveLength(1);
      expect(secrets[0].Action).toBe('secretsmanager:GetSecretValue');
      expect(asList(secrets[0].Resource)).toEqual(expectedSecrets);
    }
    const logs = st.filter((s) => asList(s.Action).some((a: string) => a.startsWith('logs:')));
    expect(logs).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logicalId(stack, stack.authApi.routes.find((r) => r.definition.name === name)!.logGroup as any), 'Arn'] },
    }]);
    // The counter of emailed sign-in codes: exactly UpdateItem on exactly that table, for the routes that list it.
    const table = stack.authApi.emailCodeLimitTable;
    const dynamo = st.filter((s) => asList(s.Action).some((a: string) => a.startsWith('dynamodb:')));
    if (table && route.env.includes(EMAIL_CODE_LIMIT_ENV)) {
      expect(dynamo).toEqual([{ Effect: 'Allow', Action: 'dynamodb:UpdateItem', Resource: { 'Fn::GetAtt': [logicalId(stack, table as any), 'Arn'] } }]);
    } else {
      expect(dynamo).toEqual([]);
    }
    // Nothing beyond cognito-idp, the secrets, the counter and the function's own log group.
    expect(st.length).toBe((iamActionsOf(route).length > 0 ? 1 : 0) + secrets.length + dynamo.length + logs.length);
  });

  test('no wildcard action anywhere, and no wildcard resource outside logs, in the functions\' roles', () => {
    for (const r of stack.authApi.routes) {
      for (const s of statementsOf(r.definition.name)) {
        for (const a of asList(s.Action)) expect(a).not.toMatch(/\*/);
        if (!asList(s.Action).every((a: string) => a.startsWith('logs:'))) {
          for (const res of asList(s.Resource)) expect(JSON.stringify(res)).not.toMatch(/\*/);
        }
      }
    }
  });
});

test('the passkey operations, which IAM cannot grant, are in no role (their routes declare them for the guard and the quotas)', () => {
  const { stacks } = appFromContext({}, false);
  const text = JSON.stringify(Template.fromStack(stacks.api).toJSON());
  for (const a of TOKEN_ONLY_COGNITO_ACTIONS) {
    expect(definition.routes.some((r) => r.cognitoActions.includes(a))).toBe(true);
    expect(text).not.toContain(`cognito-idp:${a}`);
  }
});

test('a route with no Cognito actions (e.g. GET /auth/openapi.json) gets no cognito-idp statement at all', () => {
  const extra = { ...definition.routes[0], name: 'addedNoCognito', method: 'GET', path: '/auth/added-no-cognito', bearerToken: false, cognitoActions: [], env: ['CORS_ORIGIN'] };
  const { App } = require('aws-cdk-lib');
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new CognitoAuthApiStack(app, 'S', {
    env: { region: 'us-east-1', account: '123456789012' },
    corsOrigins: ['https://app.example.com'],
    apiDefinition: { routes: [...definition.routes, extra] },
    code: FROM_SOURCE,
  });
  const t = Template.fromStack(stack);
  const r = stack.authApi.routes.find((x) => x.definition.name === 'addedNoCognito')!;
  const roleId = t.toJSON().Resources[logicalId(stack, r.function)].Properties.Role['Fn::GetAtt'][0];
  const text = JSON.stringify(t.toJSON().Resources[roleId]);
  expect(text).not.toContain('cognito-idp');
  expect(text).not.toContain(logicalId(stack, stack.authApi.clientSecret as any));
});

describe('the counter of emailed sign-in codes (cdk/email-code-limit.json)', () => {
  test('with EMAIL_OTP offered (SES): one on-demand table keyed and expiring as the definition says, its name in login/start\'s environment', () => {
    const stack = appFromContext({ region: 'us-east-1', sesFromEmail: 'no-reply@example.com' }, false).stacks.api;
    const t = Template.fromStack(stack);
    const def = loadEmailCodeLimitDefinition();
    const tables = resourcesOf(t, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    expect(tables[0][1].Properties).toMatchObject({
      KeySchema: [{ AttributeName: def.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: def.partitionKey, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
    });
    expect(tables[0][1].DeletionPolicy).toBe('Delete');
    for (const r of stack.authApi.routes) {
      const env = t.toJSON().Resources[logicalId(stack, r.function)].Properties.Environment.Variables;
      if (r.definition.env.includes(EMAIL_CODE_LIMIT_ENV)) {
        expect(env[EMAIL_CODE_LIMIT_ENV]).toEqual({ Ref: tables[0][0] });
      } else {
        expect(env[EMAIL_CODE_LIMIT_ENV]).toBeUndefined();
      }
    }
    expect(definition.routes.filter((r) => r.env.includes(EMAIL_CODE_LIMIT_ENV)).map((r) => r.name)).toEqual(['loginStart']);
  });

  test('without EMAIL_OTP (Cognito\'s default sender): no table, an empty name, no grant', () => {
    const stack = appFromContext({ region: 'us-east-1' }, false).stacks.api;
    const t = Template.fromStack(stack);
    expect(resourcesOf(t, 'AWS::DynamoDB::Table')).toEqual([]);
    expect(stack.authApi.emailCodeLimitTable).toBeUndefined();
    const r = stack.authApi.routes.find((x) => x.definition.name === 'loginStart')!;
    expect(t.toJSON().Resources[logicalId(stack, r.function)].Properties.Environment.Variables[EMAIL_CODE_LIMIT_ENV]).toBe('');
    expect(JSON.stringify(t.toJSON())).not.toContain('dynamodb:');
  });
});
