// `cognito-auth-api verify` run as an operator runs it (the CLI in a child process), against the world of harness.ts:
// the API of make dev behind a local front door running the real viewer function, the stack, logs, metrics and web
// ACL on moto. A healthy run passes every check that can run here; each deliberate break makes its check FAIL; the
// throwaway users are gone after a failure in the middle, after Ctrl-C, and a dry run creates none.
import {
  AwsStandIn, DeployedFixture, LocalApi, ORIGIN_SECRET, RequestLog, STACK, deployFixture, emulatorUsers, runVerify,
  shipLogs, startAwsStandIn, startLocalApi, startProxy, statuses,
} from './harness';

let aws: AwsStandIn;
let api: LocalApi;
let fixture: DeployedFixture;
const requests: RequestLog = { intervals: [] };
let front: { url: string; stop: () => Promise<void> };
let direct: { url: string; stop: () => Promise<void> };
let shipper: { lines: number; metricFilters: boolean };
const stops: (() => Promise<void>)[] = [];

/** The SDK's own endpoint settings: CloudFormation, Logs, metrics and WAFv2 on moto, Cognito on the emulator. */
const env = () => ({ AWS_ENDPOINT_URL: aws.endpoint, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: api.info.endpoint });
const stackArgs = (apiUrl = front.url, executeApiUrl = direct.url) =>
  ['--stack', STACK, '--region', 'us-east-1', '--api-url', apiUrl, '--execute-api-url', executeApiUrl, '--my-ip', '127.0.0.1', '--json', '--wait', '20'];
const verifyAddresses = async () => (await emulatorUsers(api)).filter((e) => e.startsWith('cognito-auth-api-verify+'));

