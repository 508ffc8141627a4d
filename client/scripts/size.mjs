// The package's size as a browser app gets it: dist/index.js bundled with everything it imports,
// minified (esbuild) and gzipped (level 9). Prints the figures; fails above MAX_GZIP_BYTES.
// Run by `make client` after the build.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The stated bound (the package measured 5.0 KiB gzipped when it was set: room for a few routes, not for a dependency). */
export const MAX_GZIP_BYTES = 6 * 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const r = await build({
  entryPoints: [join(root, 'dist', 'index.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
});
const code = r.outputFiles[0].contents;
const gz = gzipSync(code, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(2)} KiB`;
console.log(`cognito-auth-api-client bundle: ${code.length} bytes minified (${kib(code.length)}), ${gz} bytes minified + gzip (${kib(gz)}); bound ${MAX_GZIP_BYTES} bytes`);
if (gz > MAX_GZIP_BYTES) {
  console.error(`the client grew past its size bound (${gz} > ${MAX_GZIP_BYTES} bytes gzipped): find what pulled it in, or raise MAX_GZIP_BYTES with the reason`);
  process.exit(1);
}
