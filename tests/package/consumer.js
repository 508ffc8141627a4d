// A platform team's CDK app in plain JavaScript, using the installed package (run by tests/package/check.js).
// Non-default props: us-east-1 with the front door (the construct creates its CLOUDFRONT web ACL), an existing
// user pool, a stage throttle, two route throttle overrides, a TOTP issuer and a log retention.
'use strict';
const { App, Stack, CfnOutput } = require('aws-cdk-lib');
const cognito = require('aws-cdk-lib/aws-cognito');
const logs = require('aws-cdk-lib/aws-logs');
const { CognitoAuthApi } = require('cognito-auth-api');

const app = new App();
const stack = new Stack(app, 'PlatformAuthJs', { env: { account: '111122223333', region: 'us-east-1' } });
const userPool = cognito.UserPool.fromUserPoolId(stack, 'Pool', 'us-east-1_Example1');
const auth = new CognitoAuthApi(stack, 'Auth', {
  corsOrigins: ['https://portal.example.org'],
  userPool,
  stageThrottle: { rateLimit: 50, burstLimit: 100 },
  routeThrottles: { register: { rateLimit: 10, burstLimit: 20 }, refresh: { rateLimit: 30, burstLimit: 60 } },
  totpIssuer: 'Example Org',
  logRetention: logs.RetentionDays.THREE_MONTHS,
});
new CfnOutput(stack, 'AuthUrl', { value: auth.url });
new CfnOutput(stack, 'AuthVersion', { value: auth.version });
app.synth();
