import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CognitoAuthApi, CognitoAuthApiProps } from '../../lib/cognito-auth-api';
import { ARTIFACT_DIR, PackagedCode } from '../../lib/function-code';
import { definition, resourcesOf, SKIP_BUNDLING, stackWith } from './helpers';

// The packaged code source against a package laid out in a temporary folder (what `npm pack` ships: package.json,
// cdk/*.json, dist/artifact/{manifest.json,bootstrap-x86_64.zip}). The real tarball is checked end to end by
// tests/package/check.js; here each refusal is driven one at a time.
const repo = path.join(__dirname, '..', '..');
const sha = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function fakePackage(edit: (m: any) => void = () => {}, files = ['routes.json', 'openapi.json', 'triggers.json']): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-api-code-'));
  made.push(root);
  fs.mkdirSync(path.join(root, 'cdk'));
  fs.mkdirSync(path.join(root, ARTIFACT_DIR), { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'cognito-auth-api', version: '1.2.3' }));
  const definitionFiles: Record<string, string> = {};
  for (const f of files) {
    fs.copyFileSync(path.join(repo, 'cdk', f), path.join(root, 'cdk', f));
    definitionFiles[`cdk/${f}`] = sha(fs.readFileSync(path.join(root, 'cdk', f)));
  }
  const zip = Buffer.from('PK\u0005\u0006 stand-in for the bootstrap zip');
  fs.writeFileSync(path.join(root, ARTIFACT_DIR, 'bootstrap-x86_64.zip'), zip);
  const manifest = {
    packageName: 'cognito-auth-api', packageVersion: '1.2.3', definitionFiles,
    artifacts: { x86_64: { file: 'bootstrap-x86_64.zip', sha256: sha(zip), bytes: zip.length } },
  };
  edit(manifest);
  fs.writeFileSync(path.join(root, ARTIFACT_DIR, 'manifest.json'), JSON.stringify(manifest));
  return root;
}

function build(root: string, props: Partial<CognitoAuthApiProps> = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'S', { env: { region: 'eu-west-1', account: '123456789012' } });
  const api = new CognitoAuthApi(stack, 'Auth', { corsOrigins: ['https://a.example.org'], frontDoor: false, code: new PackagedCode(root), ...props });
  return { stack, api };
}

test('the packaged zip: every function runs that one file, on provided.al2023, tagged with the version and the zip sha256', () => {
  const root = fakePackage();
  const { stack, api } = build(root);
  const fns = resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function');
  expect(fns).toHaveLength(definition.routes.length);
  const zipSha = sha(fs.readFileSync(path.join(root, ARTIFACT_DIR, 'bootstrap-x86_64.zip')));
  expect(new Set(fns.map(([, f]) => JSON.stringify(f.Properties.Code))).size).toBe(1);
  for (const [, f] of fns) {
    expect(f.Properties).toMatchObject({ Runtime: 'provided.al2023', Handler: 'bootstrap', Architectures: ['x86_64'] });
    expect(f.Properties.Tags).toEqual(expect.arrayContaining([
      { Key: 'cognito-auth-api:version', Value: '1.2.3' },
      { Key: 'cognito-auth-api:artifact-sha256', Value: zipSha },
    ]));
  }
  expect(api.version).toBe('1.2.3');
});

test('a zip whose sha256 is not the manifest\'s is refused, not deployed', () => {
  const root = fakePackage();
  fs.appendFileSync(path.join(root, ARTIFACT_DIR, 'bootstrap-x86_64.zip'), 'x');
  expect(() => build(root)).toThrow(/bootstrap-x86_64\.zip has sha256 [0-9a-f]{64}, but the package's manifest records [0-9a-f]{64}: .*Reinstall the package/);
});

test('a manifest of another package version is refused', () => {
  expect(() => build(fakePackage((m) => { m.packageVersion = '1.2.2'; })))
    .toThrow(/was built for version 1\.2\.2, but the package is version 1\.2\.3/);
});

test('a route definition other than the one the binary was built with is refused', () => {
  const root = fakePackage();
  fs.appendFileSync(path.join(root, 'cdk', 'routes.json'), '\n');
  expect(() => build(root)).toThrow(/cdk\/routes\.json \(sha256 [0-9a-f]{64}\) is not the file the bootstrap binary was built with/);
});

test('a route the packaged binary has no handler for is refused (adding routes means building from source)', () => {
  const added = { ...definition.routes[0], name: 'added', method: 'GET', path: '/auth/added', cognitoActions: [], env: ['CORS_ORIGIN'], throttle: { rateLimit: 1, burstLimit: 1 } };
  expect(() => build(fakePackage(), { apiDefinition: { routes: [...definition.routes, added] } }))
    .toThrow(/has no handler for GET \/auth\/added\. .*AuthApiCode\.fromSource\(\)/);
});

test('a trigger runs the packaged zip too; a trigger the packaged binary does not know is refused', () => {
  const { stack, api } = build(fakePackage(), { signUpEmailDomains: ['example.com'] });
  const fns = resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function');
  expect(fns).toHaveLength(definition.routes.length + 1);
  expect(new Set(fns.map(([, f]) => JSON.stringify(f.Properties.Code))).size).toBe(1);
  expect(api.triggers.map((t) => t.definition.name)).toEqual(['preSignUp']);
  // A package whose binary was built before the trigger existed (no cdk/triggers.json).
  expect(() => build(fakePackage(() => {}, ['routes.json', 'openapi.json']), { signUpEmailDomains: ['example.com'] }))
    .toThrow(/no handler for the Cognito trigger\(s\) preSignUp\. Build from source/);
});

test('arm64 without an arm64 artifact is refused with the ways out', () => {
  expect(() => build(fakePackage(), { architecture: lambda.Architecture.ARM_64 }))
    .toThrow(/this package has no arm64 artifact \(it has: x86_64\)\. Use architecture: lambda\.Architecture\.X86_64, or repack/);
});

test('no artifact at all (a checkout before `npm run package`) says how to get one', () => {
  const root = fakePackage();
  fs.rmSync(path.join(root, ARTIFACT_DIR, 'manifest.json'));
  expect(() => build(root)).toThrow(/manifest\.json does not exist\. .*npm run package.*AuthApiCode\.fromSource\(\)/);
});

test('the stack outputs the version it deploys; built from source it is marked +source', () => {
  const stack = stackWith();
  const version = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8')).version;
  expect(stack.authApi.version).toBe(`${version}+source`);
  Template.fromStack(stack).hasOutput('Version', { Value: `${version}+source` });
  const [, fn] = resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function')[0];
  expect(fn.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'cognito-auth-api:version', Value: `${version}+source` }]));
});
