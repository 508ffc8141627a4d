#!/usr/bin/env node
// `npm run package`: builds every package of the construct library, into dist-packages/.
//   dist/*.js + *.d.ts, .jsii   the library compiled from lib/ by the jsii compiler (tsconfig.jsii.json; lib/app.ts, the
//                               repository's own app, is left out), warnings as errors, so the public API stays
//                               usable from Python and Java; plus lib/'s non-TypeScript files (the CloudFront Function)
//   dist/artifact/bootstrap-<arch>.zip   the Lambda code: `bootstrap` at the zip root, release build
//   dist/artifact/manifest.json          sha256 of each zip, the package version, sha256 of each cdk/*.json it was
//                                        built with (the construct checks all three at synth)
//   API.md, API.python.md      the API reference generated from the doc comments (jsii-docgen), TypeScript and Python
//   dist-packages/js/*.tgz      the npm package (jsii-pacmak runs `npm pack`; prepack only checks that this built it)
//   dist-packages/python/       the Python wheel and sdist (jsii-pacmak; they carry the npm tarball, hence the artifact)
//   dist-packages/java/         Java sources only (jsii-pacmak --code-only): building the jar needs Maven Central,
//                               which this project's machines do not reach; set PACKAGE_JAVA=jar where it is reachable.
// The binary is built with exactly the cargo-lambda command cargo-lambda-cdk runs for the app (lib/function-code.ts,
// AuthApiCode.fromSource), into the same target directory: after `npm run synth:check` this is a cache hit, not a
// second release build. x86_64 always; arm64 only when the aarch64-unknown-linux-gnu Rust target is installed.
// `node bin/build-package.js --verify` (the prepack script) only checks that the build outputs are there.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const venvBin = path.join(root, '.venv', 'bin');
// jsii's tools print a banner on Node 20 (past its end of life for them, still the project's Node: DESIGN.md).
const env = { ...process.env, PATH: `${venvBin}${path.delimiter}${process.env.PATH}`, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
const dist = path.join(root, 'dist');
const artifactDir = path.join(dist, 'artifact');
const packagesDir = path.join(root, 'dist-packages');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));

