#!/usr/bin/env node
// `npm run package` (and `npm pack`, through the prepack script): builds what the npm package ships.
//   dist/*.js + *.d.ts        the construct library, compiled from lib/ (tsconfig.build.json; lib/app.ts, the
//                             repository's own app, is left out), plus lib/'s non-TypeScript files (the CloudFront Function)
//   dist/artifact/bootstrap-<arch>.zip   the Lambda code: `bootstrap` at the zip root, release build
//   dist/artifact/manifest.json          sha256 of each zip, the package version, sha256 of each cdk/*.json it was
//                                        built with (the construct checks all three at synth)
// The binary is built with exactly the cargo-lambda command cargo-lambda-cdk runs for the app (lib/function-code.ts,
// AuthApiCode.fromSource), into the same target directory: after `npm run synth:check` this is a cache hit, not a
// second release build. x86_64 always; arm64 only when the aarch64-unknown-linux-gnu Rust target is installed.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const venvBin = path.join(root, '.venv', 'bin');
const env = { ...process.env, PATH: `${venvBin}${path.delimiter}${process.env.PATH}` };
const dist = path.join(root, 'dist');
const artifactDir = path.join(dist, 'artifact');
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

fs.rmSync(dist, { recursive: true, force: true });
const tscSeconds = run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json']);
console.log(`build-package: compiled lib/ to dist/ in ${tscSeconds.toFixed(1)} s`);
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