async function faults(body: unknown) {
  await fetch(`${api.info.endpoint}/_local/faults`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

beforeAll(async () => {
  aws = await startAwsStandIn();
  stops.push(() => aws.stop());
  api = await startLocalApi({ originSecret: ORIGIN_SECRET });
  stops.push(() => api.stop());
  fixture = await deployFixture(aws, api);
  front = await startProxy(api.url, requests, { viewerFunction: true, originSecret: ORIGIN_SECRET });
  direct = await startProxy(api.url, requests);
  stops.push(front.stop, direct.stop);
  shipper = shipLogs(aws, api, fixture, requests);
});

afterAll(async () => {
  for (const s of stops.reverse()) await s();
});

test('break: no metric filter on the logs, and failed-logins-metric FAILs after its bounded wait', async () => {
  shipper.metricFilters = false;
  try {
    // First in this file: moto has no datapoint yet, so none from another run can count.
    const r = await runVerify([...stackArgs(), '--only', 'password-attempts-exceeded,failed-logins-metric', '--wait', '5'], env());
    expect(statuses(r.json)['password-attempts-exceeded']).toBe('PASS');
    expect(statuses(r.json)['failed-logins-metric']).toBe('FAIL');
  } finally {
    shipper.metricFilters = true;
  }
});

test('healthy: every check that can run here passes, the rest is skipped with its reason, no user is left', async () => {
  const r = await runVerify(stackArgs(), env());
  const s = statuses(r.json);
  const failed = r.json.results.filter((x: any) => x.status === 'FAIL');
  expect(failed).toEqual([]);
  expect(r.code).toBe(0);
  // What needs a real distribution, time, a burst or the cookie mode (off in this stack) is skipped, and why.
  const skipped = Object.keys(s).filter((id) => s[id] === 'SKIPPED').sort();
  expect(skipped).toEqual(['idle-login', 'idle-no-repeat', 'init-duration', 'ipv6', 'session-cookie', 'waf-common-rule-set', 'waf-known-bad-inputs', 'waf-managed-overrides', 'waf-per-ip-burst']);
  // moto 5.2.5 has no DescribeManagedRuleGroup: said so, not failed.
  expect(r.json.results.find((x: any) => x.id === 'waf-managed-overrides').evidence[0]).toMatch(/moto 5\.2\.5 lacks the operation/);
  expect(r.json.results.find((x: any) => x.id === 'init-duration').evidence[0]).toMatch(/system log level is WARN/);
  // The AWS-side evidence was read for real: audit lines by request id, both metrics, the web ACL's rules.
  const ev = (id: string) => r.json.results.find((x: any) => x.id === id).evidence.join('\n');
  expect(ev('viewer-ip')).toMatch(/x-viewer-ip 192\.0\.2\.1: audit source_ip 127\.0\.0\.1/);
  expect(ev('direct-call-refused')).toMatch(/origin-verify header refused/);
  expect(ev('failed-logins-metric')).toMatch(/FailedLogins sum \d+ since the start \(>= 11 sent\)/);
  expect(ev('refresh-reuse-metric')).toMatch(/RefreshTokenReuse sum [1-9]/);
  expect(ev('refresh-rotation')).toMatch(/event refresh_token_reuse/);
  expect(ev('waf-rules')).toMatch(/QuotaUserAuthentication: CONSTANT/);
  expect(ev('passkey-limit')).toMatch(/after 20 passkeys: POST \/auth\/passkeys\/register\/(start|complete) -> 409 passkey_limit_reached/);
  expect(ev('lockout-reset')).toMatch(/then the right password: POST \/auth\/login -> 401 invalid_credentials/);
  expect(r.json.endpointOverrides.join(' ')).toContain(aws.endpoint);
  expect(shipper.lines).toBeGreaterThan(50);
  expect(r.json.cleanup.every((l: string) => /deleted/.test(l) && !/NOT deleted/.test(l))).toBe(true);
  expect(await verifyAddresses()).toEqual([]);
});

test('break: a front door without the viewer function trusts a forged x-viewer-ip, and viewer-ip FAILs', async () => {
  const broken = await startProxy(api.url, requests, { viewerFunction: false, originSecret: ORIGIN_SECRET });
  try {
    const r = await runVerify([...stackArgs(broken.url), '--only', 'viewer-ip'], env());
    expect(statuses(r.json)['viewer-ip']).toBe('FAIL');
    expect(r.json.results.find((x: any) => x.id === 'viewer-ip').evidence.join('\n')).toMatch(/NOT: login with x-viewer-ip 192\.0\.2\.1: audit source_ip 192\.0\.2\.1/);
    expect(r.code).toBe(1);
  } finally {
    await broken.stop();
  }
});

test('break: a gateway that takes ID tokens, and id-token-refused FAILs', async () => {
  const broken = await startProxy(api.url, requests, { viewerFunction: true, originSecret: ORIGIN_SECRET, acceptIdTokens: new Map() });
  try {
    const r = await runVerify([...stackArgs(broken.url), '--only', 'id-token-refused'], env());
    expect(statuses(r.json)['id-token-refused']).toBe('FAIL');
    expect(r.json.results[0 + r.json.results.findIndex((x: any) => x.id === 'id-token-refused')].evidence.join('\n')).toMatch(/NOT: ID token: GET \/auth\/userinfo -> 200/);
    expect(await verifyAddresses()).toEqual([]);
  } finally {
    await broken.stop();
  }
});

test('break: functions without the origin-verify secret serve direct calls, and direct-call-refused FAILs', async () => {
  const open = await startLocalApi();
  const bare = await startProxy(open.url, requests);
  try {
    const r = await runVerify([...stackArgs(front.url, bare.url), '--only', 'direct-call-refused', '--wait', '3'], env());
    expect(statuses(r.json)['direct-call-refused']).toBe('FAIL');
    expect(r.json.results.find((x: any) => x.id === 'direct-call-refused').evidence[0]).toMatch(/NOT: direct POST \/auth\/login -> 401 invalid_credentials/);
  } finally {
    await bare.stop();
    await open.stop();
  }
});

test('a failure in the middle (Cognito refuses VerifySoftwareToken): the run goes on, FAILs, and deletes every user it made', async () => {
  await faults({ errors: { VerifySoftwareToken: 'InternalErrorException' } });
  try {
    const r = await runVerify([...stackArgs(), '--only', 'first-login,totp-login,password-attempts-exceeded,new-password-required'], env());
    const s = statuses(r.json);
    expect(s['totp-login']).toBe('FAIL');
    expect(s['password-attempts-exceeded']).toBe('PASS');
    expect(r.code).toBe(1);
    expect(r.json.cleanup).toHaveLength(4);
    expect(r.json.cleanup.every((l: string) => l.endsWith(': deleted'))).toBe(true);
    expect(await verifyAddresses()).toEqual([]);
  } finally {
    await faults({});
  }
});

test('Ctrl-C in the middle of a check deletes the users and exits 130', async () => {
  let sent = false;
  const r = await runVerify(stackArgs(), env(), {
    onStderr: (chunk, child) => {
      // The TOTP check waits for the next 30-second period: by then several users exist.
      if (!sent && /waiting \d+ s for the next TOTP period/.test(chunk)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  expect(sent).toBe(true);
  expect(r.code).toBe(130);
  expect(r.stderr).toMatch(/SIGINT: deleting the throwaway users/);
  expect((r.stderr.match(/: deleted/g) ?? []).length).toBeGreaterThanOrEqual(2);
  expect(await verifyAddresses()).toEqual([]);
});

test('--dry-run names every user and call, and creates nothing', async () => {
  await fetch(`${api.info.endpoint}/_local/calls`, { method: 'DELETE' });
  const r = await runVerify(stackArgs().filter((a) => a !== '--json').concat(['--dry-run']), env());
  expect(r.code).toBe(0);
  for (const role of ['main', 'mfa', 'lockout', 'lockoutreset', 'newpassword', 'signedout', 'idtoken']) expect(r.stdout).toMatch(new RegExp(`cognito-auth-api-verify\\+\\S+-${role}@example\\.com`));
  expect(r.stdout).toMatch(/run  refresh-rotation: POST \/auth\/login; POST \/auth\/refresh 3 times/);
  expect(r.stdout).toMatch(/skip waf-per-ip-burst: SKIPPED/);
  const calls = await (await fetch(`${api.info.endpoint}/_local/calls`)).json();
  expect(JSON.stringify(calls)).not.toMatch(/AdminCreateUser/);
});

test('--local: the API of make dev alone, every HTTP check runs, CloudWatch checks are skipped as needing a deployment', async () => {
  const r = await runVerify(['--local', api.infoFile, '--api-url', front.url, '--execute-api-url', direct.url, '--json'], {});
  const s = statuses(r.json);
  expect(r.json.results.filter((x: any) => x.status === 'FAIL')).toEqual([]);
  for (const id of ['first-login', 'id-token-refused', 'refresh-rotation', 'passkey-register-sign-in', 'totp-login', 'direct-call-refused', 'enumeration-timing']) expect(s[id]).toBe('PASS');
  for (const id of ['viewer-ip', 'failed-logins-metric', 'routes-deployed']) expect(s[id]).toBe('SKIPPED');
  expect(await verifyAddresses()).toEqual([]);
});

test('--local --session-cookie: the browser session mode\'s HTTP side, and its FAIL against an API without the mode (cookie attributes, cookie-only refresh, credentialed preflight, no refresh without Origin)', async () => {
  const cookieApi = await startLocalApi({ sessionCookie: true });
  try {
    const r = await runVerify(['--local', cookieApi.infoFile, '--api-url', cookieApi.url, '--session-cookie', '--only', 'session-cookie', '--json'], {});
    const result = r.json.results.find((x: any) => x.id === 'session-cookie');
    expect(result.status).toBe('PASS');
    expect(result.evidence.join('\n')).toMatch(/refresh without Origin: POST \/auth\/refresh -> 403 origin_not_allowed/);
    // The break: told the mode is on, against an API running without it (the refresh token back in the body).
    const off = await runVerify(['--local', api.infoFile, '--api-url', front.url, '--session-cookie', '--only', 'session-cookie', '--json'], {});
    const offResult = off.json.results.find((x: any) => x.id === 'session-cookie');
    expect(offResult.status).toBe('FAIL');
    expect(offResult.evidence[0]).toMatch(/NOT: POST \/auth\/login -> 200, refresh token NOT in a cookie/);
  } finally {
    await cookieApi.stop();
  }
});