function run(cmd, args, opts = {}) {
  const t0 = Date.now();
  const p = spawnSync(cmd, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (p.status !== 0) {
    console.error(`build-package: ${cmd} ${args.join(' ')} failed${p.error ? `: ${p.error.message}` : ''}`);
    process.exit(1);
  }
  return (Date.now() - t0) / 1000;
}
function out(cmd, args, opts = {}) {
  const p = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf-8', ...opts });
  return p.status === 0 ? p.stdout.trim() : undefined;
}
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

if (process.argv.includes('--verify')) {
  // prepack: `npm pack` is run by jsii-pacmak at the end of this script; a bare `npm pack` would ship what is in dist/.
  const need = ['.jsii', 'API.md', 'dist/index.js', 'dist/index.d.ts', 'dist/artifact/manifest.json'];
  const missing = need.filter((f) => !fs.existsSync(path.join(root, f)));
  const manifest = missing.length === 0 ? JSON.parse(fs.readFileSync(path.join(artifactDir, 'manifest.json'), 'utf-8')) : undefined;
  if (missing.length > 0 || manifest.packageVersion !== pkg.version) {
    console.error(`build-package: ${missing.length ? `missing ${missing.join(', ')}` : `dist/artifact was built for ${manifest.packageVersion}, not ${pkg.version}`}. ` +
      'Build the packages with `npm run package` (it ends with npm pack, into dist-packages/js).');
    process.exit(1);
  }
  process.exit(0);
}

fs.rmSync(dist, { recursive: true, force: true });
fs.rmSync(packagesDir, { recursive: true, force: true });
// `npm run jsii` (also in `npm test`): warnings are errors. The one silenced: the peer ranges' lower ends are what PyPI
// serves (aws-cdk-lib 2.275.0) and what aws-cdk-lib needs (constructs 10.5), and jsii would have the devDependencies
// there too; they are newer. So the npm consumer test runs on the devDependencies, the Python one on 2.275.0 from PyPI.
const jsiiSeconds = run('npm', ['run', '--silent', 'jsii']);
console.log(`build-package: compiled lib/ to dist/ and .jsii with jsii in ${jsiiSeconds.toFixed(1)} s`);
// Files the compiled code reads beside itself (e.g. lib/functions/viewer-ip.js, the CloudFront Function): copied as they are.
for (const f of fs.readdirSync(path.join(root, 'lib'), { recursive: true })) {
  const src = path.join(root, 'lib', f);
  if (fs.statSync(src).isFile() && !f.endsWith('.ts')) {
    fs.mkdirSync(path.dirname(path.join(dist, f)), { recursive: true });
    fs.copyFileSync(src, path.join(dist, f));
    console.log(`build-package: copied lib/${f} to dist/${f}`);
  }
}

if (out('cargo', ['lambda', '--version']) === undefined) {
  console.error('build-package: cargo-lambda is not on PATH: run `make build-tools` (cargo-lambda and zig into .venv).');
  process.exit(1);
}
const sysroot = out('rustc', ['--print', 'sysroot']);
const architectures = [{ name: 'x86_64', flag: '--x86-64' }];
if (sysroot && fs.existsSync(path.join(sysroot, 'lib', 'rustlib', 'aarch64-unknown-linux-gnu'))) {
  architectures.push({ name: 'arm64', flag: '--arm64' });
} else {
  console.log('build-package: no aarch64-unknown-linux-gnu Rust target here, so no arm64 artifact (docs/construct.md: "Adding the arm64 artifact").');
}

fs.mkdirSync(artifactDir, { recursive: true });
const py = fs.existsSync(path.join(venvBin, 'python')) ? path.join(venvBin, 'python') : 'python3';
const artifacts = {};
for (const arch of architectures) {
  const lambdaDir = path.join(root, 'target', 'package-artifact', arch.name);
  fs.rmSync(lambdaDir, { recursive: true, force: true });
  // Same command, from the same directory (the workspace root, DEFAULT_MANIFEST_PATH's), as cargo-lambda-cdk's bundling
  // for RustFunction({ binaryName: 'bootstrap', bundling: { architecture } }).
  const seconds = run('cargo', ['lambda', 'build', '--lambda-dir', lambdaDir, '--release', arch.flag, '--bin', 'bootstrap', '--flatten', 'bootstrap'], { cwd: root });
  const bin = path.join(lambdaDir, 'bootstrap');
  const file = `bootstrap-${arch.name}.zip`;
  const zip = path.join(artifactDir, file);
  // A reproducible zip: fixed timestamp, mode 0755 (Lambda runs `bootstrap` as an executable).
  run(py, ['-c', [
    'import sys, zipfile',
    'info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))',
    'info.external_attr = 0o100755 << 16',
    'info.create_system = 3',
    'with zipfile.ZipFile(sys.argv[2], "w") as z, open(sys.argv[1], "rb") as f:',
    '    z.writestr(info, f.read(), compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)',
  ].join('\n'), bin, zip]);
  artifacts[arch.name] = { file, sha256: sha256(zip), bytes: fs.statSync(zip).size };
  console.log(`build-package: ${file} ${(artifacts[arch.name].bytes / 1048576).toFixed(2)} MiB (cargo lambda build ${seconds.toFixed(1)} s)`);
}

const definitionFiles = {};
for (const f of fs.readdirSync(path.join(root, 'cdk')).filter((f) => f.endsWith('.json')).sort()) {
  definitionFiles[`cdk/${f}`] = sha256(path.join(root, 'cdk', f));
}
// The custom message trigger's templates, compiled into the binary beside cdk/messages.json.
for (const f of fs.readdirSync(path.join(root, 'cdk', 'messages')).sort()) {
  definitionFiles[`cdk/messages/${f}`] = sha256(path.join(root, 'cdk', 'messages', f));
}
const commit = out('git', ['rev-parse', 'HEAD']);
const dirty = out('git', ['status', '--porcelain', '--', 'lambda', 'cdk', 'Cargo.toml', 'Cargo.lock']);
const manifest = {
  packageName: pkg.name,
  packageVersion: pkg.version,
  artifacts,
  definitionFiles,
  source: {
    ...(commit ? { gitCommit: commit + (dirty ? '+uncommitted-changes' : '') } : {}),
    rustc: out('rustc', ['--version']) ?? 'unknown',
    cargoLambda: out('cargo', ['lambda', '--version']) ?? 'unknown',
    profile: 'release',
  },
};
fs.writeFileSync(path.join(artifactDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`build-package: dist/artifact/manifest.json (${pkg.name}@${pkg.version}, ${Object.keys(artifacts).join(', ')})`);

// The API reference, from the doc comments: TypeScript (API.md, as Construct Hub shows it) and Python.
const docSeconds = run(bin('jsii-docgen'), ['--output', 'API.md']) + run(bin('jsii-docgen'), ['--language', 'python', '--output', 'API.python.md']);
console.log(`build-package: API.md and API.python.md in ${docSeconds.toFixed(1)} s`);

// The packages. jsii-pacmak runs `npm pack` (the prepack script checks the outputs above) and builds the Python wheel
// in a virtualenv of its own (setuptools, build, twine from PyPI).
const pacmakSeconds = run(bin('jsii-pacmak'), ['--targets', 'js', 'python', '--outdir', 'dist-packages', '--no-npmignore']);
const javaJar = process.env.PACKAGE_JAVA === 'jar';
const javaSeconds = run(bin('jsii-pacmak'), ['--targets', 'java', '--outdir', 'dist-packages', '--no-npmignore', ...(javaJar ? [] : ['--code-only'])]);
for (const dir of ['js', 'python', ...(javaJar ? ['java'] : [])]) {
  for (const f of fs.readdirSync(path.join(packagesDir, dir), { recursive: true }).filter((f) => /\.(tgz|whl|tar\.gz|jar)$/.test(f))) {
    console.log(`build-package: dist-packages/${dir}/${f} ${(fs.statSync(path.join(packagesDir, dir, f)).size / 1048576).toFixed(2)} MiB`);
  }
}
console.log(`build-package: jsii-pacmak js + python in ${pacmakSeconds.toFixed(1)} s, java ${javaJar ? 'jar' : 'sources (code only)'} in ${javaSeconds.toFixed(1)} s`);
