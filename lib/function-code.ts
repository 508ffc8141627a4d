import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkRustBuildTools } from './build-tools';
import { ApiDefinition, routeKey } from './route-definition';

// Where the Lambda code of the auth API comes from: the prebuilt `bootstrap` zip shipped in the npm package
// (default: no Rust toolchain needed to synthesize or deploy), or a build from Rust source with cargo-lambda.
// Both give an OS-only-runtime function (`provided.al2023`) whose zip holds an executable named `bootstrap`:
// https://docs.aws.amazon.com/lambda/latest/dg/rust-package.html
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-provided.html

/** The package root: this file is `lib/function-code.ts` in the repository and `dist/function-code.js` in the package. */
const PACKAGE_ROOT = path.join(__dirname, '..');

/**
 * The Cargo workspace that builds the `bootstrap` binary (selected with binaryName), in this repository (not shipped
 * in the npm package). The workspace root, not the crate: the crate inherits its edition, dependencies, profile and
 * Cargo.lock from it, and cargo-lambda-cdk's Docker fallback mounts only the manifest's directory.
 */
export const DEFAULT_MANIFEST_PATH = path.join(PACKAGE_ROOT, 'Cargo.toml');

/** Directory of the packaged artifact, relative to the package root; written by `npm run package` (bin/build-package.js). */
export const ARTIFACT_DIR = path.join('dist', 'artifact');

/** One packaged zip in `manifest.json`. */
export interface ArtifactEntry {
  /** File name in the artifact directory (`bootstrap-x86_64.zip`). */
  readonly file: string;
  /** sha256 of the zip, hex. */
  readonly sha256: string;
  /** Size of the zip in bytes. */
  readonly bytes: number;
}

/** `manifest.json` of the packaged artifact: what `npm run package` built, so the construct can check what it deploys. */
export interface ArtifactManifest {
  /** The npm package this artifact was built for (`name`). */
  readonly packageName: string;
  /** The package version the artifact was built for; it must equal the installed package's version. */
  readonly packageVersion: string;
  /** One zip per Lambda architecture (`x86_64`, `arm64`), each holding `bootstrap` at its root. */
  readonly artifacts: { readonly [architecture: string]: ArtifactEntry };
  /** sha256 of each definition file the binary was built with (`cdk/routes.json`, ...), by package-relative path. */
  readonly definitionFiles: { readonly [file: string]: string };
  /** Git commit and toolchain the artifact was built from (informational). */
  readonly source?: { readonly [k: string]: string };
}

/** Options of a build from Rust source. */
export interface AuthApiSourceOptions {
  /**
   * The Cargo.toml of the workspace (or crate) that builds the `bootstrap` binary. It is built once for all functions.
   * @default - the workspace `Cargo.toml` at the root of this repository (a checkout; the npm package has no Rust source)
   */
  readonly manifestPath?: string;
}

/** What a code source gives the construct: the version it deploys and how to make one function. */
export interface IBoundAuthApiCode {
  /** The version deployed: the package version, with `+source` when built from source. */
  readonly version: string;
  /** sha256 of the deployed zip, when known before synth (packaged artifact). */
  readonly sha256?: string;
  /** Create one route's function with this code. */
  createFunction(scope: Construct, id: string, options: lambda.FunctionOptions): lambda.Function;
}

/**
 * The name of `IBoundAuthApiCode` before 0.2 (jsii names interfaces with methods `I...`); TypeScript only.
 * @jsii ignore
 */
export type BoundAuthApiCode = IBoundAuthApiCode;

/** Where the functions' code comes from. */
export abstract class AuthApiCode {
  /** Directory of the packaged artifact, relative to the package root (`dist/artifact`). */
  public static readonly ARTIFACT_DIR: string = ARTIFACT_DIR;
  /** The Cargo workspace `fromSource()` builds by default (in a checkout of the repository). */
  public static readonly DEFAULT_MANIFEST_PATH: string = DEFAULT_MANIFEST_PATH;

