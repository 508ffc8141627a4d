// The Python package as a Python CDK shop gets it (run by tests/package/check.js after the npm consumers):
//   1. the wheel and sdist jsii-pacmak built: sizes under MAX_PYTHON_BYTES, and the artifact inside (the wheel carries
//      the npm tarball; its zip and manifest must be the ones the npm package has);
//   2. a fresh virtualenv in the temporary folder gets the wheel, and aws-cdk-lib and constructs from PyPI
//      (examples/python/requirements.txt);
//   3. the package answers from Python (the static members jsii carries: AuthApiDefinitions, CognitoQuotas), the same
//      as the npm package's TypeScript functions;
//   4. examples/python/app.py (the docs' Python stack, equal to its block in docs/construct.md) synthesizes with no cargo, rustc or zig on PATH, and its template
//      passes the same checks as the npm consumers' (tests/package/verify-template.js) and equals the TypeScript
//      consumer's, resource for resource: the same stack written in two languages.
'use strict';
const fs = require('fs');
const path = require('path');
const { verifyTemplate } = require('./verify-template');

/** Stated limit of the wheel and of the sdist (each carries the npm tarball, so about its size). */
const MAX_PYTHON_BYTES = 4 * 1024 * 1024;

/** The template without what differs by CDK version alone (the CDKMetadata resource, its condition) and the build path. */
function comparable(tpl) {
  const { CDKMetadata: _m, ...resources } = tpl.Resources;
  const { CDKMetadataAvailable: _c, ...conditions } = tpl.Conditions ?? {};
  return JSON.stringify({ ...tpl, Resources: resources, Conditions: conditions }, null, 1);
}

