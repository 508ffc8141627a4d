// A CDK app for `make synth-check` (tests/cdk/synth-check.js): the repository's stack with its triggers on, pre sign-up
// declaring Cognito actions on its own pool (as account linking, issue 23, will), built for real (cargo-lambda
// bundling, cdk-nag), pre token generation granted ListUserPoolClients on the pool as cdk/triggers.json declares,
// user migration reading its one legacy-endpoint secret, and the custom message trigger on a pool sending with Amazon
// SES, so that a real `cdk synth` and cfn-lint show the triggers' grants make no dependency cycle.
// Not deployed: the binary's own cdk/triggers.json declares no such actions for pre sign-up.
import { App, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CognitoAuthApiStack } from '../../lib/cognito-auth-api-stack';
import { AuthApiCode } from '../../lib/function-code';
import { loadTriggerDefinitions } from '../../lib/trigger-definition';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const defs = loadTriggerDefinitions();
new CognitoAuthApiStack(app, 'TriggerGrants', {
  env: { region: 'eu-west-1' },
  corsOrigins: ['https://app.example.com'],
  frontDoor: false,
  signUpEmailDomains: ['example.com'],
  // Pre token generation with per-app rules: ListUserPoolClients on its own pool (the definition's own grant).
  tokenClaims: { groups: [{ group: 'admins', roles: ['admin'] }], apps: { shop: { scopes: ['shop/read'] } } },
  apps: [{ id: 'shop', origins: ['https://shop.example.com'] }],
  // An operator's existing secret, by its complete ARN (the context key legacyAuthSecretArn's form).
  userMigration: { url: 'https://legacy.example.com/auth/check', secretCompleteArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-auth-AbCdEf' },
  passkeyRelyingPartyId: 'example.com',
  // Branded emails: the custom message trigger, on a pool sending with Amazon SES (Cognito takes a trigger's email only there).
  email: cognito.UserPoolEmail.withSES({ fromEmail: 'no-reply@example.com', sesRegion: 'eu-west-1' }),
  customMessages: { productName: 'Example', signInUrl: 'https://app.example.com/sign-in' },
  triggerDefinitions: { triggers: defs.triggers.map((t) => (t.name === 'preSignUp' ? { ...t, cognitoActions: ['ListUsers', 'AdminLinkProviderForUser'] } : t)) },
  code: AuthApiCode.fromSource(),
});
