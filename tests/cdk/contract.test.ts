import { definition } from './helpers';

// Every function runs the one `bootstrap` binary, which refuses to start (exit 2 at init) without these
// (lambda/auth-api/src/config.rs: Config::from_lookup). A function gets only the env vars its route lists,
// so every route must list them, even one that calls no Cognito action.
const REQUIRED_BY_BINARY = ['COGNITO_USER_POOL_ID', 'COGNITO_APP_CLIENT_ID'];

// Known contract bug, reported to the route-definition owner: cdk/routes.json's `openapi` route lists only
// CORS_ORIGIN, so its deployed function would exit at init. `test.failing` keeps the suite green while the bug
// stands and turns red once routes.json (or the binary) is fixed: then drop the name from this set.
const KNOWN_BROKEN = new Set(['openapi']);

describe('route env lists cover what the shared binary requires at start-up', () => {
  for (const r of definition.routes) {
    const t = KNOWN_BROKEN.has(r.name) ? test.failing : test;
    t(`${r.name} lists ${REQUIRED_BY_BINARY.join(' and ')}`, () => {
      expect(REQUIRED_BY_BINARY.filter((v) => !r.env.includes(v))).toEqual([]);
    });
  }
  test('KNOWN_BROKEN names only routes that exist', () => {
    for (const name of KNOWN_BROKEN) expect(definition.routes.map((r) => r.name)).toContain(name);
  });
});
