// The package as a frontend team gets it (run by `make client`):
//   1. `npm pack` (prepack builds dist/);
//   2. the tarball holds the built JS and types, the README and package.json, and nothing else
//      (no sources, tests, scripts), and declares no runtime dependency;
//   3. a fresh app in a temporary folder outside the repository installs the tarball (offline: it
//      has no dependencies), and type-checks each documented example verbatim (the code block after
//      a `<!-- client-example -->` line in client/README.md and in docs/*.md, the frontend teams' page) under
//      strict settings, with both `moduleResolution: bundler` and `nodenext`;
//   4. the installed package loads in Node as ESM and answers a call through a fetch it is given.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(root, '..');
/** Where documented examples live: the package's README and the docs pages (the frontend teams' page). */
const docsDir = join(repo, 'docs');
const EXAMPLE_SOURCES = ['client/README.md', ...(existsSync(docsDir) ? readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
const MARKER = '<!-- client-example -->';

let failed = 0;
const check = (name, ok, detail = '') => {
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return ok;
};
const run = (cmd, args, cwd) => {
  const p = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: p.status, out: `${p.stdout ?? ''}${p.stderr ?? ''}`, stdout: p.stdout ?? '' };
};

const work = mkdtempSync(join(tmpdir(), 'auth-client-app-'));
try {
  check('the temporary app is outside the repository', relative(repo, work).startsWith('..'), work);

  // ---- 1. pack ---------------------------------------------------------------------------------------
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], root);
  if (!check('npm pack', pack.status === 0)) throw new Error(pack.out.slice(-4000));
  const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')))[0];

  // ---- 2. contents -----------------------------------------------------------------------------------
  const files = info.files.map((f) => f.path).sort();
  const unexpected = files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f) && f !== 'README.md' && f !== 'package.json');
  check('the tarball holds dist/*.js, dist/*.d.ts, README.md, package.json only', unexpected.length === 0, unexpected.join(', '));
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/generated/routes.js', 'dist/generated/openapi.d.ts']) check(`the tarball has ${f}`, files.includes(f));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  check('no runtime dependencies', !pkg.dependencies && !pkg.peerDependencies, JSON.stringify(pkg.dependencies ?? pkg.peerDependencies ?? {}));
  console.log(`     tarball ${info.filename}: ${info.size} bytes packed, ${info.unpackedSize} unpacked, ${files.length} files`);

  // ---- 3. a fresh app --------------------------------------------------------------------------------
  const app = join(work, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', private: true, type: 'module', dependencies: { [pkg.name]: `file:../${info.filename}` } }, null, 2));
  const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], app);
  if (!check('the fresh app installs the tarball (offline)', install.status === 0)) throw new Error(install.out.slice(-4000));

  const examples = [];
  for (const source of EXAMPLE_SOURCES) {
    const file = join(repo, source);
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() !== MARKER) return;
      const open = lines[i + 1] ?? '';
      if (!/^```(ts|typescript)\s*$/.test(open)) return check(`${source}:${i + 1}: a TypeScript block follows the marker`, false, open);
      const end = lines.indexOf('```', i + 2);
      examples.push({ source, line: i + 1, code: lines.slice(i + 2, end).join('\n') + '\n' });
    });
  }
  check('documented examples found in client/README.md', examples.some((e) => e.source === 'client/README.md'));
  if (existsSync(docsDir)) check('and in the docs pages', examples.some((e) => e.source.startsWith('docs/')), examples.map((e) => `${e.source}:${e.line}`).join(', '));
  examples.forEach((e, n) => writeFileSync(join(app, 'src', `example${n}.ts`), e.code));

  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const base = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], skipLibCheck: false, noUncheckedIndexedAccess: true, types: [] };
  for (const [module, moduleResolution] of [['ES2022', 'bundler'], ['NodeNext', 'NodeNext']]) {
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...base, module, moduleResolution }, include: ['src/*.ts'] }, null, 2));
    const t = run(process.execPath, [tsc, '-p', 'tsconfig.json'], app);
    check(`the examples type-check verbatim (moduleResolution ${moduleResolution})`, t.status === 0, t.out.trim().slice(0, 3000));
  }

  // ---- 4. it runs ------------------------------------------------------------------------------------
  const probe = `
    import { createAuthClient, AuthApiError, routes } from '${pkg.name}';
    const fetch = async (url, init) => new Response(JSON.stringify(url.endsWith('/auth/register') ? { message: 'ok', codeDelivery: { medium: 'EMAIL', destination: 'j***' } } : { error: 'invalid_credentials', message: 'no', requestId: 'r1' }), { status: url.endsWith('/auth/register') ? 202 : 401, headers: { 'content-type': 'application/json' } });
    const auth = createAuthClient({ baseUrl: 'https://auth.example.com', fetch });
    const r = await auth.api.register({ email: 'a@example.com', password: 'x' });
    let code = null;
    try { await auth.signIn({ email: 'a@example.com', password: 'x' }); } catch (e) { code = e instanceof AuthApiError ? e.code : String(e); }
    console.log(JSON.stringify({ routes: Object.keys(routes).length, register: r.codeDelivery.destination, code }));`;
  writeFileSync(join(app, 'probe.mjs'), probe);
  const p = run(process.execPath, ['probe.mjs'], app);
  let seen = null;
  try {
    seen = JSON.parse(p.stdout.trim());
  } catch {}
  check('the installed package loads as ESM in Node and calls through its fetch', seen?.register === 'j***' && seen?.code === 'invalid_credentials' && seen?.routes > 0, p.out.trim().slice(0, 1000));
} catch (e) {
  check('pack check ran to the end', false, e instanceof Error ? e.message : String(e));
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(failed === 0 ? 'client pack check: all ok' : `client pack check: ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
