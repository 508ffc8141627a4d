#!/usr/bin/env node
// `npx cognito-auth-api verify --stack <name> [--region …]`: proves a real deployment does what this project's tests
// assume (the first-deploy checklist as a command). The package's bin; `make verify-deployment STACK=…` in the
// repository. Exit status: 0 when nothing FAILed, 1 on any FAIL, 2 on bad usage or an unreadable stack, 130 on Ctrl-C
// (after deleting the throwaway users).
import * as crypto from 'crypto';
import * as path from 'path';
import { awsClients, endpointOverrides } from './aws';
import type { Ctx, Options } from './check';
import { ALL_CHECKS } from './checks';
import { CloudWatchEvidence } from './cloudwatch';
import { deploymentFromLocal, deploymentFromStack } from './deployment';
import { Api, request } from './http';
import { MANUAL_ITEMS } from './manual';
import { plan, Result, runChecks, table } from './runner';
import type { Deployment } from './types';
import { ThrowawayUsers } from './users';

const USAGE = `Usage: cognito-auth-api verify --stack <name> [--region <region>] [options]
       cognito-auth-api verify --local [--api-url http://127.0.0.1:3000] [options]

Runs every first-deploy check a program can check against a deployed auth API stack, on throwaway users it creates
and deletes (also after a failure or Ctrl-C). Credentials and endpoints: the AWS SDK's usual settings.

  --stack <name>          the API stack (CognitoAuthApi by default in this repository)
  --region <region>       its region (default: AWS_REGION, else the profile's, else us-east-1)
  --api-url <url>         override the ApiUrl output (the URL frontends call)
  --execute-api-url <url> override the HTTP API's own URL (direct calls, front door on)
  --local [file]          the API of make dev (default file .dev/local-cognito.json; API http://127.0.0.1:3000)
  --cors-origin <origin>  --local: the frontend origin (default http://localhost:5173)
  --session-cookie        --local: the API runs with SESSION_COOKIE=on
  --dry-run               say what it would create and call, then stop
  --json                  print the results as JSON (for CI)
  --wait <seconds>        longest wait for log lines and metrics (default 360)
  --slow                  also the idle-time checks (about 6 minutes more)
  --burst                 also the per-IP WAF limit (blocks this address on the sensitive paths for up to 5 minutes)
  --my-ip <address>       this machine's public address as the API sees it (default: asked of checkip.amazonaws.com)
  --email-domain <domain> domain of the throwaway addresses (default example.com; no email is sent to them)
  --only <id,id,...>      run only these checks
  --list                  list the checks and what is left to a person
`;

interface Args {
  [k: string]: string | boolean | undefined;
}

