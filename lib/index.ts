// Public API of the auth API CDK library (the npm package's entry point): the construct for platform teams,
// its stack, where its Lambda code comes from, and the helpers that tie CDK to the shared route definition.
// The repository's own CDK app (lib/app.ts, which builds from Rust source and runs cdk-nag) is not part of it.
export * from './cognito-auth-api';
export * from './function-code';
export * from './cognito-auth-api-stack';
export * from './auth-api-alarms';
export * from './web-acl';
export * from './route-definition';
export * from './cognito-quotas';
export * from './front-door';
export * from './user-pool-definition';
export * from './definitions';
export * from './apps-definition';
export * from './trigger-definition';
export type { AuthApiFederation, AuthApiIdentityProvider } from './federation-definition';
export type { AuthApiFederationResources } from './auth-api-federation';
export type { TokenClaims, TokenClaimsRules, TokenClaimsGroupRule } from './token-claims';
export type { CustomMessageOptions } from './custom-messages';
