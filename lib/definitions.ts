// The shared definitions (cdk/routes.json, cdk/triggers.json, cdk/user-pool.json) for every language the package is built for. jsii
// carries classes, interfaces and enums to Python and Java, not free functions or constants: these static members
// give them what TypeScript has as loadApiDefinition(), routeKey(), ... (route-definition.ts, user-pool-definition.ts).
import {
  ApiDefinition, DEFAULT_ROUTES_FILE, TOKEN_ONLY_COGNITO_ACTIONS, iamActionsOf, loadApiDefinition, parseApiDefinition,
} from './route-definition';
import {
  COGNITO_TRIGGER_KEYS, COGNITO_TRIGGER_WAIT_SECONDS, DEFAULT_TRIGGERS_FILE, TriggerDefinitions, loadTriggerDefinitions, parseTriggerDefinitions,
} from './trigger-definition';
import {
  DEFAULT_USER_POOL_FILE, PoolPasswordPolicy, UserPoolDefinition, loadUserPoolDefinition, offeredFirstAuthFactors, parseUserPoolDefinition,
  passwordPolicyEnv,
} from './user-pool-definition';
import { AppsDefinition, AuthApiApp, DEFAULT_APPS_FILE, loadAppsDefinition, parseApps } from './apps-definition';

/** Reading and checking the route, trigger and user pool definitions (in TypeScript also loadApiDefinition() and the others). */
export class AuthApiDefinitions {
  /** The route definition shipped in the package (`cdk/routes.json`), the default of `apiDefinition`. */
  public static readonly DEFAULT_ROUTES_FILE: string = DEFAULT_ROUTES_FILE;
  /** The user pool definition shipped in the package (`cdk/user-pool.json`), the default of `userPoolDefinition`. */
  public static readonly DEFAULT_USER_POOL_FILE: string = DEFAULT_USER_POOL_FILE;
  /** The apps definition shipped in the package (`cdk/apps.json`, what `make dev` runs); the construct's `apps` default is none. */
  public static readonly DEFAULT_APPS_FILE: string = DEFAULT_APPS_FILE;
  /** The Cognito trigger definition shipped in the package (`cdk/triggers.json`), the default of `triggerDefinitions`. */
  public static readonly DEFAULT_TRIGGERS_FILE: string = DEFAULT_TRIGGERS_FILE;
  /** Cognito's wait for a trigger, in seconds: a trigger's timeout is at most this. */
  public static readonly COGNITO_TRIGGER_WAIT_SECONDS: number = COGNITO_TRIGGER_WAIT_SECONDS;
  /** The LambdaConfig keys a trigger may name (`cognitoTrigger`), each with aws-cdk-lib's operation name. */
  public static readonly COGNITO_TRIGGER_KEYS: { [lambdaConfigKey: string]: string } = { ...COGNITO_TRIGGER_KEYS };
  /** Cognito operations no IAM policy can grant (the caller's access token authorizes them); roles leave them out. */
  public static readonly TOKEN_ONLY_COGNITO_ACTIONS: string[] = [...TOKEN_ONLY_COGNITO_ACTIONS];

  /** Read and check a route definition file. @param file - default: the package's `cdk/routes.json` */
  public static loadRoutes(file?: string): ApiDefinition {
    return loadApiDefinition(file);
  }

  /** Check a parsed route definition (e.g. JSON you built), naming the offending route and field. */
  public static parseRoutes(raw: any, source?: string): ApiDefinition {
    return parseApiDefinition(raw, source);
  }

  /** Read and check a trigger definition file. @param file - default: the package's `cdk/triggers.json` */
  public static loadTriggers(file?: string): TriggerDefinitions {
    return loadTriggerDefinitions(file);
  }

  /** Check a parsed trigger definition, naming the offending trigger and field. */
  public static parseTriggers(raw: any, source?: string): TriggerDefinitions {
    return parseTriggerDefinitions(raw, source);
  }

  /** Read and check a user pool definition file. @param file - default: the package's `cdk/user-pool.json` */
  public static loadUserPool(file?: string): UserPoolDefinition {
    return loadUserPoolDefinition(file);
  }

  /** Check a parsed user pool definition, naming the offending field. */
  public static parseUserPool(raw: any, source?: string): UserPoolDefinition {
    return parseUserPoolDefinition(raw, source);
  }

  /** Read and check an apps definition file (the format of the `apps` prop). @param file - default: the package's `cdk/apps.json` */
  public static loadApps(file?: string): AppsDefinition {
    return loadAppsDefinition(file);
  }

  /** Check an apps list (e.g. JSON you built), naming the offending app and field. */
  public static parseApps(raw: any, source?: string): AuthApiApp[] {
    return parseApps(raw, source);
  }

  // The route helpers take the route's fields, not the route: Python would expand a struct parameter into keywords.

  /** The API Gateway route key of a route's method and path: `"POST /auth/login"`. */
  public static routeKey(method: string, routePath: string): string {
    return `${method} ${routePath}`;
  }

  /** The IAM actions a route's function gets for its declared Cognito actions: less the token-only ones, prefixed. */
  public static iamActionsOf(cognitoActions: string[]): string[] {
    return iamActionsOf({ cognitoActions });
  }

  /**
   * The first factors a pool of this definition offers: `allowedFirstAuthFactors` without those of
   * `firstAuthFactorsNeedingSes` unless the pool sends email through Amazon SES.
   */
  public static offeredFirstAuthFactors(definition: UserPoolDefinition, sendsWithSes: boolean): string[] {
    return offeredFirstAuthFactors(definition, sendsWithSes);
  }

  /** The functions' `PASSWORD_POLICY` value for a password policy. */
  public static passwordPolicyEnv(policy: PoolPasswordPolicy): string {
    return passwordPolicyEnv(policy);
  }

  private constructor() {}
}
