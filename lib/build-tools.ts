import { spawnSync } from 'child_process';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Environment variables (like process.env; no @types/node needed by consumers of the declarations). */
export type Environment = { [name: string]: string | undefined };

/** This repository's root (the Cargo workspace, the .venv that `make build-tools` fills). */
export const REPO_ROOT = path.join(__dirname, '..');

/**
 * Put the repository's own tools (.venv/bin: cargo-lambda and zig from `make build-tools`) first on PATH, so that
 * `npx cdk deploy` from a fresh clone needs no hand-made `export PATH=...`. Idempotent.
 */
export function useRepositoryTools(env: Environment = process.env): void {
  const bin = path.join(REPO_ROOT, '.venv', 'bin');
  const parts = (env.PATH ?? '').split(path.delimiter).filter((p) => p !== '');
  if (parts[0] !== bin) env.PATH = [bin, ...parts.filter((p) => p !== bin)].join(path.delimiter);
}

/** Which builder cargo-lambda-cdk can use here: cargo-lambda itself, else Docker (its fallback), else none. */
export function rustBuilder(env: Environment = process.env): 'cargo-lambda' | 'docker' | undefined {
  const ok = (cmd: string, args: string[]) => {
    const p = spawnSync(cmd, args, { env, stdio: 'ignore', timeout: 30_000 });
    return !p.error && p.status === 0;
  };
  if (ok('cargo', ['lambda', '--version'])) return 'cargo-lambda';
  if (ok('docker', ['version'])) return 'docker';
  return undefined;
}

/**
 * Fail at synth, with the fix, when the functions must be built (the stack is being bundled) and neither
 * cargo-lambda nor Docker is available, instead of failing later inside cargo-lambda-cdk's Docker fallback.
 */
export function checkRustBuildTools(scope: Construct): void {
  if (!Stack.of(scope).bundlingRequired) return;
  if (rustBuilder() === undefined) {
    throw new Error(
      'CognitoAuthApi: building the Rust functions needs cargo-lambda (with zig) on PATH, or Docker; neither was found. ' +
        'Run `make build-tools` (installs cargo-lambda and zig into .venv from tests/requirements-build.txt; the CDK app puts ' +
        '.venv/bin on PATH itself), or deploy with `make deploy ARGS="..."`, which does both.',
    );
  }
}
