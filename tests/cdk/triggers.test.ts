import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CognitoAuthApi } from '../../lib/cognito-auth-api';
import { loadTriggerDefinitions, parseTriggerDefinitions, TriggerDefinitions } from '../../lib/trigger-definition';
import { appFromContext, definition, FROM_SOURCE, logicalId, resourcesOf, SKIP_BUNDLING, stackWith } from './helpers';

// The Cognito triggers: declared in cdk/triggers.json, each on by its prop (none by default), one function per trigger
// on the routes' asset, wired to the pool's LambdaConfig, with exactly its declared Cognito actions on exactly the pool
// in a policy of its own (the role's inline policy refers to nothing but its log group: no cycle through the pool).
const triggerDefinitions = loadTriggerDefinitions();
const asList = (x: unknown) => (Array.isArray(x) ? x : [x]);

/** The repository's definition with `actions` declared for preSignUp (what account linking, issue 23, will declare). */
function withActions(actions: string[]): TriggerDefinitions {
  return { triggers: triggerDefinitions.triggers.map((t) => (t.name === 'preSignUp' ? { ...t, cognitoActions: actions } : t)) };
}

const functionsOf = (t: Template) => resourcesOf(t, 'AWS::Lambda::Function');
const poolOf = (t: Template) => resourcesOf(t, 'AWS::Cognito::UserPool')[0][1];

test('no trigger by default: the pool has no LambdaConfig and there is one function per route', () => {
  const stack = stackWith();
  const t = Template.fromStack(stack);
  expect(stack.authApi.triggers).toEqual([]);
  expect(poolOf(t).Properties.LambdaConfig).toBeUndefined();
  expect(functionsOf(t)).toHaveLength(definition.routes.length);
  const register = stack.authApi.routes.find((r) => r.definition.name === 'register')!;
  const env = t.toJSON().Resources[logicalId(stack, register.function)].Properties.Environment.Variables;
  expect(env.SIGN_UP_EMAIL_DOMAINS).toBe('');
});

describe('signUpEmailDomains turns on the pre sign-up trigger', () => {
  const stack = stackWith({ signUpEmailDomains: ['Example.com', 'example.org', 'example.com'] });
  const t = Template.fromStack(stack);
  const [trigger] = stack.authApi.triggers;
  const fnId = logicalId(stack, trigger.function);
  const fn = t.toJSON().Resources[fnId];

  test('one function running the routes\' asset, as COGNITO_TRIGGER=preSignUp, with the list and Cognito\'s 5 s', () => {
    expect(stack.authApi.triggers.map((x) => x.definition.name)).toEqual(['preSignUp']);
    expect(functionsOf(t)).toHaveLength(definition.routes.length + 1);
    const route = t.toJSON().Resources[logicalId(stack, stack.authApi.routes[0].function)];
    expect(fn.Properties.Code).toEqual(route.Properties.Code);
    expect(fn.Properties.Handler).toBe('bootstrap');
    expect(fn.Properties.Timeout).toBe(5);
    expect(fn.Properties.Environment.Variables).toEqual({ COGNITO_TRIGGER: 'preSignUp', SIGN_UP_EMAIL_DOMAINS: 'example.com,example.org' });
    expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: logicalId(stack, trigger.logGroup as any) });
  });

  test('the register route checks the same list', () => {
    const register = stack.authApi.routes.find((r) => r.definition.name === 'register')!;
    expect(t.toJSON().Resources[logicalId(stack, register.function)].Properties.Environment.Variables.SIGN_UP_EMAIL_DOMAINS).toBe('example.com,example.org');
  });

  test('the pool\'s LambdaConfig names the function, and only Cognito on this pool may invoke it', () => {
    expect(poolOf(t).Properties.LambdaConfig).toEqual({ PreSignUp: { 'Fn::GetAtt': [fnId, 'Arn'] } });
    const perms = resourcesOf(t, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes(fnId));
    expect(perms).toHaveLength(1);
    expect(perms[0][1].Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.authApi.userPool as any), 'Arn'] },
    });
  });

  test('its role writes its own logs and nothing else (pre sign-up declares no Cognito action)', () => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const role = t.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toEqual([{
      PolicyName: 'Logs',
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logicalId(stack, trigger.logGroup as any), 'Arn'] } }] },
    }]);
    expect(resourcesOf(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))).toEqual([]);
    expect(trigger.cognitoPolicy).toBeUndefined();
  });
});

