// Public API of the auth API CDK library: the construct for platform teams, its stack, and the helpers
// that tie CDK to the shared route definition.
export * from './cognito-auth-api';
export * from './cognito-auth-api-stack';
export * from './auth-api-alarms';
export * from './web-acl';
export * from './route-definition';
export * from './cognito-quotas';
export * from './app';
export * from './front-door';
