#!/usr/bin/env node
// `npm run synth:check`: a REAL `cdk synth` of the app, with cargo-lambda bundling the Rust `bootstrap`
// binary (release, x86_64, via zig; no Docker), then checks on what it produced:
//   - the binary was bundled exactly once per synth (one "Bundling asset" line) and every function of the
//     definition uses that one asset;
//   - the asset holds an x86-64 ELF `bootstrap`; its zip size is reported;
//   - the web ACL's capacity (WCUs, as the construct counts them) is printed and within the 1,500 its price includes;
//   - cfn-lint passes on every synthesized template (cdk-nag already ran inside the synth: an
//     unacknowledged finding fails it).
//   - with a Cognito trigger on: its function runs the same asset, the pool's LambdaConfig names it, and a trigger
//     granted Cognito actions on its own pool (tests/cdk/trigger-grants-app.ts) makes no dependency cycle (cfn-lint
//     E3004, and CloudFormation's own validation that synth runs);
// Three synths: the API in eu-west-1 with its us-east-1 WAF stack and the pre sign-up trigger (cold, the realistic
// multi-region case), the default single-stack app (warm cargo cache), and the trigger-grants app. Timings go to
// cdk.out/synth-check.json.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const venvBin = path.join(root, '.venv', 'bin');
const env = { ...process.env, PATH: `${venvBin}${path.delimiter}${process.env.PATH}` };
delete env.CDK_DEFAULT_REGION; // the checks below choose the region explicitly (context), not the caller's profile
const routes = JSON.parse(fs.readFileSync(path.join(root, 'cdk', 'routes.json'), 'utf-8')).routes;
const triggerNames = JSON.parse(fs.readFileSync(path.join(root, 'cdk', 'triggers.json'), 'utf-8')).triggers.map((t) => t.name);
const cfnLintCfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'cfn-lint.json'), 'utf-8'));

let passed = 0;
let failed = 0;
const results = {};
function check(name, ok, detail) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function run(cmd, args, opts = {}) {
  const t0 = Date.now();
  const p = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, ...opts });
  return { ...p, seconds: (Date.now() - t0) / 1000 };
}

const cl = run('cargo', ['lambda', '--version']);
if (cl.status !== 0) {
  console.error('cargo-lambda is not on PATH: run `make build-tools` (installs cargo-lambda and zig into .venv from tests/requirements-build.txt).');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`using ${cl.stdout.trim()}`);

