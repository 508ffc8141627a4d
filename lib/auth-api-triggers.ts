// The triggers feature of CognitoAuthApi: which Cognito triggers of the trigger definition (cdk/triggers.json) the
// props turn on, and for each one its log group, role, function (the same bootstrap asset as the routes, with
// COGNITO_TRIGGER=<name>) and the user pool's LambdaConfig entry. Created in the CognitoAuthApi's own scope.
//
// No CloudFormation cycle: the pool refers to each trigger function (LambdaConfig) and to its invoke permission, so
// nothing the function depends on may refer to the pool. The role's own inline policy holds only the log statement;
// the declared Cognito actions on the pool ARN go into a separate AWS::IAM::Policy attached to the role, which the
// function does not depend on (aws-cdk-lib's aws-cognito README, "Trigger Permissions": "Using the
// `attachToRolePolicy` API to provide permissions to your user pool will result in a circular dependency ... use the
// `attachInlinePolicy()` API instead", https://github.com/aws/aws-cdk/blob/main/packages/aws-cdk-lib/aws-cognito/README.md#trigger-permissions;
// the cause, a DependsOn from the function to its role's default policy: https://github.com/aws/aws-cdk/issues/7016;
// how such a cycle fails a deployment: https://repost.aws/knowledge-center/cloudformation-circular-dependency-sam).
// And no environment value refers to the pool: a trigger reads userPoolId from its event (trigger-definition.ts
// refuses COGNITO_* names). cfn-lint (E3004) checks the synthesized template for cycles (tests/cdk/cfn-lint.test.ts,
// make synth-check).
import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { addBootstrapFunction } from './auth-api-functions';
import { IBoundAuthApiCode } from './function-code';
import { CustomMessageOptions } from './custom-messages';
import { TokenClaims } from './token-claims';
import { COGNITO_TRIGGER_KEYS, TriggerDefinition, TriggerDefinitions, UserMigrationOptions } from './trigger-definition';

/** What the triggers feature takes from the construct's props (each documented on CognitoAuthApiProps). */
export interface AuthApiTriggersProps {
  readonly signUpEmailDomains?: string[];
  readonly tokenClaims?: TokenClaims;
  readonly userMigration?: UserMigrationOptions;
  readonly customMessages?: CustomMessageOptions;
  readonly userPool?: cognito.IUserPool;
  readonly environment?: { readonly [name: string]: string };
}

/** One trigger's function with its role, log group and Cognito policy. */
export interface TriggerFunction {
  readonly definition: TriggerDefinition;
  readonly function: lambda.IFunction;
  readonly role: iam.IRole;
  readonly logGroup: logs.ILogGroup;
  /** The policy of exactly the trigger's Cognito actions on the pool, when it declares any. */
  readonly cognitoPolicy?: iam.Policy;
}

/** A DNS name of two or more labels (lower case; IDNs in their xn-- form): the rule the functions apply (email_domains.rs). */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The allow-list, lower-cased and checked; undefined when not set. Throws on a value that is not a domain. */
export function checkSignUpEmailDomains(domains: string[] | undefined): string[] | undefined {
  if (domains === undefined) return undefined;
  if (domains.length === 0) {
    throw new Error('CognitoAuthApi: signUpEmailDomains is empty, which would refuse every sign-up. Leave it unset to allow every domain, ' +
      'or list the domains whose addresses may sign up (e.g. ["example.com"]).');
  }
  return [...new Set(domains.map((d) => {
    if (Token.isUnresolved(d)) throw new Error('CognitoAuthApi: signUpEmailDomains must be literal domain names (the functions read them from their environment).');
    const v = d.trim().toLowerCase();
    if (!DOMAIN.test(v)) {
      throw new Error(`CognitoAuthApi: signUpEmailDomains: "${d}" is not a domain name like example.com (no @, wildcard, scheme or port; ` +
        'each domain is matched exactly, so list sub-domains one by one).');
    }
    return v;
  }))];
}

/**
 * The names of the triggers these props turn on: preSignUp with signUpEmailDomains, preTokenGeneration with tokenClaims,
 * userMigration with userMigration, customMessage with customMessages.
 */
export function enabledTriggers(props: AuthApiTriggersProps): string[] {
  const on: string[] = [];
  if (props.signUpEmailDomains !== undefined) on.push('preSignUp');
  if (props.tokenClaims !== undefined) on.push('preTokenGeneration');
  if (props.userMigration !== undefined) on.push('userMigration');
  if (props.customMessages !== undefined) on.push('customMessage');
  return on;
}

/** The legacy endpoint's secret: `secret`, or `secretCompleteArn` imported in `scope`. Throws unless exactly one is given. */
export function userMigrationSecret(scope: Construct, o: UserMigrationOptions): secretsmanager.ISecret {
  if ((o.secret === undefined) === (o.secretCompleteArn === undefined)) {
    throw new Error('CognitoAuthApi: userMigration needs the shared secret: give secret (an ISecret) or secretCompleteArn, exactly one.');
  }
  return o.secret ?? secretsmanager.Secret.fromSecretCompleteArn(scope, 'LegacyAuthSecret', o.secretCompleteArn!);
}

