/**
 * The failed-login and reused-refresh-token alarms held to the Rust function's real log output: the
 * metric filter patterns the stack synthesizes (lib/auth-api-alarms.ts) are applied to the audit lines the function writes
 * in its production log format (`lambda/auth-api/examples/audit_log_lines.rs`: the real logging
 * set-up, Lambda adapter and router, Cognito mocked). A rename on either side (the event's
 * `target`, `action` or `outcome` in Rust, or the selectors in the filter) fails here.
 *
 * Lambda passes log lines that are already JSON through unchanged in JSON log format, so the
 * line below is the log event the filter sees:
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-logformat.html
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { matchesJsonFilterPattern, parseJsonFilterPattern } from './filter-pattern';
import { resourcesOf, stackWith, template } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

interface RustRun { lines: string[]; sent: { email: string; secrets: string[]; cases: { case: string; requestId: string; status: number }[] } }

function runRustFunction(): RustRun {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_LAMBDA_LOG_FORMAT: 'JSON' };
  delete env.RUST_LOG;
  delete env.AWS_LAMBDA_LOG_LEVEL;
  delete env.LOG_FORMAT;
  const r = spawnSync('cargo', ['run', '-q', '-p', 'auth-api', '--example', 'audit_log_lines'], {
    cwd: ROOT, env, encoding: 'utf8', timeout: 15 * 60 * 1000, maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`cargo run --example audit_log_lines failed (${r.status ?? r.error}):\n${r.stderr}`);
  const sent = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return { sent, lines: r.stderr.split('\n').filter((l) => l.trim() !== '') };
}

describe('metric filters against the function\'s real audit lines', () => {
  let run: RustRun;
  let pattern: string;
  let reusePattern: string;
  beforeAll(() => {
    run = runRustFunction();
    const byMetric = new Map<string, Set<string>>();
    for (const [, f] of resourcesOf(template(stackWith()), 'AWS::Logs::MetricFilter')) {
      const name = f.Properties.MetricTransformations[0].MetricName as string;
      byMetric.set(name, (byMetric.get(name) ?? new Set()).add(f.Properties.FilterPattern as string));
    }
    expect([...byMetric.keys()].sort()).toEqual(['FailedLogins', 'RefreshTokenReuse']);
    for (const patterns of byMetric.values()) expect(patterns.size).toBe(1);
    pattern = [...byMetric.get('FailedLogins')!][0];
    reusePattern = [...byMetric.get('RefreshTokenReuse')!][0];
  }, 15 * 60 * 1000);

  const lineOf = (c: string) => {
    const id = run.sent.cases.find((x) => x.case === c)!.requestId;
    const found = run.lines.filter((l) => l.includes(`"${id}"`));
    expect(found).toHaveLength(1); // one audit event per auth action
    return found[0];
  };

  test('the filter counts a failed login and nothing else the function wrote', () => {
    expect(run.sent.cases.map((c) => [c.case, c.status])).toEqual([
      ['login-failure', 401], ['login-success', 200], ['refresh-failure', 401], ['refresh-reuse', 401], ['trigger-allowed', 200], ['trigger-refused', 403],
    ]);
    expect(matchesJsonFilterPattern(pattern, lineOf('login-failure'))).toBe(true);
    expect(matchesJsonFilterPattern(pattern, lineOf('login-success'))).toBe(false);
    expect(matchesJsonFilterPattern(pattern, lineOf('refresh-failure'))).toBe(false);
    expect(matchesJsonFilterPattern(pattern, lineOf('refresh-reuse'))).toBe(false);
    expect(run.lines.filter((l) => matchesJsonFilterPattern(pattern, l))).toEqual([lineOf('login-failure')]);
  });

  test('the reuse filter counts a refresh with a rotated-out token and nothing else the function wrote', () => {
    expect(matchesJsonFilterPattern(reusePattern, lineOf('refresh-reuse'))).toBe(true);
    expect(run.lines.filter((l) => matchesJsonFilterPattern(reusePattern, l))).toEqual([lineOf('refresh-reuse')]);
  });

  // A pre sign-up refusal is a Lambda function error: the trigger's refusals are counted and taken out of the
  // function-errors alarm (lib/auth-api-alarms.ts), and nothing else may be.
  test('the trigger-refusal filter counts the pre sign-up trigger\'s refusal and nothing else the functions wrote', () => {
    const t = template(stackWith({ signUpEmailDomains: ['example.com'] }));
    const filters = resourcesOf(t, 'AWS::Logs::MetricFilter').filter(([, f]) => f.Properties.MetricTransformations[0].MetricName === 'TriggerRefusals');
    expect(filters).toHaveLength(1);
    const refusal = filters[0][1].Properties.FilterPattern as string;
    expect(run.lines.filter((l) => matchesJsonFilterPattern(refusal, l))).toEqual([lineOf('trigger-refused')]);
    expect(matchesJsonFilterPattern(refusal, lineOf('trigger-allowed'))).toBe(false);
    const [, errors] = resourcesOf(t, 'AWS::CloudWatch::Alarm').find(([id]) => id.includes('FunctionErrors'))!;
    const metrics = errors.Properties.Metrics as any[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('errors - FILL(refusals, 0)');
    expect(metrics.find((m) => m.Id === 'refusals').MetricStat.Metric.MetricName).toBe('TriggerRefusals');
    expect(metrics.find((m) => m.Id === 'errors').MetricStat.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
  });

  test('audit lines carry no email, password or token', () => {
    expect(run.lines.length).toBeGreaterThanOrEqual(3);
    for (const line of run.lines) {
      expect(() => JSON.parse(line)).not.toThrow(); // the production format: one JSON object per line
      expect(line).not.toContain(run.sent.email);
      expect(line).not.toContain('@');
      for (const s of run.sent.secrets) expect(line).not.toContain(s);
    }
  });
});

describe('the filter-pattern evaluator', () => {
  const p = '{ $.target = "audit" && $.action = "login" && $.outcome = "failure" }';
  test('string equality on every selector', () => {
    expect(matchesJsonFilterPattern(p, '{"target":"audit","action":"login","outcome":"failure","status":401}')).toBe(true);
    expect(matchesJsonFilterPattern(p, '{"target":"audit","action":"login","outcome":"success"}')).toBe(false);
    expect(matchesJsonFilterPattern(p, '{"target":"audit","event":"login","outcome":"failure"}')).toBe(false);
    expect(matchesJsonFilterPattern(p, '{"fields":{"target":"audit","action":"login","outcome":"failure"}}')).toBe(false);
    expect(matchesJsonFilterPattern(p, 'INFO audit action=login outcome=failure')).toBe(false);
    expect(matchesJsonFilterPattern('{ $.a.b = "x" }', '{"a":{"b":"x"}}')).toBe(true);
  });
  test('syntax beyond the subset is refused, not guessed', () => {
    for (const bad of ['{ $.a = "x" || $.b = "y" }', '{ ($.a = "x") }', '{ $.a != "x" }', '{ $.a = x* }', '{ $.n > 3 }', 'ERROR']) {
      expect(() => parseJsonFilterPattern(bad)).toThrow();
    }
  });
});
