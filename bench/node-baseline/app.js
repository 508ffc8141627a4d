// The baseline `make bench` measures the product against: the kind of Node auth app it replaces.
// Express behind @codegenie/serverless-express, AWS SDK v3 clients for Cognito and Secrets Manager,
// the same login as the product's POST /auth/login: read the app client secret (once, on first
// use), SECRET_HASH, AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH and the caller's context.
// Endpoints come from AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER / AWS_ENDPOINT_URL_SECRETS_MANAGER
// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), the test CA from
// NODE_EXTRA_CA_CERTS: the benchmark points both at its stubs. Never deployed.
'use strict';
const crypto = require('node:crypto');
const express = require('express');
const serverlessExpress = require('@codegenie/serverless-express');
const { CognitoIdentityProviderClient, AdminInitiateAuthCommand } = require('@aws-sdk/client-cognito-identity-provider');
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');

const { COGNITO_USER_POOL_ID, COGNITO_APP_CLIENT_ID, COGNITO_APP_CLIENT_SECRET_ARN } = process.env;
const cognito = new CognitoIdentityProviderClient({});
const secrets = new SecretsManagerClient({});

let clientSecret;
async function secretHash(username) {
  if (clientSecret === undefined) {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: COGNITO_APP_CLIENT_SECRET_ARN }));
    clientSecret = out.SecretString;
  }
  return crypto.createHmac('sha256', clientSecret).update(username + COGNITO_APP_CLIENT_ID).digest('base64');
}

const app = express();
app.use(express.json({ limit: '16kb' }));

app.post('/auth/login', async (req, res) => {
  const { email, password } = req.body || {};
  if (typeof email !== 'string' || typeof password !== 'string') {
    return res.status(400).json({ error: 'validation_failed' });
  }
  try {
    const out = await cognito.send(
      new AdminInitiateAuthCommand({
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        UserPoolId: COGNITO_USER_POOL_ID,
        ClientId: COGNITO_APP_CLIENT_ID,
        AuthParameters: { USERNAME: email, PASSWORD: password, SECRET_HASH: await secretHash(email) },
        ContextData: {
          IpAddress: req.ip,
          ServerName: req.hostname,
          ServerPath: req.path,
          HttpHeaders: Object.entries(req.headers).map(([headerName, headerValue]) => ({ headerName, headerValue: String(headerValue) })),
        },
      }),
    );
    const r = out.AuthenticationResult;
    return res.json({ accessToken: r.AccessToken, idToken: r.IdToken, refreshToken: r.RefreshToken, expiresIn: r.ExpiresIn, tokenType: r.TokenType });
  } catch (e) {
    return res.status(e.name === 'NotAuthorizedException' ? 401 : 502).json({ error: e.name });
  }
});

exports.handler = serverlessExpress({ app });
