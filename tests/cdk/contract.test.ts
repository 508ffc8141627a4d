import { definition } from './helpers';

// Every function runs the one `bootstrap` binary, which refuses to start (exit 2 at init) without these
// (lambda/auth-api/src/config.rs: Config::from_lookup). A function gets only the env vars its route lists,
// so every route must list them, even one that calls no Cognito action.
const REQUIRED_BY_BINARY = ['COGNITO_USER_POOL_ID', 'COGNITO_APP_CLIENT_ID'];

describe('route env lists cover what the shared binary requires at start-up', () => {
  for (const r of definition.routes) {
    test(`${r.name} lists ${REQUIRED_BY_BINARY.join(' and ')}`, () => {
      expect(REQUIRED_BY_BINARY.filter((v) => !r.env.includes(v))).toEqual([]);
    });
  }
});
