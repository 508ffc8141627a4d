#!/usr/bin/env node
// `npm run package:check` (in `make test`): the npm package as a platform team gets it.
//   1. `npm pack` (prepack = bin/build-package.js: compiles lib/, zips the release `bootstrap`; after
//      `make synth-check` the cargo build is a cache hit);
//   2. the tarball holds what it must (JS, .d.ts, routes.json, openapi.json, README and docs/, the zip + its manifest) and
//      nothing it must not (tests, target/, .venv, Rust sources, secrets), and stays under MAX_TARBALL_BYTES;
//   3. a fresh CDK app in a temporary folder outside the repository installs the tarball, with no cargo,
//      cargo-lambda, zig or rustc on PATH, and synthesizes two consumers with non-default props: the
//      TypeScript stack of docs/construct.md ("A minimal stack", compiled with tsc) and tests/package/consumer.js (plain JS);
//      every route's function must run the packaged zip (sha256 checked in the cloud assembly), with IAM and
//      throttles as the definition (plus the props' overrides) says; synth times are reported;
//   4. a tampered zip is refused at synth with the hash error; fromSource() without cargo-lambda-cdk says what to install.
// The peer dependencies (aws-cdk-lib, constructs) are linked from this repository's node_modules (`file:` deps,
// installed offline) instead of downloaded again; the cdk CLI and tsc are this repository's.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Stated limit of the packed tarball (the zip is ~2.9 MiB; the design's zip target is 3 MiB). */
const MAX_TARBALL_BYTES = 4 * 1024 * 1024;
const root = path.resolve(__dirname, '..', '..');
const t0 = Date.now();
let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
}
function run(cmd, args, opts = {}) {
  const s = Date.now();
  const p = spawnSync(cmd, args, { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, ...opts });
  return { ...p, seconds: (Date.now() - s) / 1000, output: `${p.stdout || ''}${p.stderr || ''}` };
}
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
function finish() {
  fs.rmSync(work, { recursive: true, force: true }); // the temporary app, on success and failure alike
  console.log(`\npackage:check took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-api-package-'));
if (!check('the temporary folder is outside the repository', !path.relative(root, work).match(/^[^.]/) && path.relative(root, work).startsWith('..'), work)) finish();

// ---- 1. pack ------------------------------------------------------------------------------------------
const pack = run('npm', ['pack', '--pack-destination', work, '--json'], { cwd: root, env: { ...process.env, PATH: `${path.join(root, '.venv', 'bin')}${path.delimiter}${process.env.PATH}` } });
if (!check('npm pack (prepack builds dist/ and the artifact)', pack.status === 0, `${pack.seconds.toFixed(1)} s`)) {
  console.error(pack.output.slice(-6000));
  finish();
}
const packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];
const tarball = path.join(work, packed.filename);
const pkgJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));

// ---- 2. contents --------------------------------------------------------------------------------------
const entries = packed.files.map((f) => f.path);
const required = ['package.json', 'README.md', 'docs/construct.md', 'docs/api.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cognito-auth-api.js', 'dist/cognito-auth-api.d.ts',
  'dist/function-code.js', 'dist/functions/viewer-ip.js', 'cdk/routes.json', 'cdk/openapi.json', 'dist/artifact/manifest.json', 'dist/artifact/bootstrap-x86_64.zip'];
const missing = required.filter((f) => !entries.includes(f));
check('the tarball has the compiled library, its types, the definition, the OpenAPI document, the README and docs, and the artifact', missing.length === 0, missing.length ? `missing ${missing.join(', ')}` : `${entries.length} files`);
const forbidden = [
  [/^(tests|target|lambda|node_modules|\.venv|\.dev|cdk\.out|bench|examples|bin|\.ci)\//, 'tests, build output, sources or tooling'],
  [/(^|\/)lib\/.*\.ts$/, 'TypeScript sources (only .d.ts ships)'],
  [/\.(rs|toml|lock|py|map|tgz|pem|key|p12)$/i, 'Rust/Python sources, lockfiles, source maps, keys'],
  [/(^|\/)(\.env[^/]*|\.npmrc|credentials|id_rsa[^/]*|[^/]*secret[^/]*)$/i, 'secrets'],
  [/(^|\/)(app|helpers)\.(js|d\.ts)$/, "the repository's app and test helpers"],
];
const bad = entries.flatMap((e) => forbidden.filter(([re]) => re.test(e)).map(([, why]) => `${e} (${why})`));
check('the tarball holds nothing it should not (tests, target/, .venv, sources, secrets, the repo app)', bad.length === 0, bad.join('; '));
const tarBytes = fs.statSync(tarball).size;
check(`the tarball stays under ${(MAX_TARBALL_BYTES / 1048576).toFixed(0)} MiB`, tarBytes < MAX_TARBALL_BYTES,
  `${(tarBytes / 1048576).toFixed(2)} MiB packed, ${(packed.unpackedSize / 1048576).toFixed(2)} MiB unpacked, ${entries.length} files`);
check('package.json: peer dependencies aws-cdk-lib and constructs, cargo-lambda-cdk optional, no runtime dependencies',
  pkgJson.peerDependencies?.['aws-cdk-lib'] && pkgJson.peerDependencies?.constructs && pkgJson.peerDependenciesMeta?.['cargo-lambda-cdk']?.optional === true &&
  Object.keys(pkgJson.dependencies ?? {}).length === 0);

// ---- 3. a fresh consumer app without a Rust toolchain -----------------------------------------------
const app = path.join(work, 'consumer');
fs.mkdirSync(app);
const link = (name) => `file:${fs.realpathSync(path.join(root, 'node_modules', name))}`;
fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
  name: 'platform-consumer', version: '1.0.0', private: true,
  dependencies: { 'aws-cdk-lib': link('aws-cdk-lib'), constructs: link('constructs'), [pkgJson.name]: `file:${tarball}` },
}, null, 2));
fs.writeFileSync(path.join(app, 'cdk.json'), JSON.stringify({ notices: false, context: { 'cli-telemetry': false } }, null, 2));

const toolchain = ['cargo', 'cargo-lambda', 'zig', 'rustc', 'rustup'];
const pathDirs = (process.env.PATH || '').split(path.delimiter).filter((d) => d && !toolchain.some((t) => fs.existsSync(path.join(d, t))));
const consumerEnv = { ...process.env, PATH: pathDirs.join(path.delimiter) };
for (const k of ['CARGO_HOME', 'RUSTUP_HOME', 'CARGO_TARGET_DIR', 'CDK_DEFAULT_REGION', 'CDK_DEFAULT_ACCOUNT']) delete consumerEnv[k];
const reachable = toolchain.filter((t) => run(t, ['--version'], { cwd: app, env: consumerEnv }).error === undefined);
check('no cargo, cargo-lambda, zig, rustc or rustup on the consumer\'s PATH', reachable.length === 0, reachable.join(', '));

const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: app, env: consumerEnv });
if (!check('npm install of the tarball into the fresh app (peers linked from this repository, offline)', install.status === 0, `${install.seconds.toFixed(1)} s`)) {
  console.error(install.output.slice(-4000));
  finish();
}
const installed = path.join(app, 'node_modules', pkgJson.name);
const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'dist', 'artifact', 'manifest.json'), 'utf-8'));
const routes = JSON.parse(fs.readFileSync(path.join(installed, 'cdk', 'routes.json'), 'utf-8')).routes;
check('the manifest ties the artifact to this package version and to the shipped definition',
  manifest.packageVersion === pkgJson.version && manifest.definitionFiles['cdk/routes.json'] === sha256(path.join(installed, 'cdk', 'routes.json')) &&
  manifest.artifacts.x86_64.sha256 === sha256(path.join(installed, 'dist', 'artifact', 'bootstrap-x86_64.zip')),
  `${manifest.packageVersion}, zip sha256 ${manifest.artifacts.x86_64.sha256.slice(0, 12)}…`);
const zipInfo = run(fs.existsSync(path.join(root, '.venv', 'bin', 'python')) ? path.join(root, '.venv', 'bin', 'python') : 'python3', ['-c', [
  'import sys, zipfile',
  'z = zipfile.ZipFile(sys.argv[1]); i = z.getinfo("bootstrap"); h = z.read("bootstrap")[:20]',
  'print(len(z.namelist()), oct(i.external_attr >> 16), h[:4] == b"\\x7fELF" and int.from_bytes(h[18:20], "little") == 0x3e)',
].join('\n'), path.join(installed, 'dist', 'artifact', 'bootstrap-x86_64.zip')]);
check('the zip holds one executable x86-64 ELF named bootstrap', zipInfo.stdout.trim() === '1 0o100755 True', zipInfo.output.trim());

// The TypeScript consumer of docs/construct.md, exactly as printed there.
const constructDoc = fs.readFileSync(path.join(root, 'docs', 'construct.md'), 'utf-8');
const block = constructDoc.match(/<!-- consumer-app\.ts[^>]*-->\s*```ts\n([\s\S]*?)```/);
if (!check('docs/construct.md has the consumer stack (marked consumer-app.ts)', block !== null)) finish();
fs.writeFileSync(path.join(app, 'app.ts'), block[1]);
fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
  // aws-cdk-lib's own .d.ts use `Disposable` (esnext.disposable); no @types/node needed by the app itself.
  compilerOptions: { target: 'ES2022', module: 'commonjs', lib: ['es2022', 'esnext.disposable'], strict: true, types: [], skipLibCheck: false, outDir: 'build', noEmitOnError: true },
  files: ['app.ts'],
}, null, 2));
const tsc = run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, env: consumerEnv });
check('the TypeScript consumer type-checks against the shipped .d.ts (skipLibCheck off) and compiles', tsc.status === 0, tsc.status === 0 ? `${tsc.seconds.toFixed(1)} s` : tsc.output.slice(0, 3000));
fs.copyFileSync(path.join(__dirname, 'consumer.js'), path.join(app, 'consumer.js'));

const cdkCli = path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk');
function synth(label, entry, outdir) {
  const p = run(process.execPath, [cdkCli, 'synth', '--quiet', '--app', `node ${entry}`, '--output', outdir], { cwd: app, env: consumerEnv });
  return { ...p, dir: path.join(app, outdir), label };
}

function verify(label, stackName, s, expect) {
  if (!check(`${label}: cdk synth with no Rust toolchain`, s.status === 0, `${s.seconds.toFixed(1)} s`)) {
    console.error(s.output.slice(-4000));
    return;
  }
  const tpl = JSON.parse(fs.readFileSync(path.join(s.dir, `${stackName}.template.json`), 'utf-8'));
  const assets = JSON.parse(fs.readFileSync(path.join(s.dir, `${stackName}.assets.json`), 'utf-8'));
  const res = tpl.Resources;
  const fns = Object.entries(res).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'bootstrap');
  check(`${label}: one function per route of the shipped definition`, fns.length === routes.length, `${fns.length} functions, ${routes.length} routes`);

  // Every function's code is the packaged zip: same S3 object, and the staged file is byte-identical to the manifest's.
  const keys = new Set(fns.map(([, f]) => f.Properties.Code.S3Key));
  const hash = [...keys][0]?.replace(/\.zip$/, '');
  const src = assets.files?.[hash]?.source;
  const staged = src ? path.join(s.dir, src.path) : '';
  check(`${label}: every function runs the packaged artifact (one asset, sha256 = manifest)`,
    keys.size === 1 && src?.packaging === 'file' && fs.existsSync(staged) && sha256(staged) === manifest.artifacts.x86_64.sha256,
    `${keys.size} asset(s), ${src ? src.path : 'no asset entry'}`);
  const fnOk = fns.every(([, f]) => f.Properties.Runtime === 'provided.al2023' && JSON.stringify(f.Properties.Architectures) === '["x86_64"]' &&
    f.Properties.MemorySize === expect.memorySize && f.Properties.Timeout === expect.timeout &&
    (f.Properties.Tags || []).some((t) => t.Key === 'cognito-auth-api:version' && t.Value === pkgJson.version) &&
    (f.Properties.Tags || []).some((t) => t.Key === 'cognito-auth-api:artifact-sha256' && t.Value === manifest.artifacts.x86_64.sha256));
  check(`${label}: provided.al2023, x86_64, memory ${expect.memorySize} MB, timeout ${expect.timeout} s, version and sha256 tags`, fnOk);
  check(`${label}: the version output says ${pkgJson.version}`, tpl.Outputs?.AuthVersion?.Value === pkgJson.version, JSON.stringify(tpl.Outputs?.AuthVersion?.Value));

  // IAM: each function's role allows exactly its route's cognito-idp actions, on the user pool only.
  const routeByKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const iamErrors = [];
  const integrationOf = (fnId) => Object.entries(res).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration' &&
    JSON.stringify(r.Properties.IntegrationUri) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }))?.[0];
  const routeKeyOf = (integrationId) => Object.values(res).find((r) => r.Type === 'AWS::ApiGatewayV2::Route' &&
    JSON.stringify(r.Properties.Target).includes(`"${integrationId}"`))?.Properties.RouteKey;
  for (const [id, f] of fns) {
    const key = routeKeyOf(integrationOf(id));
    const route = routeByKey.get(key);
    if (!route) { iamErrors.push(`${id}: no route`); continue; }
    const role = res[f.Properties.Role['Fn::GetAtt'][0]];
    const stmts = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const cognito = stmts.filter((st) => [].concat(st.Action).some((a) => a.startsWith('cognito-idp:')));
    const actions = cognito.flatMap((st) => [].concat(st.Action)).sort();
    // Less the operations IAM cannot grant (the WebAuthn ones, authorized by the access token alone), as the
    // shipped route-definition module lists them.
    const { TOKEN_ONLY_COGNITO_ACTIONS } = require(path.join(installed, 'dist', 'route-definition.js'));
    const want = route.cognitoActions.filter((a) => !TOKEN_ONLY_COGNITO_ACTIONS.includes(a)).map((a) => `cognito-idp:${a}`).sort();
    if (JSON.stringify(actions) !== JSON.stringify(want)) iamErrors.push(`${route.name}: ${actions} != ${want}`);
    if (cognito.some((st) => !JSON.stringify(st.Resource).includes(expect.poolArnPart))) iamErrors.push(`${route.name}: resource is not the pool`);
    if (stmts.some((st) => [].concat(st.Action).some((a) => a.includes('*')) || JSON.stringify(st.Resource) === '"*"')) iamErrors.push(`${route.name}: wildcard`);
  }
  check(`${label}: IAM per function = its route's cognitoActions (less the token-only ones) on the pool, no wildcards`, iamErrors.length === 0, iamErrors.slice(0, 5).join('; '));

  // Throttles: the definition's, with the consumer's overrides. Without the front door they are API Gateway route
  // settings; with it they become the web ACL's CONSTANT rate rules (the sum of each rule's routes' rateLimit over
  // the rule's window), and API Gateway keeps only the stage's limit.
  const throttleOf = (r) => expect.routeThrottles[r.name] ?? r.throttle;
  const stage = Object.values(res).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage').Properties;
  const thErrors = [];
  if (!expect.frontDoor) {
    for (const r of routes) {
      const want = throttleOf(r);
      const got = stage.RouteSettings?.[`${r.method} ${r.path}`];
      if (!got || got.ThrottlingRateLimit !== want.rateLimit || got.ThrottlingBurstLimit !== want.burstLimit) thErrors.push(`${r.name}: ${JSON.stringify(got)}`);
    }
  } else {
    // The shipped quotaRateRules() (a rule per category, refresh's own, merges within WAF's 10 rate-based rules): each
    // rule's limit is the sum of its routes' throttles with the overrides, and every route calling a category is counted.
    const { COGNITO_QUOTA_CATEGORY_ACTIONS, quotaRateRules } = require(path.join(installed, 'dist', 'cognito-quotas.js'));
    const acl = Object.values(res).find((r) => r.Type === 'AWS::WAFv2::WebACL' && r.Properties.Scope === 'CLOUDFRONT')?.Properties;
    const quotaRules = quotaRateRules(routes, undefined, throttleOf);
    for (const q of quotaRules) {
      const rps = routes.filter((r) => q.routes.includes(r.name)).reduce((sum, r) => sum + throttleOf(r).rateLimit, 0);
      const rule = acl?.Rules.find((x) => x.Name === `Quota${q.name}`)?.Statement.RateBasedStatement;
      const want = rule && Math.max(10, Math.floor(rps * rule.EvaluationWindowSec));
      if (!rule || rule.AggregateKeyType !== 'CONSTANT' || rule.Limit !== want) thErrors.push(`${q.name}: ${rps} rps -> want ${want}, got ${JSON.stringify(rule && rule.Limit)}`);
    }
    for (const [category, actions] of Object.entries(COGNITO_QUOTA_CATEGORY_ACTIONS)) {
      for (const r of routes.filter((x) => x.cognitoActions.some((a) => actions.includes(a)))) {
        if (!quotaRules.some((q) => q.routes.includes(r.name))) thErrors.push(`${category}: ${r.name} counted by no quota rule`);
      }
    }
    if (stage.RouteSettings && Object.keys(stage.RouteSettings).length > 0) thErrors.push('route settings with the front door on');
  }
  const d = stage.DefaultRouteSettings;
  if (d?.ThrottlingRateLimit !== expect.stageThrottle.rateLimit || d?.ThrottlingBurstLimit !== expect.stageThrottle.burstLimit) thErrors.push(`stage default ${JSON.stringify(d)}`);
  check(`${label}: throttles as the definition says, with the props' overrides (${Object.keys(expect.routeThrottles).join(', ')})${expect.frontDoor ? ', as web ACL quota rules' : ''}`,
    thErrors.length === 0, thErrors.slice(0, 5).join('; '));
  for (const [what, ok] of expect.extra(res)) check(`${label}: ${what}`, ok);
  console.log(`     ${label}: synth ${s.seconds.toFixed(1)} s`);
}

const count = (res, type) => Object.values(res).filter((r) => r.Type === type).length;
const tsSynth = synth('TypeScript consumer', 'build/app.js', 'cdk.out.ts');
verify('TypeScript consumer (docs/construct.md)', 'PlatformAuth', tsSynth, {
  memorySize: 512, timeout: 5, stageThrottle: { rateLimit: 100, burstLimit: 200 },
  routeThrottles: { login: { rateLimit: 40, burstLimit: 80 } }, poolArnPart: 'UserPool',
  extra: (res) => [['front door off: no distribution, no web ACL', count(res, 'AWS::CloudFront::Distribution') === 0 && count(res, 'AWS::WAFv2::WebACL') === 0]],
});
const jsSynth = synth('JavaScript consumer', 'consumer.js', 'cdk.out.js');
verify('JavaScript consumer', 'PlatformAuthJs', jsSynth, {
  memorySize: 256, timeout: 10, stageThrottle: { rateLimit: 50, burstLimit: 100 }, frontDoor: true,
  routeThrottles: { register: { rateLimit: 10, burstLimit: 20 }, refresh: { rateLimit: 30, burstLimit: 60 } },
  poolArnPart: 'userpool/us-east-1_Example1',
  extra: (res) => [
    ['existing pool: no user pool created; front door with its CLOUDFRONT web ACL', count(res, 'AWS::Cognito::UserPool') === 0 &&
      count(res, 'AWS::CloudFront::Distribution') === 1 && Object.values(res).some((r) => r.Type === 'AWS::WAFv2::WebACL' && r.Properties.Scope === 'CLOUDFRONT')],
    ['log retention 90 days', Object.values(res).filter((r) => r.Type === 'AWS::Logs::LogGroup').every((r) => r.Properties.RetentionInDays === 90)],
  ],
});

// ---- 4. refusals ----------------------------------------------------------------------------------------
const zip = path.join(installed, 'dist', 'artifact', 'bootstrap-x86_64.zip');
const original = fs.readFileSync(zip);
fs.writeFileSync(zip, Buffer.concat([original, Buffer.from('tampered')]));
const tampered = synth('tampered', 'consumer.js', 'cdk.out.tampered');
fs.writeFileSync(zip, original);
check('a zip whose sha256 differs from the manifest is refused at synth, with the hash error',
  tampered.status !== 0 && /has sha256 [0-9a-f]{64}, but the package's manifest records [0-9a-f]{64}/.test(tampered.output),
  (tampered.output.match(/[^\n]*has sha256 [0-9a-f]{64}[^\n]*/) || [`exit ${tampered.status}`])[0].slice(0, 240));
const fromSource = run(process.execPath, ['-e', [
  "const { App, Stack } = require('aws-cdk-lib'); const { CognitoAuthApi, AuthApiCode } = require('cognito-auth-api');",
  "new CognitoAuthApi(new Stack(new App(), 'S'), 'A', { corsOrigins: ['https://a.example.org'], frontDoor: false, code: AuthApiCode.fromSource({ manifestPath: require.resolve('cognito-auth-api/package.json') }) });",
].join('\n')], { cwd: app, env: consumerEnv });
check('fromSource() without cargo-lambda-cdk installed says what to install', fromSource.status !== 0 && /needs the cargo-lambda-cdk package: npm install/.test(fromSource.output),
  (fromSource.output.match(/CognitoAuthApi: [^\n]*/) || [''])[0].slice(0, 160));

const summary = { packSeconds: pack.seconds, tarballBytes: tarBytes, installSeconds: install.seconds, synthSecondsTs: tsSynth.seconds, synthSecondsJs: jsSynth.seconds };
console.log(`\npackage:check ${JSON.stringify(summary)}`);
finish();
