import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** One Cognito trigger of the auth API, as declared in `cdk/triggers.json`. */
export interface TriggerDefinition {
  /** Stable identifier: the function's `COGNITO_TRIGGER`, construct ids, the Rust handler module. */
  readonly name: string;
  /** The user pool's LambdaConfig key it is wired to: one of COGNITO_TRIGGER_KEYS (`PreSignUp`, ...). */
  readonly cognitoTrigger: string;
  /** The `triggerSource` values of the events Cognito sends it. */
  readonly triggerSources: string[];
  /** The Cognito operations that run it (the routes calling them are affected: `callerEffect`). */
  readonly runsOn: string[];
  /** Cognito API names the handler calls; IAM action = `cognito-idp:<name>`, on the user pool only. */
  readonly cognitoActions: string[];
  /** Environment variable names the handler reads (never the pool's own id: the event carries it). */
  readonly env: string[];
  /** The function's timeout in whole seconds, 1 to 5: Cognito waits at most 5 s for a trigger. */
  readonly timeoutSeconds: number;
  /**
   * The event version the pool sends (LambdaConfig `LambdaVersion`): only for `PreTokenGenerationConfig`, where `V2_0`
   * lets the trigger change access tokens too. @default - none (the key takes no version)
   */
  readonly lambdaVersion?: string;
  /** One-line description. */
  readonly summary: string;
  /** The CognitoAuthApi prop that turns it on. */
  readonly prop: string;
  /** What it changes for a caller of the routes that run it (the OpenAPI document and docs/api.md say it). */
  readonly callerEffect: string;
}

/** The whole trigger definition file. */
export interface TriggerDefinitions {
  readonly triggers: TriggerDefinition[];
}

/** Where the shared trigger definition lives in this repository (beside `cdk/routes.json`). */
export const DEFAULT_TRIGGERS_FILE = path.join(__dirname, '..', 'cdk', 'triggers.json');

/**
 * Cognito's wait for a trigger: "your Lambda function must respond within 5 seconds. If it doesn't, Amazon Cognito
 * retries the call. After 3 unsuccessful attempts, the function times out. You can't change this 5-second timeout
 * value" (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html).
 */
export const COGNITO_TRIGGER_WAIT_SECONDS = 5;

/**
 * The LambdaConfig keys a trigger may name, with aws-cdk-lib's operation name for each (`UserPoolOperation.of(...)`;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-userpool-lambdaconfig.html).
 */
export const COGNITO_TRIGGER_KEYS: { readonly [lambdaConfigKey: string]: string } = {
  PreSignUp: 'preSignUp',
  CustomMessage: 'customMessage',
  PreTokenGeneration: 'preTokenGeneration',
  PreTokenGenerationConfig: 'preTokenGenerationConfig',
  UserMigration: 'userMigration',
  PostConfirmation: 'postConfirmation',
  PreAuthentication: 'preAuthentication',
  PostAuthentication: 'postAuthentication',
};

/** Names a trigger's environment may not list: the pool refers to the function, so the function referring to the pool is a CloudFormation cycle. */
const POOL_BOUND_ENV = /^COGNITO_/;

/**
 * Check a parsed trigger definition and return it typed. Throws with the offending trigger and field named, so a bad
 * edit of `cdk/triggers.json` fails at synth.
 */
