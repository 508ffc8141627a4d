// The AWS SDK for JavaScript v3 clients verify uses, one per service, with the operator's credentials (the SDK's
// default chain: environment, profile, SSO, instance role). Endpoints come from the SDK's own settings:
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html),
// which is how the tests aim them at moto and the local Cognito emulator.
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { WAFV2Client } from '@aws-sdk/client-wafv2';

export interface AwsClients {
  readonly region: string;
  readonly cloudFormation: (region?: string) => CloudFormationClient;
  readonly cognito: CognitoIdentityProviderClient;
  readonly logs: CloudWatchLogsClient;
  readonly cloudWatch: CloudWatchClient;
  readonly wafv2: (region: string) => WAFV2Client;
}

/** The service-specific endpoint variables the SDK reads, for the header of the output (what is not AWS itself). */
export const ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLOUDFORMATION', 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS', 'AWS_ENDPOINT_URL_CLOUDWATCH', 'AWS_ENDPOINT_URL_WAFV2',
];

/** Endpoint overrides in effect (name=value), empty against AWS itself. */
export function endpointOverrides(env: NodeJS.ProcessEnv = process.env): string[] {
  return ENDPOINT_VARIABLES.filter((k) => env[k]).map((k) => `${k}=${env[k]}`);
}

export function awsClients(region: string, cognitoEndpoint?: string): AwsClients {
  // Throttled calls are retried by the SDK's standard retry strategy (3 attempts); nothing here retries on its own.
  const cache = new Map<string, any>();
  const once = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key);
  };
  return {
    region,
    cloudFormation: (r = region) => once(`cfn:${r}`, () => new CloudFormationClient({ region: r })),
    cognito: new CognitoIdentityProviderClient({ region, ...(cognitoEndpoint ? { endpoint: cognitoEndpoint } : {}) }),
    logs: new CloudWatchLogsClient({ region }),
    cloudWatch: new CloudWatchClient({ region }),
    wafv2: (r: string) => once(`waf:${r}`, () => new WAFV2Client({ region: r })),
  };
}
