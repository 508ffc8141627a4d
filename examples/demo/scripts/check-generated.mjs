// Fails when src/openapi.ts is not what `npm run gen` makes from cdk/openapi.json today.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'src', 'openapi.ts');
const tmp = mkdtempSync(join(tmpdir(), 'demo-gen-'));
try {
  const fresh = join(tmp, 'openapi.ts');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), join(root, '..', '..', 'cdk', 'openapi.json'), '-o', fresh],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (readFileSync(fresh, 'utf8') !== readFileSync(committed, 'utf8')) {
    console.error('examples/demo/src/openapi.ts is stale: cdk/openapi.json changed. Run `npm run gen` in examples/demo and commit the result.');
    process.exit(1);
  }
  console.log('examples/demo/src/openapi.ts matches cdk/openapi.json');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
