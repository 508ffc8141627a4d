// The world `cognito-auth-api verify` is tested in, built from the real parts this machine has:
// - the API of `make dev` (tests/local-cognito/dev.sh: auth-local on the local Cognito emulator), with the front door's
//   origin-verify check on (ORIGIN_VERIFY_SECRET) and JSON logs (LOG_FORMAT=json);
// - a local front door: an HTTP proxy that runs the real CloudFront Function (lib/functions/viewer-ip.js) on each
//   request and adds x-origin-verify, as the distribution does; and a plain proxy standing for the execute-api URL;
// - the AWS side on moto's server mode (tests/verify/aws_stand_in.py): the stack (the real synthesized template, its
//   log groups created by moto), the web ACL (the template's rules), CloudWatch Logs and metrics;
// - the log delivery Lambda would do: each JSON line auth-local writes goes to the log group of the function whose
//   request it belongs to, and through the template's own metric filter patterns into moto's metrics.
// Deliberate breaks are options of these parts (no viewer function, no origin-verify secret, a gateway that takes ID
// tokens, no metric filters), each a misconfiguration a real deployment could have.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import { App } from 'aws-cdk-lib';
import { CloudFormationClient, CreateStackCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateWebACLCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { buildAuthApiApp } from '../../lib/app';
import { VIEWER_IP_FUNCTION_FILE } from '../../lib/front-door';
import { matchesJsonFilterPattern } from '../cdk/filter-pattern';

export const ROOT = path.resolve(__dirname, '..', '..');
const PY = path.join(ROOT, '.venv', 'bin', 'python');
const CREDS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const STACK = 'CognitoAuthApi';
export const ORIGIN_SECRET = 'local-origin-verify-secret-for-tests';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function readyLine(child: ChildProcess, what: string, test: (line: string) => boolean, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`${what} not ready after ${timeoutMs} ms:\n${buf.slice(-3000)}`)), timeoutMs);
    const on = (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find(test);
      if (line !== undefined) {
        clearTimeout(t);
        resolve(line);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`${what} exited (${code}):\n${buf.slice(-3000)}`));
    });
  });
}

/** Stops a process group started with detached: true. */
function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

export interface LocalApi {
  readonly url: string;
  readonly info: { endpoint: string; userPoolId: string; clientId: string; clientSecret: string };
  readonly infoFile: string;
  /** Each JSON log line auth-local wrote, with the time it was read. */
  onLine(f: (line: any) => void): void;
  stop(): Promise<void>;
}

/** `make dev` on a free port (tests/local-cognito/dev.sh), without the demo page; CORS for the app's default origin (the template's corsOrigins). */
export async function startLocalApi(o: { originSecret?: string; sessionCookie?: boolean } = {}): Promise<LocalApi> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DEMO_PORT: '0', REFERENCE_PORT: '0', LOG_FORMAT: 'json', CORS_ORIGIN: 'http://localhost:5173' };
  if (o.originSecret) env.ORIGIN_VERIFY_SECRET = o.originSecret;
  if (o.sessionCookie) env.SESSION_COOKIE = 'on';
  const child = spawn(path.join(ROOT, 'tests', 'local-cognito', 'dev.sh'), [], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const listeners: ((l: any) => void)[] = [];
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      if (!l.startsWith('{')) continue;
      try {
        const json = JSON.parse(l);
        for (const f of listeners) f(json);
      } catch {
        // not one of auth-local's JSON lines
      }
    }
  });
  await readyLine(child, 'make dev', (l) => l.includes('Ctrl-C stops everything.'));
  const infoFile = path.join(ROOT, '.dev', `local-cognito.${port}.json`);
  return {
    url: `http://127.0.0.1:${port}`,
    info: JSON.parse(fs.readFileSync(infoFile, 'utf-8')),
    infoFile,
    onLine: (f) => listeners.push(f),
    stop: () => stopGroup(child),
  };
}

export interface AwsStandIn {
  readonly endpoint: string;
  readonly idsFile: string;
  stop(): Promise<void>;
}

