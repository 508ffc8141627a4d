import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildAuthApiApp, AuthApiAppStacks } from '../../lib/app';
import { AuthApiCode } from '../../lib/function-code';
import { CognitoAuthApiStack, CognitoAuthApiStackProps } from '../../lib/cognito-auth-api-stack';
import { loadApiDefinition } from '../../lib/route-definition';

/**
 * Context that skips asset bundling (no cargo build in unit tests), and makes CDK's built-in CloudFormation
 * validation fail synth on an error instead of printing a warning.
 */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[], '@aws-cdk/core:validateAgainstDefaultRules': true };

export const definition = loadApiDefinition();

/**
 * The code source of stacks built directly in tests: from source, as the repository's app does (bundling is
 * skipped above, so nothing is compiled). The packaged default is covered by function-code.test.ts and by the
 * package check (tests/package/check.js), which needs `npm run package` to have built the artifact.
 */
export const FROM_SOURCE = AuthApiCode.fromSource();

/** The app as `npx cdk deploy` builds it, from context, without bundling. */
export function appFromContext(context: Record<string, unknown> = {}, nag = true): { app: App; stacks: AuthApiAppStacks } {
  const app = new App({ context: { ...SKIP_BUNDLING, ...context } });
  const stacks = buildAuthApiApp(app, { nag });
  return { app, stacks };
}

/** A stack with the given props in a fresh app (no cdk-nag plugin), bundling skipped. */
export function stackWith(props: Partial<CognitoAuthApiStackProps> = {}, region = 'us-east-1'): CognitoAuthApiStack {
  const app = new App({ context: SKIP_BUNDLING });
  return new CognitoAuthApiStack(app, 'TestStack', {
    env: { account: '123456789012', region },
    corsOrigins: ['https://app.example.com'],
    code: FROM_SOURCE,
    ...props,
  });
}

export function template(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Resources of one type as [logicalId, resource] pairs. */
export function resourcesOf(t: Template, type: string): [string, any][] {
  return Object.entries(t.findResources(type));
}

/** Logical id of a construct's default CloudFormation resource. */
export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as any);
}

/** Every string in a template fragment (deep), after JSON round trip. */
export function allStrings(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') out.push(x);
  else if (Array.isArray(x)) x.forEach((y) => allStrings(y, out));
  else if (x && typeof x === 'object') Object.values(x).forEach((y) => allStrings(y, out));
  return out;
}
