#!/usr/bin/env node
// `npm run package:check` (in `make test`): the packages as platform teams get them.
//   1. `npm run package` (bin/build-package.js: jsii, the release `bootstrap` zip (after `make synth-check` the cargo
//      build is a cache hit), API.md, then jsii-pacmak: the npm tarball, the Python wheel and sdist, Java sources);
//   2. the tarball holds what it must (JS, .d.ts, the .jsii assembly, API.md, routes.json, openapi.json, README and
//      docs/, the zip + its manifest) and nothing it must not (tests, target/, .venv, Rust sources, secrets), and stays under
//      MAX_TARBALL_BYTES;
//   3. a fresh CDK app in a temporary folder outside the repository installs the tarball, with no cargo,
//      cargo-lambda, zig or rustc on PATH, and synthesizes two consumers with non-default props: the
//      TypeScript stack of docs/construct.md ("A minimal stack", compiled with tsc) and tests/package/consumer.js (plain JS);
//      every route's function must run the packaged zip (sha256 checked in the cloud assembly), with IAM and
//      throttles as the definition (plus the props' overrides) says (tests/package/verify-template.js); synth times
//      are reported; tests/package/old-usage.ts, the TypeScript API as 0.1.0 offered it, still compiles;
//   4. a tampered zip is refused at synth with the hash error; fromSource() without cargo-lambda-cdk says what to install;
//   5. the Python wheel: sizes, the artifact inside, a fresh virtualenv with aws-cdk-lib from PyPI, and
//      examples/python/app.py synthesized and checked like the npm consumers (tests/package/python-consumer.js);
//   6. the Java sources jsii-pacmak generated (the jar needs Maven Central, which this machine does not reach).
// The peer dependencies (aws-cdk-lib, constructs) are linked from this repository's node_modules (`file:` deps)
// instead of downloaded again; the cdk CLI and tsc are this repository's. The install prefers npm's cache but may ask
// the registry: the verify command's optional dependencies need their registry metadata, which `npm ci` of this
// repository does not cache, and npm skips an optional dependency it cannot resolve without failing the install (so
// `--offline` passed on a machine whose cache happened to hold them and not on a fresh one running this check alone).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { verifyTemplate, count, sha256 } = require('./verify-template');
const { checkPython } = require('./python-consumer');

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
function finish() {
  fs.rmSync(work, { recursive: true, force: true }); // the temporary app, on success and failure alike
  console.log(`\npackage:check took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-api-package-'));
if (!check('the temporary folder is outside the repository', !path.relative(root, work).match(/^[^.]/) && path.relative(root, work).startsWith('..'), work)) finish();

// ---- 1. build the packages ------------------------------------------------------------------------------------
const pkgJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
const pack = run('npm', ['run', '--silent', 'package'], { cwd: root });
const builtTarball = path.join(root, 'dist-packages', 'js', `${pkgJson.name}@${pkgJson.version}.jsii.tgz`);
if (!check('npm run package (jsii, the artifact, API.md, jsii-pacmak: npm tarball, Python wheel, Java sources)', pack.status === 0 && fs.existsSync(builtTarball),
  `${pack.seconds.toFixed(1)} s`)) {
  console.error(pack.output.slice(-6000));
  finish();
}
console.log(pack.output.split('\n').filter((l) => l.startsWith('build-package:')).map((l) => `     ${l}`).join('\n'));
const tarball = path.join(work, `${pkgJson.name}-${pkgJson.version}.tgz`);
fs.copyFileSync(builtTarball, tarball);
// `tar tvzf` lines: mode owner size date time path (npm packs everything under package/).
const listing = run('tar', ['tvzf', tarball]).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
const packed = { files: listing.map((f) => ({ path: f[f.length - 1].replace(/^package\//, '') })), unpackedSize: listing.reduce((n, f) => n + Number(f[2]), 0) };

// ---- 2. contents --------------------------------------------------------------------------------------
const entries = packed.files.map((f) => f.path);
const required = ['package.json', 'README.md', 'docs/construct.md', 'docs/api.md', '.jsii', 'API.md', 'API.python.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cognito-auth-api.js', 'dist/cognito-auth-api.d.ts',
  'dist/function-code.js', 'dist/functions/viewer-ip.js', 'dist/verify/cli.js', 'cdk/routes.json', 'cdk/apps.json', 'cdk/openapi.json', 'dist/artifact/manifest.json', 'dist/artifact/bootstrap-x86_64.zip'];
const missing = required.filter((f) => !entries.includes(f));
check('the tarball has the compiled library, its types, the jsii assembly, API.md, the definition, the OpenAPI document, the README and docs, and the artifact', missing.length === 0, missing.length ? `missing ${missing.join(', ')}` : `${entries.length} files`);
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
// The construct itself needs nothing at run time; the verify command (bin cognito-auth-api, dist/verify) needs the AWS SDK
// clients it calls, a TOTP and a CBOR library. They are optionalDependencies, exact versions: npm installs them (npx
// runs the command), the construct never loads them, and jsii accepts only jsii modules as dependencies.
const VERIFY_DEPENDENCIES = ['@aws-sdk/client-cloudformation', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-cloudwatch-logs',
  '@aws-sdk/client-cognito-identity-provider', '@aws-sdk/client-wafv2', '@levischuck/tiny-cbor', 'otpauth'];
const deps = pkgJson.optionalDependencies ?? {};
check('package.json: peer dependencies aws-cdk-lib and constructs, cargo-lambda-cdk optional, no dependencies, the verify command\'s as optional ones, pinned',
  pkgJson.peerDependencies?.['aws-cdk-lib'] && pkgJson.peerDependencies?.constructs && pkgJson.peerDependenciesMeta?.['cargo-lambda-cdk']?.optional === true &&
  Object.keys(pkgJson.dependencies ?? {}).length === 0 &&
  JSON.stringify(Object.keys(deps).sort()) === JSON.stringify([...VERIFY_DEPENDENCIES].sort()) && Object.values(deps).every((v) => /^\d+\.\d+\.\d+$/.test(v)),
  JSON.stringify(deps));
check('package.json: the bin cognito-auth-api is the compiled verify command', pkgJson.bin?.['cognito-auth-api'] === 'dist/verify/cli.js');

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

const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env: consumerEnv });
if (!check('npm install of the tarball into the fresh app (peers linked from this repository, the rest from the cache or the registry)', install.status === 0, `${install.seconds.toFixed(1)} s`)) {
  console.error(install.output.slice(-4000));
  finish();
}
const installed = path.join(app, 'node_modules', pkgJson.name);
// The verify command as a platform team runs it (npx cognito-auth-api verify ...), from the installed tarball.
const bin = path.join(app, 'node_modules', '.bin', 'cognito-auth-api');
const listed = run(bin, ['verify', '--list'], { cwd: app, env: consumerEnv });
check('npx cognito-auth-api verify --list runs from the tarball and names the checks', listed.status === 0 && /^refresh-rotation\t/m.test(listed.stdout) && /left to you/.test(listed.stdout),
  `${listed.stdout.split('\n').filter((l) => !l.startsWith('(')).length - 1} checks${listed.status === 0 ? '' : `: ${listed.output.slice(0, 300)}`}`);
const noStack = run(bin, ['verify', '--stack', 'NoSuchStack', '--region', 'eu-west-1'], {
  cwd: app, env: { ...consumerEnv, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_MAX_ATTEMPTS: '1' },
});
check('npx cognito-auth-api verify --stack with no reachable stack exits 2 and names the stack', noStack.status === 2 && /cannot read stack NoSuchStack in eu-west-1/.test(noStack.output), noStack.output.trim().slice(0, 200));
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

// What the package says about itself, which every consumer's template is held to.
const npmFacts = {
  version: pkgJson.version, manifest, routes,
  tokenOnlyActions: require(path.join(installed, 'dist', 'route-definition.js')).TOKEN_ONLY_COGNITO_ACTIONS,
  quotaCategoryActions: require(path.join(installed, 'dist', 'cognito-quotas.js')).COGNITO_QUOTA_CATEGORY_ACTIONS,
  quotaRateRules: require(path.join(installed, 'dist', 'cognito-quotas.js')).quotaRateRules,
  poolEndpointRoutes: require(path.join(installed, 'dist', 'cognito-quotas.js')).POOL_ENDPOINT_ROUTES,
};
const verify = (label, stackName, s, expect) => verifyTemplate(check, label, stackName, s, npmFacts, expect);

const tsSynth = synth('TypeScript consumer', 'build/app.js', 'cdk.out.ts');
// The docs' stack; examples/python/app.py is the same stack in Python, held to the same expectations.
const docsStack = {
  memorySize: 512, timeout: 5, stageThrottle: { rateLimit: 100, burstLimit: 200 },
  routeThrottles: { login: { rateLimit: 40, burstLimit: 80 } }, poolArnPart: 'UserPool',
  extra: (res) => [
    ['front door off: no distribution, no web ACL', count(res, 'AWS::CloudFront::Distribution') === 0 && count(res, 'AWS::WAFv2::WebACL') === 0],
    ['log retention 14 days (RetentionDays.TWO_WEEKS)', Object.values(res).filter((r) => r.Type === 'AWS::Logs::LogGroup').every((r) => r.Properties.RetentionInDays === 14)],
    ['threat protection AUDIT on the Plus plan (ThreatProtection.AUDIT)', Object.values(res).some((r) => r.Type === 'AWS::Cognito::UserPool' &&
      r.Properties.UserPoolAddOns?.AdvancedSecurityMode === 'AUDIT' && r.Properties.UserPoolTier === 'PLUS')],
  ],
};
const tsTemplate = verify('TypeScript consumer (docs/construct.md)', 'PlatformAuth', tsSynth, docsStack);
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

// The TypeScript API as 0.1.0 offered it (before the jsii build), against the shipped .d.ts: it must still compile.
fs.copyFileSync(path.join(__dirname, 'old-usage.ts'), path.join(app, 'old-usage.ts'));
fs.writeFileSync(path.join(app, 'tsconfig.old-usage.json'), JSON.stringify({
  // The .d.ts files were checked by the compile above (skipLibCheck off); this one checks old-usage.ts alone.
  compilerOptions: { ...JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.json'), 'utf-8')).compilerOptions, noEmit: true, outDir: undefined, skipLibCheck: true },
  files: ['old-usage.ts'],
}, null, 2));
const oldUsage = run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.old-usage.json'], { cwd: app, env: consumerEnv });
check('the TypeScript usage of 0.1.0 (tests/package/old-usage.ts) still compiles against the shipped .d.ts', oldUsage.status === 0,
  oldUsage.status === 0 ? `${oldUsage.seconds.toFixed(1)} s` : oldUsage.output.slice(0, 3000));

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

// ---- 5. the Python package -------------------------------------------------------------------------------------
const python = checkPython({ check, run, root, work, consumerEnv, cdkCli, npm: npmFacts, tsTemplate, expect: docsStack });

// ---- 6. Java ----------------------------------------------------------------------------------------------------
// jsii-pacmak generated the Java binding's sources and pom.xml (code only: `mvn package` needs Maven Central, which
// this project's machines cannot resolve; PACKAGE_JAVA=jar npm run package builds the jar where it can).
const javaDir = path.join(root, 'dist-packages', 'java');
const javaFiles = fs.existsSync(javaDir) ? fs.readdirSync(javaDir, { recursive: true }).filter((f) => f.endsWith('.java')) : [];
check('jsii-pacmak generated the Java binding (pom.xml, a class per jsii type, CognitoAuthApi.java among them)',
  fs.existsSync(path.join(javaDir, 'pom.xml')) && javaFiles.some((f) => f.endsWith(`${path.sep}CognitoAuthApi.java`)), `${javaFiles.length} .java files`);

const summary = { packSeconds: pack.seconds, tarballBytes: tarBytes, installSeconds: install.seconds, synthSecondsTs: tsSynth.seconds, synthSecondsJs: jsSynth.seconds, ...python };
console.log(`\npackage:check ${JSON.stringify(summary)}`);
finish();