/** The user migration trigger's environment (LEGACY_AUTH_*), checked; {} without the prop. */
export function userMigrationEnvironment(o: UserMigrationOptions | undefined, secret: secretsmanager.ISecret | undefined): { [name: string]: string } {
  if (o === undefined || secret === undefined) return {};
  if (!Token.isUnresolved(o.url) && !/^https:\/\/[^/\s:]+(:\d+)?(\/\S*)?$/.test(o.url)) {
    throw new Error(`CognitoAuthApi: userMigration.url must be an https:// URL (got "${o.url}"); the function refuses any other scheme.`);
  }
  const ms = (o.timeout ?? Duration.seconds(2)).toMilliseconds();
  if (!(ms >= 100 && ms <= 3000)) {
    throw new Error(`CognitoAuthApi: userMigration.timeout must be from 100 ms to 3 s (got ${ms} ms): Cognito waits 5 s for a trigger, ` +
      'and the function needs the rest of its 4 s deadline to read the secret and answer.');
  }
  return { LEGACY_AUTH_URL: o.url, LEGACY_AUTH_SECRET_ARN: secret.secretArn, LEGACY_AUTH_TIMEOUT_MS: String(ms) };
}

/**
 * The statement that lets the user migration function read exactly its legacy endpoint's secret (in the role's inline
 * policy, beside its logs: no pool reference, so no cycle). A secret imported by name has a partial ARN: Secrets
 * Manager appends six characters to it.
 */
export function userMigrationSecretStatement(secret: secretsmanager.ISecret): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`] });
}

/** The IAM actions of a trigger's function: `cognito-idp:<name>` for each declared action. */
export function triggerIamActions(t: TriggerDefinition): string[] {
  return t.cognitoActions.map((a) => `cognito-idp:${a}`);
}

/** What every trigger function shares. */
export interface TriggerFunctionOptions {
  readonly code: IBoundAuthApiCode;
  readonly userPool: cognito.IUserPool;
  /** Values of the environment names triggers may list (SIGN_UP_EMAIL_DOMAINS, and the environment prop's). */
  readonly envValues: { readonly [name: string]: string };
  readonly memorySize: number;
  readonly retention: logs.RetentionDays;
  /** The user migration trigger's legacy endpoint secret, which its function may read. */
  readonly userMigrationSecret?: secretsmanager.ISecret;
}

/**
 * The triggers named in `enabled`, each wired to the pool. Throws when one is not in the definition, when the pool is
 * imported (CDK cannot set an imported pool's LambdaConfig), or when a trigger lists an env name nobody provides.
 */
export function addTriggers(scope: Construct, definitions: TriggerDefinitions, enabled: string[], o: TriggerFunctionOptions): TriggerFunction[] {
  if (enabled.length === 0) return [];
  const pool = o.userPool;
  if (!(pool instanceof cognito.UserPool)) {
    throw new Error(
      `CognitoAuthApi: the Cognito triggers ${enabled.join(', ')} need a user pool whose LambdaConfig this app sets: one the construct creates, ` +
        'or a cognito.UserPool defined in this CDK app. An imported pool (UserPool.fromUserPoolId) cannot take them; leave signUpEmailDomains, tokenClaims, userMigration and customMessages unset.',
    );
  }
  return enabled.map((name) => {
    const t = definitions.triggers.find((x) => x.name === name);
    if (!t) {
      throw new Error(`CognitoAuthApi: trigger ${name} is not in the trigger definition (it has ${definitions.triggers.map((x) => x.name).join(', ') || 'none'}).`);
    }
    const id = `${t.name}Trigger`;
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: o.retention, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Auth API Cognito trigger ${t.name} (${t.cognitoTrigger}): writes its own logs; its Cognito actions are a separate policy`,
      inlinePolicies: {
        Logs: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] })],
        }),
        ...(t.name === 'userMigration' && o.userMigrationSecret
          ? { LegacyAuthSecret: new iam.PolicyDocument({ statements: [userMigrationSecretStatement(o.userMigrationSecret)] }) }
          : {}),
      },
    });
    if (t.name === 'userMigration') o.userMigrationSecret?.encryptionKey?.grantDecrypt(role);
    const environment: { [k: string]: string } = { COGNITO_TRIGGER: t.name };
    for (const e of t.env) {
      const v = o.envValues[e];
      if (v === undefined) {
        throw new Error(`CognitoAuthApi: trigger ${t.name} lists env var ${e}, which the construct does not provide for triggers ` +
          `(it provides ${Object.keys(o.envValues).join(', ')}). Pass its value in the environment prop, or fix the trigger's env list.`);
      }
      environment[e] = v;
    }
    const fn = addBootstrapFunction(scope, `${id}Function`, o.code, {
      memorySize: o.memorySize,
      timeout: Duration.seconds(t.timeoutSeconds),
      role,
      logGroup,
      environment,
      description: `Auth API Cognito trigger ${t.name}: ${t.summary}`,
    });
    let cognitoPolicy: iam.Policy | undefined;
    if (t.cognitoActions.length > 0) {
      cognitoPolicy = new iam.Policy(scope, `${id}CognitoPolicy`, {
        statements: [new iam.PolicyStatement({ actions: triggerIamActions(t), resources: [pool.userPoolArn] })],
      });
      role.attachInlinePolicy(cognitoPolicy);
    }
    // LambdaConfig.<key> and the invoke permission for cognito-idp.amazonaws.com on this pool only.
    if (t.cognitoTrigger === 'PreTokenGenerationConfig') {
      // aws-cdk-lib takes a version only with its own PRE_TOKEN_GENERATION_CONFIG operation (compared by identity).
      // V2_0 needs the Essentials or Plus feature plan, which the construct's pool is on
      // (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
      const version = ({ V1_0: cognito.LambdaVersion.V1_0, V2_0: cognito.LambdaVersion.V2_0, V3_0: cognito.LambdaVersion.V3_0 } as const)[t.lambdaVersion as 'V2_0'];
      pool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, fn, version);
    } else {
      pool.addTrigger(cognito.UserPoolOperation.of(COGNITO_TRIGGER_KEYS[t.cognitoTrigger]), fn);
    }
    return { definition: t, function: fn, role, logGroup, cognitoPolicy };
  });
}
