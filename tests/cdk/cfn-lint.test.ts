import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildAuthApiApp } from '../../lib/app';
import { SKIP_BUNDLING } from './helpers';
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
