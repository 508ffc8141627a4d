import { DEFAULT_ROUTES_FILE, loadApiDefinition, parseApiDefinition, routeKey } from '../../lib/route-definition';

const good = () => ({
  routes: [{
    name: 'login', method: 'POST', path: '/auth/login', bearerToken: false,
    cognitoActions: ['AdminInitiateAuth'], env: ['COGNITO_USER_POOL_ID'],
    throttle: { rateLimit: 50, burstLimit: 100 }, summary: 'Sign in',
  }],
});

describe('route definition', () => {
  test('the repository definition loads and every route has a unique name and route key', () => {
    const def = loadApiDefinition(DEFAULT_ROUTES_FILE);
    expect(def.routes.length).toBeGreaterThan(0);
    expect(new Set(def.routes.map((r) => r.name)).size).toBe(def.routes.length);
    expect(new Set(def.routes.map(routeKey)).size).toBe(def.routes.length);
  });

  test('route key is "METHOD path"', () => {
    expect(routeKey(parseApiDefinition(good()).routes[0])).toBe('POST /auth/login');
  });

  test('an empty cognitoActions list is valid (e.g. a future GET /auth/openapi.json)', () => {
    const d = good();
    d.routes[0].cognitoActions = [];
    expect(parseApiDefinition(d).routes[0].cognitoActions).toEqual([]);
  });

  test.each([
    ['a prefixed action', (d: any) => { d.routes[0].cognitoActions = ['cognito-idp:SignUp']; }, /no "cognito-idp:" prefix/],
    ['a wildcard action', (d: any) => { d.routes[0].cognitoActions = ['*']; }, /cognitoActions/],
    ['a bad method', (d: any) => { d.routes[0].method = 'FETCH'; }, /method must be one of/],
    ['a relative path', (d: any) => { d.routes[0].path = 'auth/login'; }, /path must start with "\/"/],
    ['a duplicate route', (d: any) => { d.routes.push({ ...d.routes[0], name: 'login2' }); }, /route key "POST \/auth\/login" is declared twice/],
    ['a duplicate name', (d: any) => { d.routes.push({ ...d.routes[0], path: '/x' }); }, /declared twice/],
    ['a zero rate', (d: any) => { d.routes[0].throttle = { rateLimit: 0, burstLimit: 1 }; }, /throttle must be/],
    ['lower-case env', (d: any) => { d.routes[0].env = ['cors_origin']; }, /UPPER_SNAKE_CASE/],
    ['no routes', (d: any) => { d.routes = []; }, /empty/],
  ])('rejects %s with a message naming the fix', (_what, mutate, message) => {
    const d = good();
    mutate(d);
    expect(() => parseApiDefinition(d, 'routes.json')).toThrow(message);
  });
});
