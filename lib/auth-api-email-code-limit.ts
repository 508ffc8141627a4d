// The per-address limit on emailed sign-in codes (cdk/email-code-limit.json): a DynamoDB table the
// functions that list EMAIL_CODE_LIMIT_TABLE (login/start) count codes in, with exactly dynamodb:UpdateItem on it.
// Cognito publishes no per-user limit for the codes USER_AUTH emails (the quotas page lists ResendConfirmationCode,
// ConfirmSignUp, ConfirmForgotPassword and others, https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html),
// so one address could otherwise be sent codes without bound. Created only when the pool offers EMAIL_OTP.
// The counting is the Rust side's (lambda/auth-api/src/email_code_limit.rs).
import * as fs from 'fs';
import * as path from 'path';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ack } from './nag';

/** The file the table's layout and figures come from (shipped in the package). */
export const EMAIL_CODE_LIMIT_FILE = path.join(__dirname, '..', 'cdk', 'email-code-limit.json');

/** The environment name the functions read the table's name from. */
export const EMAIL_CODE_LIMIT_ENV = 'EMAIL_CODE_LIMIT_TABLE';

/** The layout of cdk/email-code-limit.json the construct uses. */
export interface EmailCodeLimitDefinition {
  readonly partitionKey: string;
  readonly timeToLiveAttribute: string;
  readonly sendsPerWindow: number;
  readonly windowSeconds: number;
}

export function loadEmailCodeLimitDefinition(file: string = EMAIL_CODE_LIMIT_FILE): EmailCodeLimitDefinition {
  const raw = JSON.parse(fs.readFileSync(file, 'utf-8'));
  for (const k of ['partitionKey', 'timeToLiveAttribute']) {
    if (typeof raw[k] !== 'string' || raw[k].length === 0) throw new Error(`${file}: ${k} must be a non-empty string`);
  }
  for (const k of ['sendsPerWindow', 'windowSeconds']) {
    if (!Number.isInteger(raw[k]) || raw[k] < 1) throw new Error(`${file}: ${k} must be a positive integer`);
  }
  return raw;
}

/**
 * The counter table, when the pool offers EMAIL_OTP (else undefined: nothing sends emailed codes). On-demand (idle
 * costs nothing but its few bytes of storage), time to live on the definition's attribute, removed with the stack:
 * it holds counters of the last hours only, keyed by an HMAC of the address, never an address.
 */
export function addEmailCodeLimitTable(scope: Construct, firstAuthFactors: readonly string[]): dynamodb.Table | undefined {
  if (!firstAuthFactors.includes('EMAIL_OTP')) return undefined;
  const def = loadEmailCodeLimitDefinition();
  const table = new dynamodb.Table(scope, 'EmailCodeLimit', {
    partitionKey: { name: def.partitionKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    timeToLiveAttribute: def.timeToLiveAttribute,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  ack(table, 'AwsSolutions-DDB3', 'Counters of emailed sign-in codes that expire within two hours: nothing to recover to a point in time.');
  return table;
}