export async function startAwsStandIn(): Promise<AwsStandIn> {
  const idsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verify-stand-in-')), 'ids.json');
  const child = spawn(PY, [path.join(__dirname, 'aws_stand_in.py')], { env: { ...process.env, VERIFY_STAND_IN_IDS: idsFile }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await readyLine(child, 'moto', (l) => l.startsWith('{"endpoint"'));
  return { endpoint: JSON.parse(line).endpoint, idsFile, stop: () => stopGroup(child) };
}

/** Which route each request was, in time order: the log shipper files the lines written meanwhile under it. */
export interface RequestLog {
  readonly intervals: { start: number; end?: number; key: string }[];
}

export interface ProxyOptions {
  /** Run the viewer-request CloudFront Function (the break: without it, the client's own x-viewer-ip goes through). */
  readonly viewerFunction?: boolean;
  /** Add x-origin-verify with this value (the distribution's custom origin header). */
  readonly originSecret?: string;
  /** The break "a gateway that takes ID tokens": the bearer's ID token is swapped for the access token of its login. */
  readonly acceptIdTokens?: Map<string, string>;
}

const viewerHandler = vm.runInNewContext(`${fs.readFileSync(VIEWER_IP_FUNCTION_FILE, 'utf-8')}\n;handler`, {}, { filename: VIEWER_IP_FUNCTION_FILE }) as (e: any) => any;

/** A proxy in front of the local API: the front door (o.viewerFunction, o.originSecret) or the bare execute-api URL. */
export async function startProxy(target: string, log: RequestLog, o: ProxyOptions = {}): Promise<{ url: string; stop: () => Promise<void> }> {
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers: http.OutgoingHttpHeaders = { ...req.headers };
      if (o.viewerFunction) {
        const event = {
          version: '1.0', context: { eventType: 'viewer-request' }, viewer: { ip: req.socket.remoteAddress?.replace(/^::ffff:/, '') },
          request: { method: req.method, uri: req.url, querystring: {}, cookies: {}, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, { value: String(v) }])) },
        };
        const out = viewerHandler(event);
        for (const [k, v] of Object.entries(out.headers as Record<string, { value: string }>)) headers[k] = v.value;
      }
      if (o.originSecret) headers['x-origin-verify'] = o.originSecret;
      if (o.acceptIdTokens && typeof headers.authorization === 'string') {
        const swapped = o.acceptIdTokens.get(headers.authorization.replace(/^Bearer /, ''));
        if (swapped) headers.authorization = `Bearer ${swapped}`;
      }
      const entry: { start: number; end?: number; key: string } = { start: Date.now(), key: `${req.method} ${(req.url ?? '').split('?')[0]}` };
      log.intervals.push(entry);
      const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (r) => {
        const body: Buffer[] = [];
        r.on('data', (c) => body.push(c));
        r.on('end', () => {
          const buf = Buffer.concat(body);
          if (o.acceptIdTokens && buf.length && /json/.test(String(r.headers['content-type']))) {
            try {
              const j = JSON.parse(buf.toString());
              if (j.idToken && j.accessToken) o.acceptIdTokens.set(j.idToken, j.accessToken);
            } catch {
              // not JSON
            }
          }
          entry.end = Date.now();
          res.writeHead(r.statusCode ?? 502, r.headers);
          res.end(buf);
        });
      });
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

/** The app's template as `npx cdk deploy` would deploy it in us-east-1 with the front door (bundling skipped). */
let templateCache: any;
export function appTemplate(): any {
  if (!templateCache) {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], region: 'us-east-1', stackName: STACK } });
    const { api } = buildAuthApiApp(app, { nag: false });
    templateCache = app.synth().getStackByName(api.stackName).template;
  }
  return JSON.parse(JSON.stringify(templateCache));
}

export interface DeployedFixture {
  /** Log group physical name by route key. */
  readonly logGroups: Map<string, string>;
  /** Physical id by logical id (ListStackResources). */
  readonly physical: Map<string, string>;
  readonly template: any;
}

/**
 * "Deploys" the template to moto: the web ACL first (its rules as the template has them), then the stack, with the
 * stand-ins' physical ids pointing at the local emulator's pool and client.
 */