function synth(label, outdir, context, opts = {}) {
  const triggersOn = opts.triggers || [];
  fs.rmSync(path.join(root, outdir), { recursive: true, force: true });
  const args = ['synth', '--quiet', '--output', outdir, ...(opts.app ? ['--app', opts.app] : [])];
  for (const [k, v] of Object.entries(context)) args.push('--context', `${k}=${v}`);
  console.log(`\n== ${label}: npx cdk ${args.join(' ')}`);
  const p = run(path.join(root, 'node_modules', '.bin', 'cdk'), args);
  const stderr = p.stderr || '';
  const bundled = (stderr.match(/Bundling asset /g) || []).length;
  const r = { seconds: p.seconds, bundlingRuns: bundled };
  results[label] = r;
  check(`${label}: cdk synth succeeds (cdk-nag included)`, p.status === 0, `${p.seconds.toFixed(1)} s`);
  if (p.status !== 0) {
    console.error(stderr.slice(-8000));
    return;
  }
  check(`${label}: the bootstrap binary is bundled exactly once`, bundled === 1, `${bundled} bundling run(s)`);

  const dir = path.join(root, outdir);
  const templates = fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(dir, f));
  const fns = [];
  const lambdaConfigs = [];
  const fnIds = {};
  for (const t of templates) {
    const tpl = JSON.parse(fs.readFileSync(t, 'utf-8'));
    for (const [id, res] of Object.entries(tpl.Resources || {})) {
      if (res.Type === 'AWS::Lambda::Function' && res.Properties.Handler === 'bootstrap') {
        fns.push(res.Properties);
        fnIds[id] = res.Properties;
      }
      if (res.Type === 'AWS::Cognito::UserPool') lambdaConfigs.push(res.Properties.LambdaConfig || {});
    }
  }
  if (opts.grant) {
    const granted = templates.some((t) => Object.values(JSON.parse(fs.readFileSync(t, 'utf-8')).Resources || {})
      .some((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.PolicyDocument).includes(opts.grant)));
    check(`${label}: the trigger's ${opts.grant} is in a policy of its own`, granted);
  }
  const keys = [...new Set(fns.map((f) => f.Code && f.Code.S3Key))];
  check(`${label}: one function per route (${routes.length}) and per trigger on (${triggersOn.length}), all on one asset`,
    fns.length === routes.length + triggersOn.length && keys.length === 1, `${fns.length} functions, ${keys.length} distinct asset(s)`);
  // A key with an event version (PreTokenGenerationConfig) holds { LambdaArn, LambdaVersion }.
  const arnOf = (v) => (v && v.LambdaArn) || v;
  const wired = lambdaConfigs.flatMap((c) => Object.values(c)).map(arnOf).map((v) => fnIds[v && v['Fn::GetAtt'] && v['Fn::GetAtt'][0]]);
  const served = wired.map((f) => f && f.Environment && f.Environment.Variables.COGNITO_TRIGGER).filter(Boolean).sort();
  check(`${label}: the pool's LambdaConfig names exactly the trigger functions on (${triggersOn.join(', ') || 'none'})`,
    JSON.stringify(served) === JSON.stringify([...triggersOn].sort()) && wired.length === triggersOn.length, JSON.stringify(lambdaConfigs));
  if (keys.length === 1 && typeof keys[0] === 'string') {
    const assetDir = path.join(dir, `asset.${keys[0].replace(/\.zip$/, '')}`);
    const bin = path.join(assetDir, 'bootstrap');
    const exists = fs.existsSync(bin);
    let elf = false;
    if (exists) {
      const head = Buffer.alloc(20);
      const fd = fs.openSync(bin, 'r');
      fs.readSync(fd, head, 0, 20, 0);
      fs.closeSync(fd);
      elf = head.readUInt32BE(0) === 0x7f454c46 && head.readUInt16LE(18) === 0x3e; // ELF, EM_X86_64
    }
    check(`${label}: asset holds an x86-64 ELF bootstrap`, exists && elf, path.relative(root, bin));
    if (exists) {
      const zip = path.join(os.tmpdir(), `bootstrap-${process.pid}.zip`);
      const py = fs.existsSync(path.join(venvBin, 'python')) ? path.join(venvBin, 'python') : 'python3';
      const z = run(py, ['-c',
        'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z: z.write(sys.argv[1], "bootstrap")',
        bin, zip]);
      if (z.status === 0) {
        r.binaryBytes = fs.statSync(bin).size;
        r.zipBytes = fs.statSync(zip).size;
        fs.rmSync(zip, { force: true });
        console.log(`     bootstrap ${(r.binaryBytes / 1048576).toFixed(2)} MiB, zipped ${(r.zipBytes / 1048576).toFixed(2)} MiB`);
      }
    }
  }

  // The web ACLs' capacity as the construct counts it from AWS's published WCU costs (lib/web-acl.ts webAclCapacity).
  for (const t of templates) {
    const tpl = JSON.parse(fs.readFileSync(t, 'utf-8'));
    for (const res of Object.values(tpl.Resources || {})) {
      if (res.Type !== 'AWS::WAFv2::WebACL') continue;
      const wcu = res.Metadata && res.Metadata.AuthApiCapacityWcu;
      r.webAclWcu = wcu;
      check(`${label}: ${res.Properties.Scope} web ACL within the 1,500 WCUs its price includes`, typeof wcu === 'number' && wcu <= 1500,
        `${wcu} WCUs, ${res.Properties.Rules.length} rules (${res.Properties.Rules.filter((x) => x.Statement.RateBasedStatement).length} rate-based)`);
    }
  }

  const lint = run(path.join(venvBin, 'cfn-lint'), ['--format', 'parseable', '--ignore-checks', ...Object.keys(cfnLintCfg.ignoreChecks), '--', ...templates]);
  const out = `${lint.stdout || ''}${lint.stderr || ''}`.trim();
  check(`${label}: cfn-lint passes on ${templates.length} template(s)`, lint.status === 0 && out === '', out.split('\n').slice(0, 20).join('\n'));
}

synth('eu-west-1 + us-east-1 WAF stack, pre sign-up trigger on', 'cdk.out/check-eu-west-1', { region: 'eu-west-1', signUpEmailDomains: 'example.com' }, { triggers: ['preSignUp'] });
synth('default app (us-east-1)', 'cdk.out/check-default', {});
synth('a trigger granted Cognito actions on its own pool', 'cdk.out/check-trigger-grants', {},
  { app: 'npx ts-node --prefer-ts-exts tests/cdk/trigger-grants-app.ts', triggers: ['preSignUp', 'preTokenGeneration', 'userMigration', 'customMessage'], grant: 'cognito-idp:AdminLinkProviderForUser' });
check('the trigger-grants synth also grants pre token generation its ListUserPoolClients',
  fs.readdirSync(path.join(root, 'cdk.out/check-trigger-grants')).filter((f) => f.endsWith('.template.json'))
    .some((f) => fs.readFileSync(path.join(root, 'cdk.out/check-trigger-grants', f), 'utf-8').includes('cognito-idp:ListUserPoolClients')));
check('the trigger-grants synth grants user migration GetSecretValue on exactly its legacy secret',
  fs.readdirSync(path.join(root, 'cdk.out/check-trigger-grants')).filter((f) => f.endsWith('.template.json'))
    .some((f) => Object.values(JSON.parse(fs.readFileSync(path.join(root, 'cdk.out/check-trigger-grants', f), 'utf-8')).Resources || {})
      // The grant is an inline policy of the trigger's role (LegacyAuthSecret), as the role's other policies.
      .some((r) => r.Type === 'AWS::IAM::Role' && (r.Properties.Policies || []).some((p) => p.PolicyDocument.Statement.some((st) =>
        [].concat(st.Action).includes('secretsmanager:GetSecretValue') && JSON.stringify(st.Resource) === JSON.stringify('arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-auth-AbCdEf'))))));
check('the trigger definition names the triggers the synths turned on', ['preSignUp', 'preTokenGeneration', 'userMigration', 'customMessage'].every((n) => triggerNames.includes(n)), triggerNames.join(', '));

fs.mkdirSync(path.join(root, 'cdk.out'), { recursive: true });
fs.writeFileSync(path.join(root, 'cdk.out', 'synth-check.json'), JSON.stringify(results, null, 2));
console.log(`\nsynth:check ${JSON.stringify(results)}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
