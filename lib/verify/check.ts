// What a check is and what it gets to work with. Each check is one item of the first-deploy checklist (or one part of
// it) that a program can confirm; it declares which routes and WAF rules it exercises, so that
// tests/verify/coverage.test.ts fails when the construct gains a route or a rule that no check covers.
import type { AwsClients } from './aws';
import type { CloudWatchEvidence } from './cloudwatch';
import { Api, ApiAnswer, describe } from './http';
import type { Group, Deployment, Outcome } from './types';
import type { ThrowawayUser, ThrowawayUsers, UserRole } from './users';

/** What a check needs before it can run; without it the check is SKIPPED with the reason below. */
export type Requirement = 'stack' | 'cloudWatch' | 'frontDoor' | 'distribution' | 'sessionCookie' | 'slow' | 'burst' | 'webAcl';

export const REQUIREMENT_REASONS: { [r in Requirement]: string } = {
  stack: 'needs a deployed stack (not --local)',
  cloudWatch: 'needs CloudWatch (not --local): only a deployment writes these logs and metrics',
  frontDoor: 'the deployment has no front door (frontDoor: false)',
  distribution: 'needs the stack\'s own CloudFront distribution and web ACL in front of ApiUrl (no front door, or --api-url/--local points elsewhere)',
  sessionCookie: 'the browser session mode is off (sessionCookie: false)',
  slow: 'takes minutes of idle time: run with --slow',
  burst: 'sends more than the per-IP limit and blocks this address on the sensitive paths for up to 5 minutes: run with --burst',
  webAcl: 'no CLOUDFRONT web ACL found in the stack or its <name>-Waf companion stack',
};

export interface Options {
  readonly dryRun: boolean;
  readonly json: boolean;
  /** Longest wait for log lines and metrics (ms). */
  readonly waitMs: number;
  readonly slow: boolean;
  readonly burst: boolean;
  /** The caller's public address as the API should see it (default: asked of checkip.amazonaws.com). */
  readonly myIp?: string;
  readonly emailDomain: string;
  /** Run only these check ids (and skip the others). */
  readonly only?: string[];
}

export interface Ctx {
  readonly d: Deployment;
  readonly o: Options;
  readonly api: Api;
  readonly aws: AwsClients;
  readonly cw: CloudWatchEvidence;
  readonly users: ThrowawayUsers;
  /** When the run started (ms since the epoch): log and metric reads look from here on. */
  readonly startedMs: number;
  readonly progress: (msg: string) => void;
  /** Values checks share (e.g. a session one check made and a later one uses). */
  readonly state: Map<string, unknown>;
  readonly myIp: () => Promise<string>;
  /** The Cognito endpoint override in effect (the emulator), when there is one: its JWKS lives there. */
  readonly cognitoEndpoint?: string;
}

export interface Check {
  readonly id: string;
  readonly group: Group;
  readonly title: string;
  /** Route names (cdk/routes.json) and web ACL rule names this check exercises. */
  readonly covers?: { readonly routes?: string[]; readonly wafRules?: string[] };
  readonly requires?: Requirement[];
  /** The throwaway users it works on. */
  readonly users?: UserRole[];
  /** What it calls and sends, for --dry-run. */
  readonly plan: string;
  /** What only a real AWS account shows about its result (marked in the output). */
  readonly realAccount?: string;
  run(ctx: Ctx): Promise<Outcome>;
}

export const pass = (...evidence: string[]): Outcome => ({ status: 'PASS', evidence });
export const fail = (...evidence: string[]): Outcome => ({ status: 'FAIL', evidence });
export const skip = (why: string): Outcome => ({ status: 'SKIPPED', evidence: [why] });

/** PASS when every condition holds, else FAIL; the evidence lists each with ok/NOT. */
export function verdict(items: [boolean, string][], extra: string[] = []): Outcome {
  const evidence = [...items.map(([ok, what]) => `${ok ? 'ok' : 'NOT'}: ${what}`), ...extra];
  return items.every(([ok]) => ok) ? pass(...evidence) : fail(...evidence);
}

export interface Tokens {
  readonly accessToken: string;
  readonly idToken: string;
  readonly refreshToken: string;
}

/** Logs a throwaway user in with its password; throws (the check FAILs) unless the answer is tokens. */
export async function login(ctx: Ctx, user: ThrowawayUser, headers: { [k: string]: string } = {}): Promise<Tokens & { answer: ApiAnswer }> {
  const a = await ctx.api.call('POST', '/auth/login', { body: { email: user.email, password: user.password }, headers });
  if (a.status !== 200 || !a.json?.accessToken) throw new Error(`${describe('POST', '/auth/login', a)} for ${user.role} user (expected 200 with tokens)`);
  return { accessToken: a.json.accessToken, idToken: a.json.idToken, refreshToken: a.json.refreshToken, answer: a };
}

/** The log group of a route (by its name in cdk/routes.json), when the stack has it. */
export function logGroupOf(ctx: Ctx, routeName: string): string | undefined {
  return Object.values(ctx.d.routes).find((r) => r.name === routeName)?.logGroupName;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An address no account has: same run, a role no user gets. */
export function unknownAddress(ctx: Ctx): string {
  return `cognito-auth-api-verify+${ctx.users.runId}-nobody@${ctx.o.emailDomain}`;
}
