// A CDK app for `make synth-check` (tests/cdk/synth-check.js): the repository's stack with the pre sign-up trigger on
// and declaring Cognito actions on its own pool (as account linking, issue 23, will), built for real (cargo-lambda
// bundling, cdk-nag), so that a real `cdk synth` and cfn-lint show the trigger's grant makes no dependency cycle.
// Not deployed: the binary's own cdk/triggers.json declares no such actions.
import { App, Validations } from 'aws-cdk-lib';
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
  triggerDefinitions: { triggers: defs.triggers.map((t) => (t.name === 'preSignUp' ? { ...t, cognitoActions: ['ListUsers', 'AdminLinkProviderForUser'] } : t)) },
  code: AuthApiCode.fromSource(),
});
