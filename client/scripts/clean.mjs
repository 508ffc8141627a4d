// Removes the named folders of client/ (build outputs) before they are written again.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const d of process.argv.slice(2)) rmSync(join(root, d), { recursive: true, force: true });