function checkPython({ check, run, root, work, consumerEnv, cdkCli, npm, tsTemplate, expect }) {
  const pyDir = path.join(root, 'dist-packages', 'python');
  const files = fs.existsSync(pyDir) ? fs.readdirSync(pyDir) : [];
  const wheel = files.find((f) => f.endsWith('.whl'));
  const sdist = files.find((f) => f.endsWith('.tar.gz'));
  if (!check('jsii-pacmak built a wheel and an sdist', wheel && sdist, files.join(', '))) return {};
  const sizes = { wheelBytes: fs.statSync(path.join(pyDir, wheel)).size, sdistBytes: fs.statSync(path.join(pyDir, sdist)).size };
  check(`the wheel and the sdist stay under ${MAX_PYTHON_BYTES / 1048576} MiB`, sizes.wheelBytes < MAX_PYTHON_BYTES && sizes.sdistBytes < MAX_PYTHON_BYTES,
    `wheel ${(sizes.wheelBytes / 1048576).toFixed(2)} MiB, sdist ${(sizes.sdistBytes / 1048576).toFixed(2)} MiB`);

  // The artifact, its manifest and the definitions inside the wheel: read from the npm tarball it carries.
  const hostPython = process.env.PYTHON || 'python3';
  const inside = run(hostPython, ['-c', [
    'import hashlib, io, json, sys, tarfile, zipfile',
    'w = zipfile.ZipFile(sys.argv[1])',
    'tgz = [n for n in w.namelist() if n.endswith(".jsii.tgz")]',
    't = tarfile.open(fileobj=io.BytesIO(w.read(tgz[0])))',
    'sha = lambda n: hashlib.sha256(t.extractfile("package/" + n).read()).hexdigest()',
    'm = json.load(t.extractfile("package/dist/artifact/manifest.json"))',
    'print(json.dumps({"tarballs": tgz, "manifest": m, "zip": sha("dist/artifact/bootstrap-x86_64.zip"),',
    '  "definitions": {f: sha(f) for f in m["definitionFiles"]}, "api": "package/API.md" in t.getnames()}))',
  ].join('\n'), path.join(pyDir, wheel)]);
  let carried;
  try { carried = JSON.parse(inside.stdout); } catch { carried = undefined; }
  check('the wheel carries the npm package: the artifact with the manifest\'s sha256, the manifest, the definitions it was built with, API.md',
    carried && carried.tarballs.length === 1 && JSON.stringify(carried.manifest) === JSON.stringify(npm.manifest) &&
      carried.zip === npm.manifest.artifacts.x86_64.sha256 && carried.api &&
      Object.entries(carried.definitions).every(([f, h]) => npm.manifest.definitionFiles[f] === h),
    carried ? `${carried.tarballs[0]}, zip sha256 ${carried.zip.slice(0, 12)}…` : inside.output.slice(0, 400));

  // A fresh virtualenv, outside the repository, with what a Python CDK app installs.
  const py = path.join(work, 'python');
  const venv = path.join(py, 'venv');
  fs.mkdirSync(py, { recursive: true });
  const mkVenv = run(hostPython, ['-m', 'venv', venv]);
  const pip = mkVenv.status === 0 && run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '-q', '--disable-pip-version-check',
    path.join(pyDir, wheel), '-r', path.join(root, 'examples', 'python', 'requirements.txt')]);
  if (!check('a fresh virtualenv installs the wheel with aws-cdk-lib and constructs from PyPI (examples/python/requirements.txt)',
    pip && pip.status === 0, pip ? `${pip.seconds.toFixed(1)} s` : mkVenv.output.slice(-2000))) {
    if (pip) console.error(pip.output.slice(-4000));
    return sizes;
  }
  const env = { ...consumerEnv, PATH: `${path.join(venv, 'bin')}${path.delimiter}${consumerEnv.PATH}`, VIRTUAL_ENV: venv,
    JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
  const toolchain = ['cargo', 'cargo-lambda', 'zig', 'rustc', 'rustup'].filter((t) => run(t, ['--version'], { cwd: py, env }).error === undefined);
  check('no cargo, cargo-lambda, zig, rustc or rustup on the Python app\'s PATH', toolchain.length === 0, toolchain.join(', '));

  // The package from Python: what it says about itself must be what the npm package says.
  const python = path.join(venv, 'bin', 'python');
  const asked = run(python, ['-c', [
    'import json',
    'from cognito_auth_api import AuthApiDefinitions, CognitoQuotas',
    'routes = [{"name": r.name, "method": r.method, "path": r.path, "cognitoActions": r.cognito_actions,',
    '           "throttle": {"rateLimit": r.throttle.rate_limit, "burstLimit": r.throttle.burst_limit}} for r in AuthApiDefinitions.load_routes().routes]',
    'print(json.dumps({"routes": routes, "tokenOnly": AuthApiDefinitions.TOKEN_ONLY_COGNITO_ACTIONS, "categories": CognitoQuotas.CATEGORY_ACTIONS,',
    '  "keys": [AuthApiDefinitions.route_key(r["method"], r["path"]) for r in routes],',
    '  "iam": [AuthApiDefinitions.iam_actions_of(r["cognitoActions"]) for r in routes]}))',
  ].join('\n')], { cwd: py, env });
  let fromPython;
  try { fromPython = JSON.parse(asked.stdout); } catch { fromPython = undefined; }
  const npmRoutes = npm.routes.map((r) => ({ name: r.name, method: r.method, path: r.path, cognitoActions: r.cognitoActions, throttle: r.throttle }));
  if (!check('from Python, AuthApiDefinitions and CognitoQuotas give the npm package\'s routes, route keys, IAM actions and quota categories',
    fromPython && JSON.stringify(fromPython.routes) === JSON.stringify(npmRoutes) &&
      JSON.stringify(fromPython.tokenOnly) === JSON.stringify(npm.tokenOnlyActions) &&
      JSON.stringify(fromPython.categories) === JSON.stringify(npm.quotaCategoryActions) &&
      JSON.stringify(fromPython.keys) === JSON.stringify(npm.routes.map((r) => `${r.method} ${r.path}`)) &&
      JSON.stringify(fromPython.iam) === JSON.stringify(npm.routes.map((r) => r.cognitoActions.filter((a) => !npm.tokenOnlyActions.includes(a)).map((a) => `cognito-idp:${a}`))),
    fromPython ? `${fromPython.routes.length} routes` : asked.output.slice(-2000))) return sizes;

  // The docs' Python stack, synthesized by the cdk CLI as a Python shop runs it.
  const appPy = fs.readFileSync(path.join(root, 'examples', 'python', 'app.py'), 'utf-8');
  const block = fs.readFileSync(path.join(root, 'docs', 'construct.md'), 'utf-8').match(/<!-- consumer-app\.py[^>]*-->\s*```python\n([\s\S]*?)```/);
  check('examples/python/app.py is the Python block of docs/construct.md (marked consumer-app.py)', block !== null && block[1] === appPy,
    block ? `${appPy.split('\n').length} lines` : 'no block');
  const app = path.join(py, 'app');
  fs.mkdirSync(app);
  for (const f of ['app.py', 'cdk.json']) fs.copyFileSync(path.join(root, 'examples', 'python', f), path.join(app, f));
  const s = run(process.execPath, [cdkCli, 'synth', '--quiet', '--app', `${python} app.py`, '--output', 'cdk.out'], { cwd: app, env });
  const tpl = verifyTemplate(check, 'Python app (examples/python/app.py)', 'PlatformAuth', { ...s, dir: path.join(app, 'cdk.out') },
    { ...npm, routes: fromPython.routes, tokenOnlyActions: fromPython.tokenOnly, quotaCategoryActions: fromPython.categories }, expect);
  if (tpl && tsTemplate) {
    const a = comparable(tsTemplate).split('\n');
    const b = comparable(tpl).split('\n');
    const at = a.findIndex((line, i) => line !== b[i]);
    check('the Python template equals the TypeScript consumer\'s (CDK version metadata aside): the same stack in two languages', at === -1,
      at === -1 ? `${Object.keys(tpl.Resources).length} resources` : `first difference at line ${at + 1}: ts ${a[at]?.trim()} | py ${b[at]?.trim()}`);
  }
  return { ...sizes, pipSeconds: pip.seconds, synthSecondsPy: s.seconds };
}

module.exports = { checkPython, MAX_PYTHON_BYTES };