describe.each([
  ['the repository\'s definition', triggerDefinitions],
  ['a definition declaring Cognito actions', withActions(['ListUsers', 'AdminLinkProviderForUser'])],
])('IAM of each trigger that is on (%s)', (_label, defs) => {
  const stack = stackWith({ signUpEmailDomains: ['example.com'], tokenClaims: { scopes: ['api/read'] }, triggerDefinitions: defs });
  const t = Template.fromStack(stack);
  const resources = t.toJSON().Resources;

  test.each(defs.triggers.filter((d) => stack.authApi.triggers.some((x) => x.definition.name === d.name)).map((d) => [d.name, d] as const))(
    '%s: cognito-idp actions equal its declared actions, on the user pool only, in a policy the function does not depend on', (name, def) => {
      const trigger = stack.authApi.triggers.find((x) => x.definition.name === name)!;
      const fnId = logicalId(stack, trigger.function);
      const roleId = resources[fnId].Properties.Role['Fn::GetAtt'][0];
      expect(JSON.stringify(resources[roleId].Properties.Policies)).not.toContain('cognito-idp');
      const attached = resourcesOf(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId));
      const statements = attached.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      const actions = statements.flatMap((s: any) => asList(s.Action)).sort();
      expect(actions).toEqual(def.cognitoActions.map((a) => `cognito-idp:${a}`).sort());
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, stack.authApi.userPool as any), 'Arn'] });
      }
      // The edge of the cycle aws-cdk#7016 describes: the function must not depend on the policy that names the pool.
      for (const [policyId] of attached) expect(asList(resources[fnId].DependsOn ?? [])).not.toContain(policyId);
      expect(attached.length).toBe(def.cognitoActions.length > 0 ? 1 : 0);
    });
});

test('the context key signUpEmailDomains', () => {
  const { stacks } = appFromContext({ signUpEmailDomains: 'example.com, example.org' }, false);
  expect(stacks.api.authApi.triggers.map((x) => x.definition.name)).toEqual(['preSignUp']);
  const fn = Template.fromStack(stacks.api).toJSON().Resources[logicalId(stacks.api, stacks.api.authApi.triggers[0].function)];
  expect(fn.Properties.Environment.Variables.SIGN_UP_EMAIL_DOMAINS).toBe('example.com,example.org');
  expect(() => appFromContext({ signUpEmailDomains: ',' }, false)).toThrow(/signUpEmailDomains is empty/);
});

test('bad allow-lists fail synth with the fix', () => {
  expect(() => stackWith({ signUpEmailDomains: [] })).toThrow(/signUpEmailDomains is empty, which would refuse every sign-up/);
  for (const bad of ['*.example.com', '@example.com', 'example', 'https://example.com', 'example.com:443']) {
    expect(() => stackWith({ signUpEmailDomains: [bad] })).toThrow(/is not a domain name like example\.com/);
  }
});

test('an imported pool cannot take triggers', () => {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
  const userPool = cognito.UserPool.fromUserPoolId(stack, 'P', 'eu-west-1_abc');
  const userPoolClient = cognito.UserPoolClient.fromUserPoolClientId(stack, 'C', 'client');
  const { Secret } = require('aws-cdk-lib/aws-secretsmanager');
  const userPoolClientSecret = Secret.fromSecretNameV2(stack, 'K', 'client-secret');
  expect(() => new CognitoAuthApi(stack, 'A', {
    corsOrigins: ['https://app.example.com'], frontDoor: false, code: FROM_SOURCE, userPool, userPoolClient, userPoolClientSecret, signUpEmailDomains: ['example.com'],
  })).toThrow(/need a user pool whose LambdaConfig this app sets/);
});

test('the trigger definition is checked like the routes', () => {
  const base = { name: 'x', cognitoTrigger: 'PreSignUp', triggerSources: ['PreSignUp_SignUp'], runsOn: ['SignUp'], cognitoActions: [], env: [], timeoutSeconds: 5, summary: 's', prop: 'p', callerEffect: 'e' };
  const parse = (t: object) => () => parseTriggerDefinitions({ triggers: [{ ...base, ...t }] });
  expect(parse({})).not.toThrow();
  expect(parse({ env: ['COGNITO_USER_POOL_ID'] })).toThrow(/may not get the pool's \(or its client's\) ids.*CloudFormation cycle/);
  expect(parse({ timeoutSeconds: 6 })).toThrow(/timeoutSeconds must be a whole number of seconds from 1 to 5/);
  expect(parse({ cognitoTrigger: 'PreSignup' })).toThrow(/cognitoTrigger must be one of/);
  expect(parse({ cognitoActions: ['cognito-idp:ListUsers'] })).toThrow(/cognitoActions/);
  expect(parse({ triggerSources: [] })).toThrow(/triggerSources/);
  expect(parse({ runsOn: [] })).toThrow(/runsOn/);
  expect(parse({ callerEffect: '' })).toThrow(/callerEffect/);
  expect(() => parseTriggerDefinitions({ triggers: [base, { ...base, name: 'y' }] })).toThrow(/wired to two triggers/);
  // The repository's file is what the Rust binary embeds (definition.rs reads the same file); each trigger's prop is
  // a prop of the construct.
  expect(triggerDefinitions.triggers.map((x) => x.name)).toEqual(['preSignUp', 'preTokenGeneration', 'userMigration', 'customMessage']);
  const propsSource = require('fs').readFileSync(require('path').join(__dirname, '..', '..', 'lib', 'cognito-auth-api.ts'), 'utf-8');
  for (const d of triggerDefinitions.triggers) expect(propsSource).toMatch(new RegExp(`readonly ${d.prop}\\?:`));
});