export function parseTriggerDefinitions(raw: unknown, source = 'trigger definition'): TriggerDefinitions {
  const fail = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as any).triggers)) {
    fail('expected an object with a "triggers" array');
  }
  const names = new Set<string>();
  const keys = new Set<string>();
  const sources = new Set<string>();
  const triggers = ((raw as any).triggers as any[]).map((t, i): TriggerDefinition => {
    const where = `triggers[${i}]${t && typeof t.name === 'string' ? ` (${t.name})` : ''}`;
    if (typeof t !== 'object' || t === null) fail(`${where} is not an object`);
    if (typeof t.name !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(t.name)) {
      fail(`${where}.name must be a camelCase identifier (it names CDK constructs and COGNITO_TRIGGER)`);
    }
    if (names.has(t.name)) fail(`${where}.name "${t.name}" is declared twice`);
    names.add(t.name);
    if (typeof t.cognitoTrigger !== 'string' || !(t.cognitoTrigger in COGNITO_TRIGGER_KEYS)) {
      fail(`${where}.cognitoTrigger must be one of ${Object.keys(COGNITO_TRIGGER_KEYS).join(', ')}`);
    }
    if (keys.has(t.cognitoTrigger)) fail(`${where}.cognitoTrigger ${t.cognitoTrigger} is wired to two triggers; a pool has one function per LambdaConfig key`);
    keys.add(t.cognitoTrigger);
    const isNameList = (v: unknown, re: RegExp) => Array.isArray(v) && v.every((x) => typeof x === 'string' && re.test(x));
    if (!isNameList(t.triggerSources, /^[A-Za-z]+_[A-Za-z]+$/) || t.triggerSources.length === 0) {
      fail(`${where}.triggerSources must be a non-empty list of Cognito triggerSource values such as "PreSignUp_SignUp"`);
    }
    for (const s of t.triggerSources) {
      if (sources.has(s)) fail(`${where}: triggerSource ${s} is listed by two triggers`);
      sources.add(s);
    }
    if (!isNameList(t.runsOn, /^[A-Z][A-Za-z]+$/) || t.runsOn.length === 0) {
      fail(`${where}.runsOn must list the Cognito operations that run the trigger, such as "SignUp"`);
    }
    if (!isNameList(t.cognitoActions, /^[A-Z][A-Za-z]+$/) || new Set(t.cognitoActions).size !== t.cognitoActions.length) {
      fail(`${where}.cognitoActions must be a list of distinct Cognito API names such as "ListUsers" (no "cognito-idp:" prefix, no wildcards)`);
    }
    if (!isNameList(t.env, /^[A-Z][A-Z0-9_]*$/)) fail(`${where}.env must be a list of UPPER_SNAKE_CASE variable names`);
    for (const e of t.env) {
      if (POOL_BOUND_ENV.test(e)) {
        fail(`${where}.env lists ${e}: a trigger's function may not get the pool's (or its client's) ids, because the pool refers to the function ` +
          '(a CloudFormation cycle); read userPoolId and callerContext.clientId from the event instead');
      }
    }
    if (!Number.isInteger(t.timeoutSeconds) || t.timeoutSeconds < 1 || t.timeoutSeconds > COGNITO_TRIGGER_WAIT_SECONDS) {
      fail(`${where}.timeoutSeconds must be a whole number of seconds from 1 to ${COGNITO_TRIGGER_WAIT_SECONDS} (Cognito waits at most ${COGNITO_TRIGGER_WAIT_SECONDS} s for a trigger)`);
    }
    if (t.lambdaVersion !== undefined && !(t.cognitoTrigger === 'PreTokenGenerationConfig' && ['V1_0', 'V2_0', 'V3_0'].includes(t.lambdaVersion))) {
      fail(`${where}.lambdaVersion is for PreTokenGenerationConfig only, one of V1_0, V2_0, V3_0`);
    }
    if (t.cognitoTrigger === 'PreTokenGenerationConfig' && t.lambdaVersion === undefined) fail(`${where}: PreTokenGenerationConfig needs lambdaVersion`);
    if (typeof t.summary !== 'string' || t.summary.length === 0) fail(`${where}.summary must be a non-empty string`);
    if (typeof t.prop !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(t.prop)) fail(`${where}.prop must name the construct prop that turns the trigger on`);
    if (typeof t.callerEffect !== 'string' || t.callerEffect.length === 0) fail(`${where}.callerEffect must say what the trigger changes for a caller`);
    return {
      name: t.name,
      cognitoTrigger: t.cognitoTrigger,
      triggerSources: [...t.triggerSources],
      runsOn: [...t.runsOn],
      cognitoActions: [...t.cognitoActions],
      env: [...t.env],
      timeoutSeconds: t.timeoutSeconds,
      ...(t.lambdaVersion !== undefined ? { lambdaVersion: t.lambdaVersion } : {}),
      summary: t.summary,
      prop: t.prop,
      callerEffect: t.callerEffect,
    };
  });
  return { triggers };
}

/** Read and check a trigger definition file (default: this repository's `cdk/triggers.json`). */
export function loadTriggerDefinitions(file: string = DEFAULT_TRIGGERS_FILE): TriggerDefinitions {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new Error(`cannot read trigger definition ${file}: ${(e as Error).message}`);
  }
  return parseTriggerDefinitions(raw, file);
}

/**
 * The legacy authentication endpoint the user migration trigger asks (docs/api.md, "Moving users in from a legacy
 * system": the JSON contract it must answer, the signed request, the timeout budget, what happens when it is down).
 */
export interface UserMigrationOptions {
  /** The endpoint's URL: `https://...` (the function refuses any other scheme). */
  readonly url: string;
  /**
   * The shared secret the requests are signed with (HMAC-SHA256; its `SecretString`, at least 32 bytes). The trigger's
   * function may read exactly this secret (`secretsmanager:GetSecretValue`), and decrypt with its key when it has one.
   */
  readonly secret?: secretsmanager.ISecret;
  /**
   * The same secret by its complete ARN (with the six-character suffix), for apps that cannot pass an ISecret (the
   * context key `legacyAuthSecretArn`). Give `secret` or this, not both.
   * @default - `secret`
   */
  readonly secretCompleteArn?: string;
  /**
   * How long the trigger waits for the endpoint, 100 ms to 3 s: Cognito waits 5 s for a trigger and the function's own
   * deadline is 4 s, which also covers reading the secret.
   * @default Duration.seconds(2)
   */
  readonly timeout?: Duration;
}

