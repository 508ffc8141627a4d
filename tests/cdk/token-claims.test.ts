import { Template } from 'aws-cdk-lib/assertions';
import { appFromContext, definition, logicalId, resourcesOf, stackWith } from './helpers';

// tokenClaims turns on the pre token generation trigger: PreTokenGenerationConfig with LambdaVersion V2_0 (access-token
// customization), the prop as the function's TOKEN_CLAIMS (checked at synth as the function checks it at start), and
// ListUserPoolClients on the pool (which app a client is) in the trigger's own policy.
const shop = { id: 'shop', origins: ['https://shop.example.com'] };
const claims = {
  groups: [{ group: 'admins', roles: ['admin'], scopes: ['api/admin'] }, { group: 'staff', roles: ['editor'] }],
  scopes: ['api/read'],
  apps: { shop: { rolesClaim: 'shop:roles', groups: [{ group: 'buyers', roles: ['buyer'] }], dropUserAdminScope: true } },
};

describe('tokenClaims turns on the pre token generation trigger', () => {
  const stack = stackWith({ frontDoor: false, apps: [shop], passkeyRelyingPartyId: 'example.com', tokenClaims: claims });
  const t = Template.fromStack(stack);
  const trigger = stack.authApi.triggers.find((x) => x.definition.name === 'preTokenGeneration')!;
  const fnId = logicalId(stack, trigger.function);
  const fn = t.toJSON().Resources[fnId];
  const pool = resourcesOf(t, 'AWS::Cognito::UserPool')[0][1];

  test('wired as PreTokenGenerationConfig V2_0 (and PreTokenGeneration, the same ARN, is left to Cognito)', () => {
    expect(stack.authApi.triggers.map((x) => x.definition.name)).toEqual(['preTokenGeneration']);
    expect(pool.Properties.LambdaConfig).toEqual({ PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V2_0' } });
    // V2_0 needs the Essentials or Plus feature plan; the construct's pool is on one of them.
    expect(['ESSENTIALS', 'PLUS']).toContain(pool.Properties.UserPoolTier);
  });

  test('the rules reach the function as TOKEN_CLAIMS, the JSON the Rust side parses', () => {
    const env = fn.Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(['COGNITO_TRIGGER', 'TOKEN_CLAIMS']);
    expect(env.COGNITO_TRIGGER).toBe('preTokenGeneration');
    const parsed = JSON.parse(env.TOKEN_CLAIMS);
    expect(parsed.scopes).toEqual(['api/read']);
    expect(parsed.groups[0]).toEqual({ group: 'admins', roles: ['admin'], scopes: ['api/admin'] });
    expect(parsed.apps.shop).toMatchObject({ rolesClaim: 'shop:roles', dropUserAdminScope: true });
    // No client id in its environment (the pool refers to the function: a cycle): apps are keyed by app id.
    expect(JSON.stringify(env)).not.toContain('Ref');
  });

  test('its one Cognito action, ListUserPoolClients, on the pool only, in a policy the function does not depend on', () => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const attached = resourcesOf(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId));
    expect(attached).toHaveLength(1);
    expect(attached[0][1].Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow', Action: 'cognito-idp:ListUserPoolClients', Resource: { 'Fn::GetAtt': [logicalId(stack, stack.authApi.userPool as any), 'Arn'] },
    }]);
    expect([fn.DependsOn ?? []].flat()).not.toContain(attached[0][0]);
  });

  test('one function more than the routes; the app client of app shop is named shop (what the trigger maps)', () => {
    expect(resourcesOf(t, 'AWS::Lambda::Function')).toHaveLength(definition.routes.length + 1);
    const names = resourcesOf(t, 'AWS::Cognito::UserPoolClient').map(([, c]) => c.Properties.ClientName);
    expect(names).toContain('shop');
  });
});

test('the context key tokenClaims (JSON)', () => {
  const { stacks } = appFromContext({ tokenClaims: JSON.stringify({ groups: [{ group: 'admins', roles: ['admin'] }] }) }, false);
  const [trigger] = stacks.api.authApi.triggers;
  expect(trigger.definition.name).toBe('preTokenGeneration');
  const fn = Template.fromStack(stacks.api).toJSON().Resources[logicalId(stacks.api, trigger.function)];
  expect(JSON.parse(fn.Properties.Environment.Variables.TOKEN_CLAIMS).groups).toEqual([{ group: 'admins', roles: ['admin'], scopes: [] }]);
  expect(() => appFromContext({ tokenClaims: '{not json' }, false)).toThrow(/context tokenClaims must be JSON/);
});

test('what the function would refuse fails synth with the fix', () => {
  const bad: [any, RegExp][] = [
    [{ dropUserAdminScope: true }, /only for one app's tokens/],
    [{ rolesClaim: 'sub' }, /a claim Cognito sets itself/],
    [{ rolesClaim: 'cognito:groups' }, /a claim Cognito sets itself/],
    [{ rolesClaim: 'has space' }, /must be 1-64 letters/],
    [{ scopes: ['two words'] }, /is not an OAuth scope/],
    [{ scopes: ['aws.cognito.signin.user.admin'] }, /cannot be added/],
    [{ groups: [{ group: 'a', roles: ['x'] }, { group: 'a', roles: ['y'] }] }, /has two rules/],
    [{ groups: [{ group: 'a' }] }, /neither roles nor scopes/],
    [{ groups: [{ group: 'a', roles: ['x'], extra: 1 }] }, /unknown key extra/],
    [{ unknown: 1 }, /unknown key unknown/],
    [{ apps: { default: { scopes: ['a/b'] } } }, /not another app's id/],
    [{ apps: { nope: { scopes: ['a/b'] } } }, /no app nope with its own user client/],
    [{ apps: { shop: { apps: {} } } }, /unknown key apps/],
  ];
  for (const [tokenClaims, re] of bad) {
    expect(() => stackWith({ frontDoor: false, apps: [shop], passkeyRelyingPartyId: 'example.com', tokenClaims })).toThrow(re);
  }
});