  /**
   * The prebuilt `bootstrap` zip shipped in this npm package (x86_64; arm64 when the package was built with that
   * Rust target). Synth refuses a zip whose sha256 differs from the package's manifest, a manifest of another package
   * version, or definition files that differ from those the binary was built with. No Rust toolchain needed.
   */
  public static fromPackage(): AuthApiCode {
    return new PackagedCode(PACKAGE_ROOT);
  }

  /**
   * Build `bootstrap` from Rust source with cargo-lambda (through cargo-lambda-cdk's RustFunction), for teams that
   * change the Rust code. Needs cargo, cargo-lambda and zig on PATH and the `cargo-lambda-cdk` package installed.
   */
  public static fromSource(options: AuthApiSourceOptions = {}): AuthApiCode {
    return new SourceCode(options.manifestPath ?? DEFAULT_MANIFEST_PATH);
  }

  /**
   * Resolve the code for one construct instance (called once per CognitoAuthApi). `triggers`: the names of the
   * Cognito triggers (cdk/triggers.json) its functions serve.
   */
  public abstract bind(definition: ApiDefinition, architecture: lambda.Architecture, triggers?: string[]): IBoundAuthApiCode;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function packageVersion(root: string): string {
  return JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8')).version;
}

/** The artifact name for a Lambda architecture: `x86_64` or `arm64` (the names Lambda uses). */
function archName(architecture: lambda.Architecture): string {
  return architecture.name;
}

/**
 * The packaged artifact under `root` (the package root), checked. Exported for tests; consumers use
 * `AuthApiCode.fromPackage()`.
 */
export class PackagedCode extends AuthApiCode {
  constructor(private readonly root: string) {
    super();
  }

  public bind(definition: ApiDefinition, architecture: lambda.Architecture, triggers: string[] = []): IBoundAuthApiCode {
    const dir = path.join(this.root, ARTIFACT_DIR);
    const manifestFile = path.join(dir, 'manifest.json');
    const fail = (msg: string): never => {
      throw new Error(`CognitoAuthApi: packaged Lambda artifact: ${msg}`);
    };
    if (!fs.existsSync(manifestFile)) {
      fail(
        `${manifestFile} does not exist. The package ships it (built by \`npm run package\`); in a checkout of the repository, ` +
          'run `npm run package` to build it, or build from the Rust source with `code: AuthApiCode.fromSource()`.',
      );
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf-8')) as ArtifactManifest;
    const version = packageVersion(this.root);
    if (manifest.packageVersion !== version) {
      fail(`${manifestFile} was built for version ${manifest.packageVersion}, but the package is version ${version}. Reinstall the package (or repack it); do not mix files of two versions.`);
    }
    for (const [file, expected] of Object.entries(manifest.definitionFiles ?? {})) {
      const abs = path.join(this.root, file);
      const actual = fs.existsSync(abs) ? sha256(abs) : 'missing';
      if (actual !== expected) {
        fail(`${file} (sha256 ${actual}) is not the file the bootstrap binary was built with (sha256 ${expected}). ` +
          'The packaged binary only serves the definition it was built from: restore the package\'s file, or build from source with `code: AuthApiCode.fromSource()`.');
      }
    }
    // The binary dispatches on route keys compiled in from its definition: a route it does not know would answer 404.
    const packagedRoutes = JSON.parse(fs.readFileSync(path.join(this.root, 'cdk', 'routes.json'), 'utf-8')).routes as { method: string; path: string }[];
    const known = new Set(packagedRoutes.map((r) => `${r.method} ${r.path}`));
    const unknown = definition.routes.filter((r) => !known.has(routeKey(r))).map(routeKey);
    if (unknown.length > 0) {
      fail(`the packaged bootstrap binary has no handler for ${unknown.join(', ')}. To add routes, change the Rust code and build from source with \`code: AuthApiCode.fromSource()\`.`);
    }
    // Likewise for triggers: the binary serves the triggers of the cdk/triggers.json it was built with.
    const triggersFile = path.join(this.root, 'cdk', 'triggers.json');
    const packagedTriggers = fs.existsSync(triggersFile) ? (JSON.parse(fs.readFileSync(triggersFile, 'utf-8')).triggers as { name: string }[]).map((t) => t.name) : [];
    const unknownTriggers = triggers.filter((t) => !packagedTriggers.includes(t));
    if (unknownTriggers.length > 0) {
      fail(`the packaged bootstrap binary has no handler for the Cognito trigger(s) ${unknownTriggers.join(', ')}. Build from source with \`code: AuthApiCode.fromSource()\`.`);
    }
    const arch = archName(architecture);
    const entry = manifest.artifacts?.[arch];
    if (!entry) {
      fail(`this package has no ${arch} artifact (it has: ${Object.keys(manifest.artifacts ?? {}).join(', ') || 'none'}). ` +
        `Use architecture: lambda.Architecture.X86_64, or repack on a machine with the Rust target for ${arch} ` +
        '(docs/construct.md: "Adding the arm64 artifact"), or build from source with `code: AuthApiCode.fromSource()`.');
    }
    const zip = path.join(dir, entry!.file);
    if (!fs.existsSync(zip)) fail(`${zip} is listed in ${manifestFile} but does not exist.`);
    const actual = sha256(zip);
    if (actual !== entry!.sha256) {
      fail(`${zip} has sha256 ${actual}, but the package's manifest records ${entry!.sha256}: the file is not the one this package ` +
        'was built with. Reinstall the package from a trusted tarball; the construct does not deploy an unverified binary.');
    }
    // One asset for all functions: every function gets an equal Code (same file, same hash).
    const code = lambda.Code.fromAsset(zip);
    return {
      version: manifest.packageVersion,
      sha256: actual,
      createFunction: (scope, id, options) => new lambda.Function(scope, id, {
        ...options,
        architecture,
        runtime: lambda.Runtime.PROVIDED_AL2023,
        handler: 'bootstrap',
        code,
      }),
    };
  }
}

class SourceCode extends AuthApiCode {
  constructor(private readonly manifestPath: string) {
    super();
  }

