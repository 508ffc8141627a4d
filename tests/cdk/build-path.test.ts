// The build path of the functions: cargo-lambda-cdk pointed at the Cargo workspace (binaryName bootstrap), the
// repository's .venv tools found by the app, and a clear synth error when nothing can build the Rust code.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Bundling } from 'cargo-lambda-cdk/lib/bundling';
import { REPO_ROOT, rustBuilder, useRepositoryTools } from '../../lib/build-tools';
import { CognitoAuthApi } from '../../lib/cognito-auth-api';
import { AuthApiCode, DEFAULT_MANIFEST_PATH } from '../../lib/function-code';

test('the default manifest is the workspace root, which the crate inherits its edition and dependencies from', () => {
  expect(DEFAULT_MANIFEST_PATH).toBe(path.join(REPO_ROOT, 'Cargo.toml'));
  const workspace = fs.readFileSync(DEFAULT_MANIFEST_PATH, 'utf-8');
  expect(workspace).toMatch(/^\[workspace\]/m);
  expect(workspace).toContain('"lambda/auth-api"');
  const crate = fs.readFileSync(path.join(REPO_ROOT, 'lambda', 'auth-api', 'Cargo.toml'), 'utf-8');
  expect(crate).toContain('edition.workspace = true'); // why the crate alone (all Docker would see) cannot build
  expect(fs.existsSync(path.join(REPO_ROOT, 'Cargo.lock'))).toBe(true);
});

test('cargo-lambda-cdk builds the bootstrap binary from the workspace root (what Docker would mount)', () => {
  const b = new Bundling(path.dirname(DEFAULT_MANIFEST_PATH), { manifestPath: DEFAULT_MANIFEST_PATH, binaryName: 'bootstrap' } as any);
  expect(b.projectRoot).toBe(REPO_ROOT);
  expect(b.command.join(' ')).toMatch(/cargo lambda build .*--release.*--bin bootstrap --flatten bootstrap/);
});

describe('tools', () => {
  const saved = process.env.PATH;
  afterEach(() => { process.env.PATH = saved; });

  test('the app puts the repository .venv/bin first on PATH, once', () => {
    const env: { [name: string]: string | undefined } = { PATH: ['/usr/local/bin', '/usr/bin'].join(path.delimiter) };
    useRepositoryTools(env);
    useRepositoryTools(env);
    expect(env.PATH!.split(path.delimiter)).toEqual([path.join(REPO_ROOT, '.venv', 'bin'), '/usr/local/bin', '/usr/bin']);
    const bin = fs.readFileSync(path.join(REPO_ROOT, 'bin', 'cognito-auth-api.ts'), 'utf-8');
    expect(bin.indexOf('useRepositoryTools();')).toBeGreaterThan(0);
    expect(bin.indexOf('useRepositoryTools();')).toBeLessThan(bin.indexOf('buildAuthApiApp(app)'));
  });

  test('without cargo-lambda and Docker, synth fails naming cargo-lambda and make build-tools', () => {
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'no-tools-')); // nothing on PATH
    expect(rustBuilder()).toBeUndefined();
    const app = new App(); // bundling required (no aws:cdk:bundling-stacks context)
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1', account: '123456789012' } });
    expect(() => new CognitoAuthApi(stack, 'Api', { corsOrigins: ['https://app.example.com'], code: AuthApiCode.fromSource() }))
      .toThrow(/needs cargo-lambda \(with zig\) on PATH, or Docker.*make build-tools.*make deploy/s);
  });
});