export async function deployFixture(aws: AwsStandIn, api: LocalApi, o: { template?: any } = {}): Promise<DeployedFixture> {
  const template = o.template ?? appTemplate();
  delete template.Parameters?.BootstrapVersion;
  delete template.Rules?.CheckBootstrapVersion;
  const cfg = { region: 'us-east-1', endpoint: aws.endpoint, credentials: CREDS };
  const aclEntry = Object.entries(template.Resources).find(([, r]: any) => r.Type === 'AWS::WAFv2::WebACL') as [string, any];
  const p = aclEntry[1].Properties;
  const acl = await new WAFV2Client(cfg).send(new CreateWebACLCommand({
    Name: `${STACK}-FrontDoorAcl`, Scope: 'CLOUDFRONT', DefaultAction: p.DefaultAction, VisibilityConfig: p.VisibilityConfig,
    Rules: p.Rules, CustomResponseBodies: p.CustomResponseBodies, Description: p.Description,
  }));
  const ids: { [k: string]: string } = {
    'AWS::Cognito::UserPool': api.info.userPoolId,
    'AWS::Cognito::UserPoolClient': api.info.clientId,
    'AWS::WAFv2::WebACL': `${acl.Summary!.Name}|${acl.Summary!.Id}|CLOUDFRONT`,
    'AWS::ApiGatewayV2::Api': 'localapi',
  };
  fs.writeFileSync(aws.idsFile, JSON.stringify(ids));
  const cfn = new CloudFormationClient(cfg);
  await cfn.send(new CreateStackCommand({ StackName: STACK, TemplateBody: JSON.stringify(template), Capabilities: ['CAPABILITY_IAM'] }));
  const res = (await cfn.send(new ListStackResourcesCommand({ StackName: STACK }))).StackResourceSummaries ?? [];
  const physical = new Map(res.map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!]));
  const ref = (v: any): string | undefined => (v && typeof v === 'object' ? v.Ref ?? (Array.isArray(v['Fn::GetAtt']) ? v['Fn::GetAtt'][0] : undefined) : undefined);
  const logGroups = new Map<string, string>();
  for (const r of Object.values(template.Resources) as any[]) {
    if (r.Type !== 'AWS::ApiGatewayV2::Route') continue;
    const integrationId = ref(r.Properties.Target['Fn::Join'][1][1]);
    const fnId = ref(template.Resources[integrationId!].Properties.IntegrationUri);
    const lg = ref(template.Resources[fnId!].Properties.LoggingConfig.LogGroup);
    logGroups.set(r.Properties.RouteKey, physical.get(lg!)!);
  }
  return { logGroups, physical, template };
}

/**
 * Lambda's log delivery and CloudWatch's metric filters, for the local API: each JSON line goes to the log group of the
 * route whose request was in flight when it was written (auth-local serves verify's sequential requests one at a
 * time), and every metric filter of the template whose pattern matches it puts its datapoint into moto.
 */
export function shipLogs(aws: AwsStandIn, api: LocalApi, fixture: DeployedFixture, requests: RequestLog): { lines: number; metricFilters: boolean } {
  const cfg = { region: 'us-east-1', endpoint: aws.endpoint, credentials: CREDS };
  const logs = new CloudWatchLogsClient(cfg);
  const cw = new CloudWatchClient(cfg);
  const filters = (Object.values(fixture.template.Resources) as any[]).filter((r) => r.Type === 'AWS::Logs::MetricFilter').map((r) => r.Properties);
  const streams = new Set<string>();
  const counter = { lines: 0, metricFilters: true };
  let chain = Promise.resolve();
  api.onLine((line) => {
    const ts = Date.parse(line.timestamp ?? '') || Date.now();
    const owner = [...requests.intervals].reverse().find((i) => i.start <= ts + 5);
    const group = owner && fixture.logGroups.get(owner.key);
    if (!group) return;
    chain = chain.then(async () => {
      if (!streams.has(group)) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'local' }));
        streams.add(group);
      }
      const message = JSON.stringify(line);
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'local', logEvents: [{ timestamp: ts, message }] }));
      counter.lines += 1;
      if (!counter.metricFilters) return;
      for (const f of filters) {
        if (fixture.physical.get(f.LogGroupName?.Ref) !== group || !matchesJsonFilterPattern(f.FilterPattern, message)) continue;
        const t = f.MetricTransformations[0];
        await cw.send(new PutMetricDataCommand({ Namespace: t.MetricNamespace, MetricData: [{ MetricName: t.MetricName, Value: Number(t.MetricValue), Timestamp: new Date(ts) }] }));
      }
    }).catch((e) => {
      process.stderr.write(`log shipping failed: ${e}\n`);
    });
  });
  return counter;
}

export interface VerifyRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly json?: any;
}

/** Runs the CLI (lib/verify/cli.ts through ts-node) as an operator would, with the AWS endpoints aimed at the stand-ins. */
export function runVerify(args: string[], env: NodeJS.ProcessEnv, o: { onStderr?: (chunk: string, child: ChildProcess) => void } = {}): Promise<VerifyRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'lib', 'verify', 'cli.ts'), 'verify', ...args], {
      cwd: ROOT, env: { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      o.onStderr?.(String(d), child);
    });
    child.on('exit', (code, signal) => {
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, signal, stdout, stderr, json });
    });
  });
}

/** A status per check id. */
export const statuses = (json: any): { [id: string]: string } => Object.fromEntries((json?.results ?? []).map((r: any) => [r.id, r.status]));

/** The local emulator's users (its ListUsers), to see what verify left behind. */
export async function emulatorUsers(api: LocalApi): Promise<string[]> {
  const { CognitoIdentityProviderClient, ListUsersCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const c = new CognitoIdentityProviderClient({ region: 'us-east-1', endpoint: api.info.endpoint, credentials: CREDS });
  const r = await c.send(new ListUsersCommand({ UserPoolId: api.info.userPoolId }));
  return (r.Users ?? []).map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value ?? u.Username ?? '');
}