  public bind(_definition: ApiDefinition, architecture: lambda.Architecture): IBoundAuthApiCode {
    if (!fs.existsSync(this.manifestPath)) {
      throw new Error(
        `CognitoAuthApi: building from source needs the Rust crate, but ${this.manifestPath} does not exist. ` +
          'Pass AuthApiCode.fromSource({ manifestPath }) pointing at a checkout of the repository, or use the packaged artifact (AuthApiCode.fromPackage(), the default).',
      );
    }
    // Loaded only here: consumers of the packaged artifact do not need cargo-lambda-cdk (an optional peer dependency).
    let rust: typeof import('cargo-lambda-cdk');
    try {
      rust = require('cargo-lambda-cdk');
    } catch {
      throw new Error('CognitoAuthApi: AuthApiCode.fromSource() needs the cargo-lambda-cdk package: npm install --save-dev cargo-lambda-cdk@0.0.36 (plus cargo, cargo-lambda and zig on PATH).');
    }
    let checked = false;
    return {
      version: `${packageVersion(PACKAGE_ROOT)}+source`,
      createFunction: (scope, id, options) => {
        if (!checked) checkRustBuildTools(scope); // a clear synth error without cargo-lambda or Docker
        checked = true;
        return this.rustFunction(rust, scope, id, options, architecture);
      },
    };
  }

  private rustFunction(rust: typeof import('cargo-lambda-cdk'), scope: Construct, id: string, options: lambda.FunctionOptions, architecture: lambda.Architecture) {
    return new rust.RustFunction(scope, id, {
      ...options,
      manifestPath: this.manifestPath,
      binaryName: 'bootstrap',
      // Identical bundling props for every function: CDK's asset cache then builds the binary once.
      bundling: { architecture },
      architecture,
    });
  }
}
