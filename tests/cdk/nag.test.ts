import { App, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CognitoAuthApiStack } from '../../lib/cognito-auth-api-stack';
import { ThreatProtection } from '../../lib/cognito-auth-api';
import { appFromContext, FROM_SOURCE, SKIP_BUNDLING } from './helpers';

interface Ack { path: string; id: string; reason: string }

/** Every acknowledgement recorded with Validations.of(x).acknowledge(), with the construct path it sits on. */
function acknowledgements(root: IConstruct): Ack[] {
  const out: Ack[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, v] of Object.entries(m.data as Record<string, any>)) {
        out.push({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason: typeof v === 'string' ? v : v?.reason ?? JSON.stringify(v) });
      }
    }
  }
  return out;
}

function rawFindings(root: IConstruct) {
  const pack = new AwsSolutionsChecks();
  (pack as any).isAcknowledged = () => false; // what cdk-nag would report with no acknowledgement at all
  return pack.validateScope(root).violations;
}

const variants: [string, () => App][] = [
  ['default app, us-east-1', () => appFromContext({ region: 'us-east-1' }, false).app],
  ['default app, eu-west-1 + WAF stack', () => appFromContext({ region: 'eu-west-1' }, false).app],
  ['front door off', () => appFromContext({ region: 'eu-west-1', frontDoor: 'false' }, false).app],
  ['the pre sign-up trigger on', () => appFromContext({ region: 'eu-west-1', signUpEmailDomains: 'example.com' }, false).app],
  ['threat protection on, user pool web ACL, alarm topic', () => {
    const app = new App({ context: SKIP_BUNDLING });
    new CognitoAuthApiStack(app, 'Full', {
      env: { region: 'us-east-1', account: '123456789012' },
      corsOrigins: ['https://app.example.com'],
      threatProtection: ThreatProtection.ENFORCED,
      userPoolWebAcl: true,
      alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:ops',
      code: FROM_SOURCE,
    });
    return app;
  }],
];

describe.each(variants)('cdk-nag AwsSolutions (%s)', (_label, make) => {
  test('zero unacknowledged errors or warnings', () => {
    const app = make();
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });

  test('every acknowledgement carries a real reason and silences a real finding (no stale acknowledgements)', () => {
    const app = make();
    const raw = rawFindings(app);
    for (const a of acknowledgements(app)) {
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.reason).not.toMatch(/^(todo|n\/a|ok|ignore|suppress)/i);
      const hit = raw.some((v) => v.ruleName === a.id && v.violatingResources.some((r) => (r.constructPath ?? '').startsWith(a.path)));
      expect([a.path, a.id, hit]).toEqual([a.path, a.id, true]);
    }
  });
});

test('the cdk-nag plugin is registered on the app, so a real `cdk synth` fails on a new finding', () => {
  const { app } = appFromContext({ region: 'us-east-1' });
  expect(() => app.synth()).not.toThrow(); // all findings acknowledged
  const bad = appFromContext({ region: 'us-east-1' }).app;
  const s = new Stack(bad, 'Extra', { env: { region: 'us-east-1' } });
  const { aws_s3: s3 } = require('aws-cdk-lib');
  new s3.Bucket(s, 'UnencryptedBucket');
  expect(() => bad.synth()).toThrow(/AwsSolutions-S1/);
});