describe('userMigration turns on the user migration trigger', () => {
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy-auth-AbCdEf';
  const stack = stackWith({ userMigration: { url: 'https://legacy.example.com/authenticate', secretCompleteArn: secretArn } });
  const t = Template.fromStack(stack);
  const trigger = stack.authApi.triggers.find((x) => x.definition.name === 'userMigration')!;
  const fnId = logicalId(stack, trigger.function);
  const fn = t.toJSON().Resources[fnId];

  test('one function as COGNITO_TRIGGER=userMigration with the endpoint, the secret\'s ARN (never its value) and the 2 s budget', () => {
    expect(stack.authApi.triggers.map((x) => x.definition.name)).toEqual(['userMigration']);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      COGNITO_TRIGGER: 'userMigration', LEGACY_AUTH_URL: 'https://legacy.example.com/authenticate', LEGACY_AUTH_SECRET_ARN: secretArn, LEGACY_AUTH_TIMEOUT_MS: '2000',
    });
    expect(fn.Properties.Timeout).toBe(5);
    expect(poolOf(t).Properties.LambdaConfig).toEqual({ UserMigration: { 'Fn::GetAtt': [fnId, 'Arn'] } });
  });

  test('its role reads exactly that secret (GetSecretValue) and writes its logs, nothing else, and no Cognito action', () => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const role = t.toJSON().Resources[roleId];
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements.map((s: any) => [s.Action, s.Resource])).toEqual([
      [['logs:CreateLogStream', 'logs:PutLogEvents'], { 'Fn::GetAtt': [logicalId(stack, trigger.logGroup as any), 'Arn'] }],
      ['secretsmanager:GetSecretValue', secretArn],
    ]);
    expect(resourcesOf(t, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))).toEqual([]);
  });

  test('its failures are the metric LegacyAuthFailures, with an alarm', () => {
    const filters = resourcesOf(t, 'AWS::Logs::MetricFilter').filter(([, f]) => f.Properties.MetricTransformations[0].MetricName === 'LegacyAuthFailures');
    expect(filters).toHaveLength(1);
    expect(filters[0][1].Properties.FilterPattern).toBe('{ $.target = "audit" && $.action = "userMigration" && $.outcome = "failure" }');
    expect(stack.authApi.alarms.legacyAuthFailures).toBeDefined();
    const [, alarm] = resourcesOf(t, 'AWS::CloudWatch::Alarm').find(([id]) => id.includes('LegacyAuthFailures'))!;
    expect(alarm.Properties).toMatchObject({ MetricName: 'LegacyAuthFailures', Threshold: 5, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  test('no alarm and no filter without the trigger', () => {
    const plain = Template.fromStack(stackWith());
    expect(resourcesOf(plain, 'AWS::CloudWatch::Alarm').filter(([id]) => id.includes('LegacyAuthFailures'))).toEqual([]);
  });

  test('bad settings fail synth with the fix', () => {
    const secret = { secretCompleteArn: secretArn };
    expect(() => stackWith({ userMigration: { url: 'http://legacy.example.com', ...secret } })).toThrow(/must be an https:\/\/ URL/);
    const { Duration } = require('aws-cdk-lib');
    expect(() => stackWith({ userMigration: { url: 'https://l.example.com', timeout: Duration.seconds(4), ...secret } })).toThrow(/from 100 ms to 3 s/);
    expect(() => stackWith({ userMigration: { url: 'https://l.example.com' } })).toThrow(/exactly one/);
  });

  test('the context keys legacyAuthUrl, legacyAuthSecretArn, legacyAuthTimeoutMs', () => {
    const { stacks } = appFromContext({ legacyAuthUrl: 'https://l.example.com/a', legacyAuthSecretArn: secretArn, legacyAuthTimeoutMs: '1500' }, false);
    const tr = stacks.api.authApi.triggers.find((x) => x.definition.name === 'userMigration')!;
    const env = Template.fromStack(stacks.api).toJSON().Resources[logicalId(stacks.api, tr.function)].Properties.Environment.Variables;
    expect(env).toMatchObject({ LEGACY_AUTH_URL: 'https://l.example.com/a', LEGACY_AUTH_SECRET_ARN: secretArn, LEGACY_AUTH_TIMEOUT_MS: '1500' });
    expect(() => appFromContext({ legacyAuthUrl: 'https://l.example.com/a' }, false)).toThrow(/set both, or neither/);
  });
});
