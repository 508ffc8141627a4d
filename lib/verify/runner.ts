// Runs the checks in order (each one's requirements first: unmet ones make it SKIPPED with the reason), turns a thrown
// error into a FAIL with its message, and renders the results: a table for a terminal, or JSON for CI.
import { Check, Ctx, REQUIREMENT_REASONS, Requirement } from './check';
import { MANUAL_ITEMS } from './manual';
import { GROUPS, Outcome } from './types';
import { USER_ROLES, UserRole } from './users';

export interface Result {
  readonly id: string;
  readonly group: string;
  readonly title: string;
  readonly status: Outcome['status'];
  readonly evidence: string[];
  /** What only a real AWS account shows about this result. */
  readonly realAccount?: string;
  readonly seconds: number;
}

/** Why a check cannot run on this deployment with these options, or undefined when it can. */
export function unmet(ctx: Pick<Ctx, 'd' | 'o'>, c: Check): string | undefined {
  if (ctx.o.only && !ctx.o.only.includes(c.id)) return 'not selected (--only)';
  const has: { [r in Requirement]: boolean } = {
    stack: ctx.d.source === 'stack',
    cloudWatch: ctx.d.cloudWatch,
    frontDoor: ctx.d.frontDoor,
    distribution: ctx.d.frontDoor && ctx.d.source === 'stack' && !ctx.d.apiUrlOverridden,
    sessionCookie: ctx.d.sessionCookie,
    slow: ctx.o.slow,
    burst: ctx.o.burst,
    webAcl: ctx.d.webAcl !== undefined,
  };
  const missing = (c.requires ?? []).filter((r) => !has[r]);
  return missing.length ? missing.map((r) => REQUIREMENT_REASONS[r]).join('; ') : undefined;
}

export async function runChecks(ctx: Ctx, checks: Check[], onResult: (r: Result, i: number) => void): Promise<Result[]> {
  const results: Result[] = [];
  for (const [i, c] of checks.entries()) {
    const t0 = Date.now();
    const why = unmet(ctx, c);
    let outcome: Outcome;
    if (why) {
      outcome = { status: 'SKIPPED', evidence: [why] };
    } else {
      ctx.progress(`${c.id}: ${c.title}`);
      try {
        outcome = await c.run(ctx);
      } catch (e) {
        outcome = { status: 'FAIL', evidence: [`error: ${(e as Error).message}`] };
      }
    }
    const r: Result = { id: c.id, group: c.group, title: c.title, status: outcome.status, evidence: outcome.evidence, realAccount: c.realAccount, seconds: (Date.now() - t0) / 1000 };
    results.push(r);
    onResult(r, i);
  }
  return results;
}

/** The throwaway users the checks that will run need, and the calls they make: what --dry-run prints. */
export function plan(ctx: Pick<Ctx, 'd' | 'o'>, checks: Check[], emailFor: (r: UserRole) => string): string[] {
  const lines: string[] = [];
  const run = checks.filter((c) => !unmet(ctx, c));
  const roles = [...new Set(run.flatMap((c) => c.users ?? []))];
  lines.push(`Deployment: ${ctx.d.source === 'stack' ? `stack ${ctx.d.stackName} in ${ctx.d.region}` : 'local (make dev)'}; API ${ctx.d.apiUrl}; pool ${ctx.d.userPoolId}; front door ${ctx.d.frontDoor ? 'on' : 'off'}; session cookie ${ctx.d.sessionCookie ? 'on' : 'off'}`);
  lines.push('');
  lines.push(`Throwaway users it will create in pool ${ctx.d.userPoolId} (AdminCreateUser with MessageAction SUPPRESS and email_verified, so no email is sent; AdminSetUserPassword; AdminDeleteUser at the end, also after a failure or Ctrl-C). No other user is read, changed or signed out:`);
  for (const r of roles) lines.push(`  ${emailFor(r)}  (${r}: ${USER_ROLES[r]})`);
  if (roles.length === 0) lines.push('  none');
  lines.push('');
  lines.push('Checks:');
  for (const c of checks) {
    const why = unmet(ctx, c);
    lines.push(`  ${why ? 'skip' : 'run '} ${c.id}: ${why ? `SKIPPED (${why})` : c.plan}`);
  }
  lines.push('');
  lines.push('Already done to prepare this plan (read-only): CloudFormation DescribeStacks, GetTemplate, ListStackResources (and ListStackResources of <stack>-Waf in us-east-1).');
  return lines;
}

const COLOR = { PASS: '\u001b[32m', FAIL: '\u001b[31m', SKIPPED: '\u001b[33m', reset: '\u001b[0m' };

/** The terminal table: per checklist group, one line per check, its evidence below; then the summary and what is left to a person. */
export function table(results: Result[], o: { color: boolean; overridden: boolean; header: string[]; cleanup: string[] }): string {
  const paint = (s: Result['status']) => (o.color ? `${COLOR[s]}${s.padEnd(7)}${COLOR.reset}` : s.padEnd(7));
  const out: string[] = [...o.header, ''];
  for (const g of GROUPS) {
    const rs = results.filter((r) => r.group === g);
    if (rs.length === 0) continue;
    out.push(g);
    for (const r of rs) {
      const mark = r.realAccount && o.overridden && r.status !== 'SKIPPED' ? ' *' : '';
      out.push(`  ${paint(r.status)} ${r.id}${mark}: ${r.title}`);
      for (const e of r.evidence) out.push(`            ${e}`);
      if (r.realAccount && r.status !== 'SKIPPED') out.push(`            only a real AWS account shows: ${r.realAccount}`);
    }
    out.push('');
  }
  const n = (s: Result['status']) => results.filter((r) => r.status === s).length;
  if (o.overridden) out.push('* run against endpoint overrides (emulator / stand-ins), not AWS: these results say nothing about AWS itself.', '');
  out.push('Throwaway users:', ...(o.cleanup.length ? o.cleanup.map((l) => `  ${l}`) : ['  none created']), '');
  out.push('Left to you (the first-deploy checklist in the docs; the command cannot check these):');
  for (const m of MANUAL_ITEMS) out.push(`  - [${m.group}] ${m.text} (${m.why})`);
  out.push('');
  out.push(`verify: ${n('PASS')} passed, ${n('FAIL')} failed, ${n('SKIPPED')} skipped`);
  return out.join('\n');
}
