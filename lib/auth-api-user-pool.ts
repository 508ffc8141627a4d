// The user pool feature of CognitoAuthApi: the Cognito user pool (or an existing one), its app client, the Secrets
// Manager secret holding the client's secret, and the optional REGIONAL web ACL on the pool. Its resources are
// created in the CognitoAuthApi's own scope, not in a child construct: a new construct path would change their
// logical IDs, and CloudFormation would replace the user pool (a new, empty pool; the old one retained).
import { Annotations, Duration, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ack } from './nag';
import { PoolPasswordPolicy, UserPoolDefinition, offeredFirstAuthFactors } from './user-pool-definition';
import { AuthApiWebAcl } from './web-acl';

/** Cognito threat protection (advanced security) setting of a created user pool. */
export enum ThreatProtection {
  /** No threat protection; the pool stays on the Essentials feature plan. */
  OFF = 'OFF',
  /** Plus feature plan; risks are scored and logged but no sign-in is blocked. */
  AUDIT = 'AUDIT',
  /** Plus feature plan; risky sign-ins are challenged or blocked (adaptive authentication). */
  ENFORCED = 'ENFORCED',
}

/** What the user pool feature takes from the construct's props (each documented on CognitoAuthApiProps). */
export interface AuthApiUserPoolProps {
  readonly userPool?: cognito.IUserPool;
  readonly userPoolClient?: cognito.IUserPoolClient;
  readonly userPoolClientSecret?: secretsmanager.ISecret;
  readonly removalPolicy?: RemovalPolicy;
  readonly threatProtection?: ThreatProtection;
  readonly email?: cognito.UserPoolEmail;
  readonly accessTokenValidity?: Duration;
  readonly idTokenValidity?: Duration;
  readonly refreshTokenValidity?: Duration;
  readonly refreshTokenRotationGracePeriod?: Duration;
  readonly userPoolWebAcl?: boolean;
  readonly passkeyUserVerification?: cognito.PasskeyUserVerification;
  readonly emailOtpSignIn?: boolean;
}

/** The pool, client and client secret the functions use (created or given), and the pool's sign-in settings. */
export interface AuthApiUserPool {
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.IUserPoolClient;
  readonly clientSecret: secretsmanager.ISecret;
  /** The first factors the pool offers (`FIRST_AUTH_FACTORS` of the sign-in functions). */
  readonly firstAuthFactors: string[];
  /** `preferred` or `required` (`PASSKEY_USER_VERIFICATION`). */
  readonly passkeyUserVerification: string;
  /** The settings of the created client, which other apps' clients copy (undefined with an existing userPoolClient). */
  readonly userClientOptions?: cognito.UserPoolClientOptions;
}

/**
 * Cognito's default sender: "Maximum number of email messages sent daily per AWS account: 50", a quota that
 * "applies only if you are using the default email feature"
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#resource-quotas).
 */
export const DEFAULT_SENDER_EMAILS_PER_DAY = 50;

/** Whether a pool's email setting sends through Amazon SES (EmailSendingAccount DEVELOPER), as aws-cdk-lib's own email-MFA check reads it. */
export function sendsWithSes(scope: Construct, email: cognito.UserPoolEmail | undefined): boolean {
  return email !== undefined && email._bind(scope).emailSendingAccount === 'DEVELOPER';
}

/** Access token validity: whole minutes from 5 to 1440 (https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html#resource-quotas). */
function checkAccessTokenValidity(validity: Duration): Duration {
  const minutes = validity.toSeconds({ integral: false }) / 60;
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440) {
    throw new Error(
      `CognitoAuthApi: accessTokenValidity must be 5 to 1440 whole minutes (Cognito allows access tokens of 5 minutes to 1 day); got ${validity.toHumanString()}. ` +
        'Fix: pass e.g. Duration.minutes(15) (context accessTokenValidityMinutes=15).',
    );
  }
  return validity;
}

/**
 * Checks the pool/client props, then creates in `scope` what they do not provide: the user pool (from the user pool
 * definition), the app client and its secret; and the pool's web ACL when `userPoolWebAcl` is on.
 */
