// The drift test: verify knows the stack's shape from the construct's own definitions, so a route (cdk/routes.json),
// a web ACL rule (lib/web-acl.ts) or a first-deploy checklist item (docs/first-deploy-checklist.md) that no check
// exercises and that is not listed as left to a person fails here, with its name.
import * as fs from 'fs';
import * as path from 'path';
import { loadApiDefinition } from '../../lib/route-definition';
import { ALL_CHECKS } from '../../lib/verify/checks';
import { BEARER_PROBES } from '../../lib/verify/checks/front-door';
import { EMULATOR_PASSKEY_LIMIT } from '../../lib/verify/checks/passkeys';
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

test('docs/first-deploy-checklist.md: each group names exactly its checks, and keeps exactly the items verify cannot check', () => {
  const page = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'first-deploy-checklist.md'), 'utf-8');
  const sections = page.split(/^## /m).slice(1);
  expect(sections.map((s) => s.split('\n')[0])).toEqual([...GROUPS]);
  for (const s of sections) {
    const group = s.split('\n')[0];
    const checked = /Checked by `verify`:([^(]*)\(/.exec(s);
    expect(checked).not.toBeNull();
    const named = [...checked![1].matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]).sort();
    expect({ group, named }).toEqual({ group, named: ALL_CHECKS.filter((c) => c.group === group).map((c) => c.id).sort() });
    // Every bullet is one item left to a person, marked with its id in MANUAL_ITEMS: an item someone adds without a
    // check or an entry there fails here ("classify it").
    const bullets = s.split('\n').filter((l) => l.startsWith('- '));
    const marked = bullets.map((b) => /^- <!-- verify: left to you, ([a-z0-9-]+) -->/.exec(b)?.[1] ?? `unmarked: ${b.slice(0, 60)}`);
    expect({ group, marked }).toEqual({ group, marked: MANUAL_ITEMS.filter((m) => m.group === group).map((m) => m.id) });
  }
});

test('the passkey limit verify expects is the emulator\'s', () => {
  const fidelity = fs.readFileSync(path.join(__dirname, '..', 'local-cognito', 'fidelity.py'), 'utf-8');
  expect(fidelity).toMatch(new RegExp(`^PASSKEY_LIMIT = ${EMULATOR_PASSKEY_LIMIT}$`, 'm'));
});
