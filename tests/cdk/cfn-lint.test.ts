import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildAuthApiApp } from '../../lib/app';
import { CognitoAuthApiStack } from '../../lib/cognito-auth-api-stack';
import { loadTriggerDefinitions } from '../../lib/trigger-definition';
import { FROM_SOURCE, SKIP_BUNDLING } from './helpers';
import { DEFAULT_APPS_FILE } from '../../lib/apps-definition';

// cfn-lint (pinned in tests/requirements.txt, installed into .venv by `make venv`) on synthesized templates.
const CFN_LINT = path.join(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint');
const IGNORED: Record<string, string> = JSON.parse(fs.readFileSync(path.join(__dirname, 'cfn-lint.json'), 'utf-8')).ignoreChecks;

test('every ignored cfn-lint check has a reason', () => {
  for (const [id, reason] of Object.entries(IGNORED)) expect([id, reason.length > 40]).toEqual([id, true]);
});

describe.each([
  ['us-east-1 (one stack, web ACL inside)', { region: 'us-east-1' }],
  ['eu-west-1 (API stack + us-east-1 WAF stack)', { region: 'eu-west-1' }],
  ['front door off, threat protection on, the apps of cdk/apps.json', {
    region: 'eu-west-1', frontDoor: 'false', threatProtection: 'ENFORCED', alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops', appsFile: DEFAULT_APPS_FILE,
  }],
  ['the pre sign-up trigger on', { region: 'eu-west-1', signUpEmailDomains: 'example.com' }],
  ['both triggers on (pre token generation V2_0 with ListUserPoolClients on the pool)', { region: 'eu-west-1', signUpEmailDomains: 'example.com', tokenClaims: '{"groups":[{"group":"admins","roles":["admin"]}],"scopes":["api/read"]}' }],
  ['every trigger on (user migration with its secret, custom messages on an SES pool)', {
    region: 'eu-west-1', signUpEmailDomains: 'example.com', tokenClaims: '{"groups":[{"group":"admins","roles":["admin"]}]}',
    legacyAuthUrl: 'https://legacy.example.com/auth', legacyAuthSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-auth-AbCdEf',
    sesFromEmail: 'no-reply@example.com', customMessages: '{"productName":"Example","signInUrl":"https://app.example.com/sign-in"}',
  }],
])('cfn-lint %s', (_label, context) => {
  test('passes with no error or warning', () => {
    if (!fs.existsSync(CFN_LINT)) {
      throw new Error(`${CFN_LINT} not found: run \`make venv\` (installs tests/requirements.txt into .venv)`);
    }
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
    const app = new App({ outdir, context: { ...SKIP_BUNDLING, ...context } });
    buildAuthApiApp(app);
    const asm = app.synth();
    const templates = asm.stacks.map((s) => s.templateFullPath);
    expect(templates.length).toBeGreaterThan(0);
    let output = '';
    try {
      output = execFileSync(CFN_LINT, ['--format', 'parseable', '--ignore-checks', ...Object.keys(IGNORED), '--', ...templates], { encoding: 'utf-8' });
    } catch (e: any) {
      output = `${e.stdout ?? ''}${e.stderr ?? ''}` || String(e);
    }
    expect(output.trim()).toBe('');
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

function lint(templates: string[]): string {
  try {
    return execFileSync(CFN_LINT, ['--format', 'parseable', '--ignore-checks', ...Object.keys(IGNORED), '--', ...templates], { encoding: 'utf-8' }).trim();
  } catch (e: any) {
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || String(e);
  }
}

function synthesized(build: (app: App) => void, context: Record<string, unknown> = SKIP_BUNDLING): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  const app = new App({ outdir, context });
  build(app);
  return app.synth().stacks.map((s) => s.templateFullPath);
}

// A trigger whose function may call Cognito on its own pool: the policy refers to the pool, the pool to the function.
// cfn-lint's E3004 ("Resource dependencies are not circular") would name the cycle; the construct grants through a
// separate policy, so there is none (auth-api-triggers.ts cites why).
test('a trigger granted Cognito actions on its own pool makes no dependency cycle', () => {
  const defs = loadTriggerDefinitions();
  const withActions = { triggers: defs.triggers.map((t) => ({ ...t, cognitoActions: ['ListUsers', 'AdminLinkProviderForUser'] })) };
  const templates = synthesized((app) => new CognitoAuthApiStack(app, 'Triggers', {
    env: { region: 'eu-west-1', account: '123456789012' }, corsOrigins: ['https://app.example.com'], frontDoor: false, code: FROM_SOURCE,
    signUpEmailDomains: ['example.com'], triggerDefinitions: withActions,
  }));
  expect(lint(templates)).toBe('');
});

// The checks above can fail: the same grant through the function's own role policy (aws-cdk#7016) is the cycle, which
// both CDK's own template validation at synth (on in cdk.json and here: F3004) and cfn-lint (E3004) report.
test('synth and cfn-lint report the cycle of a trigger granted through its function\'s role policy', () => {
  const cyclic = (app: App) => {
    const stack = new Stack(app, 'Cycle', { env: { region: 'eu-west-1', account: '123456789012' } });
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_20_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async (e) => e;') });
    const pool = new cognito.UserPool(stack, 'Pool');
    pool.addTrigger(cognito.UserPoolOperation.PRE_SIGN_UP, fn);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['cognito-idp:ListUsers'], resources: [pool.userPoolArn] }));
  };
  expect(() => synthesized(cyclic)).toThrow(/Circular Dependencies for resource/);
  const { '@aws-cdk/core:validateAgainstDefaultRules': _off, ...noValidation } = SKIP_BUNDLING;
  expect(lint(synthesized(cyclic, noValidation))).toMatch(/E3004/);
});