export function addUserPool(
  scope: Construct,
  props: AuthApiUserPoolProps,
  poolDef: UserPoolDefinition,
  passwordPolicy: PoolPasswordPolicy,
  passkeyRelyingPartyId: string,
): AuthApiUserPool {
  if (props.userPoolClient && !props.userPool) {
    throw new Error('CognitoAuthApi: userPoolClient needs userPool too (the pool that client belongs to).');
  }
  if (props.userPoolClient && !props.userPoolClientSecret) {
    throw new Error(
      'CognitoAuthApi: with an existing userPoolClient, pass userPoolClientSecret: a Secrets Manager secret whose SecretString is that client\'s secret ' +
        '(the construct cannot read it, and never puts it in the template).',
    );
  }
  if (props.userPoolClientSecret && !props.userPoolClient) {
    throw new Error('CognitoAuthApi: userPoolClientSecret is the secret of an existing userPoolClient; pass userPoolClient too, or neither (a client and its secret are then created).');
  }
  if (props.userPool) {
    const poolOnly = { removalPolicy: props.removalPolicy, threatProtection: props.threatProtection, email: props.email };
    for (const [k, v] of Object.entries(poolOnly)) {
      if (v !== undefined) {
        throw new Error(`CognitoAuthApi: ${k} only applies to a user pool the construct creates; with an existing userPool, set it on that pool.`);
      }
    }
  }
  if (props.userPoolClient) {
    const clientOnly = {
      accessTokenValidity: props.accessTokenValidity,
      idTokenValidity: props.idTokenValidity,
      refreshTokenValidity: props.refreshTokenValidity,
      refreshTokenRotationGracePeriod: props.refreshTokenRotationGracePeriod,
    };
    for (const [k, v] of Object.entries(clientOnly)) {
      if (v !== undefined) {
        throw new Error(`CognitoAuthApi: ${k} only applies to an app client the construct creates; with an existing userPoolClient, set it on that client.`);
      }
    }
  }

  const passkeyUserVerification = props.passkeyUserVerification ?? poolDef.passkeys.userVerification;
  if (!(['preferred', 'required'] as string[]).includes(passkeyUserVerification)) {
    throw new Error(`CognitoAuthApi: passkeyUserVerification must be PasskeyUserVerification.REQUIRED or PREFERRED; got "${passkeyUserVerification}".`);
  }
  // EMAIL_OTP (firstAuthFactorsNeedingSes) only with SES: on by default when the created pool sends through SES,
  // refused without it. An existing pool's email setting is not visible here: the operator states what it allows.
  const ses = !props.userPool && sendsWithSes(scope, props.email);
  const emailOtp = props.emailOtpSignIn ?? ses;
  if (!props.userPool && emailOtp && !ses) {
    throw new Error(
      'CognitoAuthApi: emailOtpSignIn needs the user pool to send email through Amazon SES: Cognito sends email one-time codes only with an SES ' +
        'email configuration, not its default sender (https://docs.amplify.aws/react/build-a-backend/auth/concepts/passwordless/). ' +
        "Fix: set email: cognito.UserPoolEmail.withSES({ fromEmail, sesRegion }) (context sesFromEmail), or remove emailOtpSignIn.",
    );
  }
  const firstAuthFactors = offeredFirstAuthFactors(poolDef, emailOtp);

  let userPool: cognito.IUserPool;
  if (props.userPool) {
    userPool = props.userPool;
  } else {
    const removalPolicy = props.removalPolicy ?? (poolDef.removalPolicy === 'RETAIN' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
    const threat = props.threatProtection ?? ThreatProtection.OFF;
    const pool = new cognito.UserPool(scope, 'UserPool', {
      signInAliases: { email: true },
      // false: Me@Example.com and me@example.com are one account (the functions also lower-case
      // addresses). "This option also enables both preferred_username and email alias to be case
      // insensitive" (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UsernameConfigurationType.html).
      signInCaseSensitive: poolDef.signInCaseSensitive,
      selfSignUpEnabled: true,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      userVerification: { emailStyle: cognito.VerificationEmailStyle.CODE },
      passwordPolicy: {
        minLength: passwordPolicy.minLength,
        requireLowercase: passwordPolicy.requireLowercase,
        requireUppercase: passwordPolicy.requireUppercase,
        requireDigits: passwordPolicy.requireDigits,
        requireSymbols: passwordPolicy.requireSymbols,
        tempPasswordValidity: Duration.days(passwordPolicy.tempPasswordValidityDays),
      },
      mfa: { OFF: cognito.Mfa.OFF, OPTIONAL: cognito.Mfa.OPTIONAL, REQUIRED: cognito.Mfa.REQUIRED }[poolDef.mfa],
      mfaSecondFactor: poolDef.mfaSecondFactor,
      accountRecovery: {
        EMAIL_ONLY: cognito.AccountRecovery.EMAIL_ONLY,
        EMAIL_AND_PHONE_WITHOUT_MFA: cognito.AccountRecovery.EMAIL_AND_PHONE_WITHOUT_MFA,
        NONE: cognito.AccountRecovery.NONE,
      }[poolDef.accountRecovery],
      email: props.email,
      // Passkeys and email codes as first factors (choice-based sign-in) need Essentials or Plus
      // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-cognito-userpool-signinpolicy.html).
      featurePlan: threat === ThreatProtection.OFF ? cognito.FeaturePlan.ESSENTIALS : cognito.FeaturePlan.PLUS,
      signInPolicy: {
        allowedFirstAuthFactors: {
          password: true,
          emailOtp: firstAuthFactors.includes('EMAIL_OTP'),
          passkey: firstAuthFactors.includes('WEB_AUTHN'),
        },
      },
      // The frontend's registrable domain (lib/passkeys.ts), not the API's host.
      passkeyRelyingPartyId,
      passkeyUserVerification: passkeyUserVerification as cognito.PasskeyUserVerification,
      standardThreatProtectionMode:
        threat === ThreatProtection.OFF ? undefined
          : threat === ThreatProtection.AUDIT ? cognito.StandardThreatProtectionMode.AUDIT_ONLY
            : cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      removalPolicy,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN && poolDef.deletionProtection,
    });
    userPool = pool;
    if (!ses) {
      // Whenever the default sender is used, front door or not: a development stack's users meet the same cap.
      // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
      Annotations.of(pool).addWarningV2('@cognito-auth-api/default-email-sender',
        `The user pool sends email with Cognito's default sender, which allows ${DEFAULT_SENDER_EMAILS_PER_DAY} emails a day per AWS account ` +
          '(https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html) and is meant for testing: once they are used up, confirmation and ' +
          'password-reset codes stop for everyone until the next day, and sign-in with emailed codes (EMAIL_OTP) is not offered. Set the email prop ' +
          '(context sesFromEmail, sesRegion) to send through Amazon SES.');
    }
    ack(pool, 'AwsSolutions-COG2', 'MFA is optional by product decision: users enrol TOTP through /auth/mfa/totp/* and Cognito then requires it at every sign-in; SMS MFA is off.');
    if (threat === ThreatProtection.OFF) {
      ack(pool, 'AwsSolutions-COG8',
        'The Plus feature plan (billed per monthly active user) is needed only for threat protection, which is the documented threatProtection prop, off by default for cost; per-IP limits and managed rules sit in the WAF front door.');
    }
  }

  let clientSecret = props.userPoolClientSecret;
  let userPoolClient: cognito.IUserPoolClient;
  let userClientOptions: cognito.UserPoolClientOptions | undefined;
  if (props.userPoolClient) {
    userPoolClient = props.userPoolClient;
    noteImportedClient(scope, props.userPoolClient);
  } else {
    const accessTokenValidity = checkAccessTokenValidity(props.accessTokenValidity ?? Duration.minutes(poolDef.tokenValidity.accessTokenMinutes));
    const grace = props.refreshTokenRotationGracePeriod ?? Duration.seconds(poolDef.refreshTokenRotation.retryGracePeriodSeconds);
    const graceSeconds = grace.toSeconds({ integral: false });
    if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 60) {
      throw new Error(`CognitoAuthApi: refreshTokenRotationGracePeriod must be 0 to 60 whole seconds (Cognito's RetryGracePeriodSeconds); got ${graceSeconds} seconds.`);
    }
    userClientOptions = {
      generateSecret: true,
      // user: choice-based sign-in (USER_AUTH) for /auth/login/start's passkeys and email codes.
      authFlows: { adminUserPassword: true, userPassword: false, userSrp: false, custom: false, user: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity,
      idTokenValidity: props.idTokenValidity ?? Duration.minutes(poolDef.tokenValidity.idTokenMinutes),
      refreshTokenValidity: props.refreshTokenValidity ?? Duration.days(poolDef.tokenValidity.refreshTokenDays),
      authSessionValidity: Duration.minutes(poolDef.authSessionValidityMinutes),
      // Refresh-token rotation (RefreshTokenRotation: ENABLED, RetryGracePeriodSeconds). The refresh route calls
      // GetTokensFromRefreshToken, which rotation requires; "You can't authenticate with REFRESH_TOKEN_AUTH in app
      // clients with refresh token rotation enabled"
      // (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html),
      // and aws-cdk-lib (2.276) leaves ALLOW_REFRESH_TOKEN_AUTH out of ExplicitAuthFlows when this is set.
      refreshTokenRotationGracePeriod: grace,
      disableOAuth: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    };
    const client = new cognito.UserPoolClient(scope, 'AppClient', { userPool, ...userClientOptions });
    userPoolClient = client;
    // The CloudFormation attribute, not `client.userPoolClientSecret` (which adds a custom resource and a Lambda).
    const cfnClient = client.node.defaultChild as cognito.CfnUserPoolClient;
    const secret = new secretsmanager.Secret(scope, 'ClientSecret', {
      description: 'Secret of the auth API app client (raw string); read by the functions that compute SECRET_HASH',
      secretStringValue: SecretValue.resourceAttribute(cfnClient.attrClientSecret),
    });
    ack(secret, 'AwsSolutions-SMG4', 'The value is the Cognito app client secret, which Cognito generates and cannot rotate in place; rotating means a new app client (a new deploy).');
    clientSecret = secret;
  }

  if (props.userPoolWebAcl ?? false) {
    const poolAcl = new AuthApiWebAcl(scope, 'UserPoolAcl', { scope: 'REGIONAL', metricPrefix: 'AuthApiUserPool' });
    new wafv2.CfnWebACLAssociation(scope, 'UserPoolAclAssociation', {
      resourceArn: userPool.userPoolArn,
      webAclArn: poolAcl.webAclArn,
    });
  }

  return { userPool, userPoolClient, clientSecret: clientSecret!, firstAuthFactors, passkeyUserVerification, userClientOptions };
}

/**
 * The app client and secret of another app (the `apps` prop's apps with `origins`): the settings of the API's own
 * client (secret, admin password and USER_AUTH flows, rotation, lifetimes), under construct ids of that app
 * (`App-<id>-UserClient`, `App-<id>-UserClientSecret`), so adding or removing an app touches no other client.
 */
export function addAppUserClient(scope: Construct, appId: string, userPool: cognito.IUserPool, options: cognito.UserPoolClientOptions):
{ client: cognito.UserPoolClient; secret: secretsmanager.Secret } {
  const client = new cognito.UserPoolClient(scope, `App-${appId}-UserClient`, { userPool, ...options, userPoolClientName: appId });
  const secret = new secretsmanager.Secret(scope, `App-${appId}-UserClientSecret`, {
    description: `Secret of the app client of app ${appId} (raw string); read by the functions that compute SECRET_HASH`,
    secretStringValue: SecretValue.resourceAttribute((client.node.defaultChild as cognito.CfnUserPoolClient).attrClientSecret),
  });
  ack(secret, 'AwsSolutions-SMG4', 'The value is the Cognito app client secret, which Cognito generates and cannot rotate in place; rotating means a new app client (a new deploy).');
  return { client, secret };
}

/**
 * What an existing app client must have for the API: a secret (checked at deploy by the functions reading it),
 * ADMIN_USER_PASSWORD_AUTH (login), and refresh-token rotation (refresh answers a new refresh token and reuse is
 * detected; https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html).
 * A client defined in this CDK app is checked (a warning names what is missing); an imported one gets an info note.
 */
function noteImportedClient(scope: Construct, client: cognito.IUserPoolClient): void {
  const cfn = client.node.defaultChild;
  if (!(cfn instanceof cognito.CfnUserPoolClient)) {
    Annotations.of(scope).addInfo(
      'CognitoAuthApi: the existing userPoolClient cannot be checked at synth. It must have a secret, allow ALLOW_ADMIN_USER_PASSWORD_AUTH and ' +
        'rotate refresh tokens (RefreshTokenRotation Feature ENABLED); without rotation /auth/refresh answers no new refresh token and reused tokens are not detected.',
    );
    return;
  }
  const missing: string[] = [];
  const rotation = cfn.refreshTokenRotation as cognito.CfnUserPoolClient.RefreshTokenRotationProperty | undefined;
  if (rotation?.feature !== 'ENABLED') {
    missing.push('refresh-token rotation (refreshTokenRotationGracePeriod on the UserPoolClient): without it /auth/refresh answers no new refresh token and reused tokens are not detected');
  }
  if (Array.isArray(cfn.explicitAuthFlows) && !cfn.explicitAuthFlows.includes('ALLOW_ADMIN_USER_PASSWORD_AUTH')) {
    missing.push('ALLOW_ADMIN_USER_PASSWORD_AUTH (authFlows.adminUserPassword): /auth/login cannot sign anyone in');
  }
  if (cfn.generateSecret !== true) {
    missing.push('a client secret (generateSecret)');
  }
  if (missing.length > 0) {
    Annotations.of(client).addWarningV2('@cognito-auth-api/user-pool-client', `CognitoAuthApi: the userPoolClient lacks ${missing.join('; ')}.`);
  }
}