function parseArgs(argv: string[]): Args {
  const flags = new Set(['dry-run', 'json', 'slow', 'burst', 'session-cookie', 'list', 'help']);
  const a: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2);
    if (flags.has(key)) a[key] = true;
    else if (key === 'local') a.local = inline ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true);
    else {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`--${key} needs a value`);
      a[key] = v;
    }
  }
  const known = new Set([...flags, 'local', 'stack', 'region', 'api-url', 'execute-api-url', 'cors-origin', 'wait', 'my-ip', 'email-domain', 'only']);
  for (const k of Object.keys(a)) if (!known.has(k)) throw new Error(`unknown option --${k}`);
  return a;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] !== 'verify') {
    process.stderr.write(USAGE);
    return argv[0] === '--help' || argv[0] === 'help' ? 0 : 2;
  }
  let args: Args;
  try {
    args = parseArgs(argv.slice(1));
  } catch (e) {
    process.stderr.write(`verify: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.list) {
    for (const c of ALL_CHECKS) process.stdout.write(`${c.id}\t${c.group}\t${c.title}\n`);
    for (const m of MANUAL_ITEMS) process.stdout.write(`(left to you) ${m.id}\t${m.group}\t${m.text}\n`);
    return 0;
  }
  if (!args.stack && !args.local) {
    process.stderr.write(`verify: --stack <name> (or --local) is required\n\n${USAGE}`);
    return 2;
  }
  const o: Options = {
    dryRun: !!args['dry-run'],
    json: !!args.json,
    waitMs: Number(args.wait ?? 360) * 1000,
    slow: !!args.slow,
    burst: !!args.burst,
    myIp: args['my-ip'] as string | undefined,
    emailDomain: (args['email-domain'] as string) ?? 'example.com',
    only: args.only ? String(args.only).split(',') : undefined,
  };
  const region = (args.region as string) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const err = (m: string) => process.stderr.write(`verify: ${m}\n`);

  let d: Deployment;
  let cognitoEndpoint: string | undefined;
  try {
    if (args.local) {
      const local = deploymentFromLocal({
        infoFile: typeof args.local === 'string' ? args.local : path.join('.dev', 'local-cognito.json'),
        apiUrl: (args['api-url'] as string) ?? 'http://127.0.0.1:3000',
        corsOrigin: (args['cors-origin'] as string) ?? 'http://localhost:5173',
        sessionCookie: !!args['session-cookie'],
        executeApiUrl: args['execute-api-url'] as string | undefined,
      });
      cognitoEndpoint = process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? local.cognitoEndpoint;
      // The emulator takes any credentials; the SDK wants some.
      process.env.AWS_ACCESS_KEY_ID ??= 'local';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
      d = local;
    } else {
      d = await deploymentFromStack(awsClients(region), {
        stackName: String(args.stack), region, apiUrl: args['api-url'] as string | undefined, executeApiUrl: args['execute-api-url'] as string | undefined,
      });
    }
  } catch (e) {
    err((e as Error).message);
    return 2;
  }

  const aws = awsClients(d.region, cognitoEndpoint);
  const runId = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${crypto.randomBytes(3).toString('hex')}`;
  const users = new ThrowawayUsers(aws.cognito, d.userPoolId, runId, o.emailDomain);
  const tty = process.stderr.isTTY && !o.json;
  let n = 0;
  const progress = (msg: string) => {
    const line = `[${n + 1}/${ALL_CHECKS.length}] ${msg}`;
    if (tty) process.stderr.write(`\r\u001b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else process.stderr.write(`${line}\n`);
  };
  let ipPromise: Promise<string> | undefined;
  const ctx: Ctx = {
    d, o, aws, users, progress,
    api: new Api(d.apiUrl),
    cw: new CloudWatchEvidence(aws),
    startedMs: Date.now(),
    state: new Map(),
    cognitoEndpoint: cognitoEndpoint ?? process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? process.env.AWS_ENDPOINT_URL,
    myIp: () => (ipPromise ??= o.myIp ? Promise.resolve(o.myIp) : request('GET', 'https://checkip.amazonaws.com/').then((a) => a.text.trim())),
  };
  const overrides = endpointOverrides();
  const overridden = d.source === 'local' || overrides.length > 0 || cognitoEndpoint !== undefined;

  if (o.dryRun) {
    process.stdout.write(`${plan(ctx, ALL_CHECKS, (r) => users.emailFor(r)).join('\n')}\n`);
    return 0;
  }

  // Cleanup exactly once: at the end, or on Ctrl-C / SIGTERM in the middle of a check.
  let cleaned: Promise<string[]> | undefined;
  const cleanup = () => (cleaned ??= users.cleanup());
  const onSignal = (sig: NodeJS.Signals) => {
    if (tty) process.stderr.write('\n');
    err(`${sig}: deleting the throwaway users before stopping`);
    cleanup().then((lines) => {
      for (const l of lines) err(l);
      process.exit(130);
    }, (e) => {
      err(`cleanup failed: ${(e as Error).message}`);
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let results: Result[] = [];
  try {
    results = await runChecks(ctx, ALL_CHECKS, (r, i) => {
      n = i + 1;
      if (tty) process.stderr.write(`\r\u001b[2K[${i + 1}/${ALL_CHECKS.length}] ${r.status} ${r.id}\n`);
    });
  } finally {
    if (tty) process.stderr.write('\r\u001b[2K');
  }
  const cleanupLines = await cleanup();
  const failed = results.some((r) => r.status === 'FAIL') || cleanupLines.some((l) => l.includes('NOT deleted'));
  const header = [
    `cognito-auth-api verify: ${d.source === 'stack' ? `stack ${d.stackName} (${d.region})` : 'local API (make dev)'}, API ${d.apiUrl}${d.version ? `, version ${d.version}` : ''}`,
    ...(overrides.length || cognitoEndpoint ? [`endpoint overrides: ${[...overrides, ...(cognitoEndpoint ? [`cognito-idp=${cognitoEndpoint}`] : [])].join(', ')}`] : []),
  ];
  if (o.json) {
    process.stdout.write(`${JSON.stringify({
      deployment: { source: d.source, stack: d.stackName, region: d.region, apiUrl: d.apiUrl, version: d.version, frontDoor: d.frontDoor, sessionCookie: d.sessionCookie },
      endpointOverrides: overridden ? [...overrides, ...(cognitoEndpoint ? [`cognito-idp=${cognitoEndpoint}`] : [])] : [],
      results,
      cleanup: cleanupLines,
      leftToYou: MANUAL_ITEMS,
      summary: { passed: results.filter((r) => r.status === 'PASS').length, failed: results.filter((r) => r.status === 'FAIL').length, skipped: results.filter((r) => r.status === 'SKIPPED').length },
    }, null, 2)}\n`);
  } else {
    process.stdout.write(`${table(results, { color: !!process.stdout.isTTY, overridden, header, cleanup: cleanupLines })}\n`);
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.stderr.write(`verify: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  });
}
