import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CognitoAuthApi, CognitoAuthApiProps } from './cognito-auth-api';

export interface CognitoAuthApiStackProps extends StackProps, CognitoAuthApiProps {
  /** ARN of an existing SNS topic for alarm notifications (alternative to `alarmTopic`). @default - none */
  readonly alarmTopicArn?: string;
  /** ARN of an ACM certificate in us-east-1 for `domainName` (alternative to `certificate`). @default - none */
  readonly certificateArn?: string;
}

/** The deployable stack: the CognitoAuthApi construct and the outputs frontends and operators need. */
export class CognitoAuthApiStack extends Stack {
  public readonly authApi: CognitoAuthApi;

  constructor(scope: Construct, id: string, props: CognitoAuthApiStackProps) {
    super(scope, id, props);
    if (props.alarmTopic && props.alarmTopicArn) {
      throw new Error('CognitoAuthApiStack: pass alarmTopic or alarmTopicArn, not both.');
    }
    const alarmTopic = props.alarmTopic ?? (props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : undefined);
    if (props.certificate && props.certificateArn) {
      throw new Error('CognitoAuthApiStack: pass certificate or certificateArn, not both.');
    }
    const certificate = props.certificate ?? (props.certificateArn ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn) : undefined);
    this.authApi = new CognitoAuthApi(this, 'AuthApi', { ...props, alarmTopic, certificate });
    if (this.authApi.originVerifySecret) {
      new CfnOutput(this, 'OriginVerifySecretArn', {
        value: this.authApi.originVerifySecret.secretArn,
        description: 'Secret CloudFront sends as x-origin-verify (rotate it as docs/deploying.md describes)',
      });
    }
    new CfnOutput(this, 'ApiUrl', {
      value: this.authApi.url,
      description: 'Base URL frontends call (CloudFront when the front door is on, else the HTTP API)',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.authApi.userPool.userPoolId, description: 'Cognito user pool id' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.authApi.userPoolClient.userPoolClientId,
      description: 'Cognito app client id (its secret stays in Secrets Manager)',
    });
    // Per machine client: its id and the secret its service reads (the value itself never leaves Secrets Manager).
    for (const app of this.authApi.apps) {
      for (const m of app.machineClients) {
        const key = `${app.id}-${m.id}`.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
        new CfnOutput(this, `MachineClient${key}Id`, { value: m.client.userPoolClientId, description: `Client id of machine client ${m.id} of app ${app.id}` });
        new CfnOutput(this, `MachineClient${key}SecretArn`, { value: m.secret.secretArn, description: `Secret holding the client secret of machine client ${m.id} of app ${app.id}` });
      }
    }
    new CfnOutput(this, 'Version', {
      value: this.authApi.version,
      description: 'Version of the auth API code the functions run (+source: built from the Rust source)',
    });
  }
}
