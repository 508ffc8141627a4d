// Generates the client's view of the API from cdk/openapi.json:
//   src/generated/openapi.ts  request and response types (openapi-typescript, the npm generator)
//   src/generated/routes.ts   every operation's method, path, bearer requirement and body, and the
//                             error codes each can answer (the document's `x-error-codes`)
// `--check` writes nothing and fails when either file is not what the document makes today (the drift
// check `make test` runs: the document changed and the client was not regenerated).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const documentPath = join(root, '..', 'cdk', 'openapi.json');
const out = join(root, 'src', 'generated');
const check = process.argv.includes('--check');

const HEADER = (what) =>
  `// GENERATED from cdk/openapi.json by client/scripts/generate.mjs (${what}). Do not edit:\n` +
  '// run `npm run gen` in client/ (or `make openapi`); `npm run gen:check` fails when this file is stale.\n';

const doc = JSON.parse(readFileSync(documentPath, 'utf8'));

/** openapi.ts: the document's types, as openapi-typescript writes them. */
async function typesFile() {
  const ast = await openapiTS(pathToFileURL(documentPath));
  return HEADER('openapi-typescript') + '\n' + astToString(ast);
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const lit = (s) => JSON.stringify(s).replace(/"/g, "'");

/** routes.ts: the runtime table (one entry per operation) and the error-code unions. */
function routesFile() {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (!op.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      const errors = [];
      for (const [status, resp] of Object.entries(op.responses)) {
        if (/^[23]/.test(status)) continue;
        const codes = resp['x-error-codes'];
        if (!Array.isArray(codes) || codes.length === 0) throw new Error(`${op.operationId} ${status}: no x-error-codes`);
        for (const c of codes) if (!errors.includes(c)) errors.push(c);
      }
      const body = !op.requestBody ? 'none' : op.requestBody.required ? 'required' : 'optional';
      const bearer = Array.isArray(op.security) && op.security.some((s) => 'bearer' in s);
      ops.push({ id: op.operationId, method: method.toUpperCase(), path, bearer, body, errors, summary: op.summary ?? '' });
    }
  }
  ops.sort((a, b) => (a.id < b.id ? -1 : 1));
  const allCodes = doc.components.schemas.Error.properties.error.enum;
  for (const o of ops) for (const c of o.errors) if (!allCodes.includes(c)) throw new Error(`${o.id}: ${c} is not in the Error schema`);

  let s = HEADER('the route table') + '\n';
  s += "import type { operations } from './openapi.js';\n\n";
  s += '/** How an operation takes a JSON body. */\nexport type BodyRule = \'none\' | \'optional\' | \'required\';\n\n';
  s += '/** One route of the API. */\nexport interface RouteSpec {\n  readonly method: string;\n  readonly path: string;\n  /** Needs `Authorization: Bearer <accessToken>`. */\n  readonly bearer: boolean;\n  readonly body: BodyRule;\n}\n\n';
  s += '/** Every operation of the API, by its operationId. */\nexport const routes = {\n';
  for (const o of ops) {
    s += `  /** ${o.method} ${o.path}: ${o.summary.replace(/\*\//g, '*\\/')} */\n`;
    s += `  ${o.id}: { method: ${lit(o.method)}, path: ${lit(o.path)}, bearer: ${o.bearer}, body: ${lit(o.body)} },\n`;
  }
  s += '} as const satisfies { readonly [K in keyof operations]: RouteSpec };\n\n';
  s += '/** An operationId. */\nexport type OperationId = keyof typeof routes;\n\n';
  s += '/** Every error code the API answers (the Error schema\'s `error`). */\nexport type ApiErrorCode =\n';
  s += allCodes.map((c) => `  | ${lit(c)}`).join('\n') + ';\n\n';
  s += '/** The error codes each operation can answer, by operationId. */\nexport interface OperationErrorCodes {\n';
  for (const o of ops) s += `  ${o.id}: ${o.errors.map(lit).join(' | ')};\n`;
  s += '}\n';
  return s;
}

const files = { 'openapi.ts': await typesFile(), 'routes.ts': routesFile() };
let stale = [];
for (const [name, text] of Object.entries(files)) {
  const file = join(out, name);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current !== text) stale.push(`client/src/generated/${name}`);
  } else {
    writeFileSync(file, text);
  }
}
if (stale.length) {
  console.error(`${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} stale: cdk/openapi.json changed. Run \`npm run gen\` in client/ (or \`make openapi\`) and commit the result.`);
  process.exit(1);
}
console.log(check ? 'client/src/generated matches cdk/openapi.json' : 'wrote client/src/generated/openapi.ts and routes.ts');
