// The drift test: verify knows the stack's shape from the construct's own definitions, so a route (cdk/routes.json) or
// a web ACL rule (lib/web-acl.ts) that no check exercises fails here, with its name.
import { loadApiDefinition } from '../../lib/route-definition';
import { ALL_CHECKS } from '../../lib/verify/checks';
import { BEARER_PROBES } from '../../lib/verify/checks/front-door';
import { MANUAL_ITEMS } from '../../lib/verify/manual';
import { GROUPS } from '../../lib/verify/types';
import { appTemplate } from './harness';

const routes = loadApiDefinition().routes;
const coveredRoutes = new Set(ALL_CHECKS.flatMap((c) => c.covers?.routes ?? []));
const coveredRules = new Set(ALL_CHECKS.flatMap((c) => c.covers?.wafRules ?? []));

test('every route of cdk/routes.json is exercised by a check', () => {
  expect(routes.map((r) => r.name).filter((n) => !coveredRoutes.has(n))).toEqual([]);
  // and no check names a route that is gone
  expect([...coveredRoutes].filter((n) => !routes.some((r) => r.name === n))).toEqual([]);
});

test('every bearer route has a probe body for id-token-refused', () => {
  expect(routes.filter((r) => r.bearerToken && !BEARER_PROBES[r.name]).map((r) => r.name)).toEqual([]);
});

test('every rule of the web ACL the construct deploys is exercised by a check', () => {
  const t = appTemplate();
  const acl = Object.values(t.Resources).find((r: any) => r.Type === 'AWS::WAFv2::WebACL' && r.Properties.Scope === 'CLOUDFRONT') as any;
  const names: string[] = acl.Properties.Rules.map((r: any) => r.Name);
  expect(names.length).toBeGreaterThan(5);
  expect(names.filter((n) => !coveredRules.has(n))).toEqual([]);
  expect([...coveredRules].filter((n) => !names.includes(n))).toEqual([]);
});

test('check ids and left-to-you ids are unique, and every check and item is in a checklist group', () => {
  const ids = [...ALL_CHECKS.map((c) => c.id), ...MANUAL_ITEMS.map((m) => m.id)];
  expect(ids.length).toBe(new Set(ids).size);
  for (const x of [...ALL_CHECKS, ...MANUAL_ITEMS]) expect(GROUPS).toContain(x.group);
});
