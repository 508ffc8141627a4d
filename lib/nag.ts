import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Record a cdk-nag acknowledgement with its reason on a construct and its children. */
export function ack(scope: Construct, id: string, reason: string) {
  Validations.of(scope).acknowledge({ id, reason });
}
