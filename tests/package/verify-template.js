// What every consumer app of a package must synthesize (tests/package/check.js runs it on the npm consumers and on the
// Python app): every route's function on the packaged zip (the staged asset's sha256 is the manifest's), IAM equal to
// the route's declared Cognito actions less the token-only ones, throttles as the definition says with the app's
// overrides (API Gateway route settings without the front door, the web ACL's CONSTANT quota rules with it).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const count = (res, type) => Object.values(res).filter((r) => r.Type === type).length;

/**
 * Check one synthesized stack. `pkg` is what the package says about itself: `version`, `manifest` (its
 * dist/artifact/manifest.json), `routes` (its cdk/routes.json), `tokenOnlyActions`, `quotaCategoryActions` and
 * `quotaRateRules` (the package's own code). `s` is a synth result: { status, seconds, output, dir }.
 */
function verifyTemplate(check, label, stackName, s, pkg, expect) {
  if (!check(`${label}: cdk synth with no Rust toolchain`, s.status === 0, `${s.seconds.toFixed(1)} s`)) {
    console.error(s.output.slice(-4000));
    return undefined;
  }
  const tpl = JSON.parse(fs.readFileSync(path.join(s.dir, `${stackName}.template.json`), 'utf-8'));
  const assets = JSON.parse(fs.readFileSync(path.join(s.dir, `${stackName}.assets.json`), 'utf-8'));
  const { manifest, routes } = pkg;
  const res = tpl.Resources;
  const fns = Object.entries(res).filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'bootstrap');
  check(`${label}: one function per route of the shipped definition`, fns.length === routes.length, `${fns.length} functions, ${routes.length} routes`);

  // Every function's code is the packaged zip: same S3 object, and the staged file is byte-identical to the manifest's.
  const keys = new Set(fns.map(([, f]) => f.Properties.Code.S3Key));
  const hash = [...keys][0]?.replace(/\.zip$/, '');
  const src = assets.files?.[hash]?.source;
  const staged = src ? path.join(s.dir, src.path) : '';
  check(`${label}: every function runs the packaged artifact (one asset, sha256 = manifest)`,
    keys.size === 1 && src?.packaging === 'file' && fs.existsSync(staged) && sha256(staged) === manifest.artifacts.x86_64.sha256,
    `${keys.size} asset(s), ${src ? src.path : 'no asset entry'}`);
  const fnOk = fns.every(([, f]) => f.Properties.Runtime === 'provided.al2023' && JSON.stringify(f.Properties.Architectures) === '["x86_64"]' &&
    f.Properties.MemorySize === expect.memorySize && f.Properties.Timeout === expect.timeout &&
    (f.Properties.Tags || []).some((t) => t.Key === 'cognito-auth-api:version' && t.Value === pkg.version) &&
    (f.Properties.Tags || []).some((t) => t.Key === 'cognito-auth-api:artifact-sha256' && t.Value === manifest.artifacts.x86_64.sha256));
  check(`${label}: provided.al2023, x86_64, memory ${expect.memorySize} MB, timeout ${expect.timeout} s, version and sha256 tags`, fnOk);
  check(`${label}: the version output says ${pkg.version}`, tpl.Outputs?.AuthVersion?.Value === pkg.version, JSON.stringify(tpl.Outputs?.AuthVersion?.Value));

  // IAM: each function's role allows exactly its route's cognito-idp actions, on the user pool only.
  const routeByKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  const iamErrors = [];
  const integrationOf = (fnId) => Object.entries(res).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration' &&
    JSON.stringify(r.Properties.IntegrationUri) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }))?.[0];
  const routeKeyOf = (integrationId) => Object.values(res).find((r) => r.Type === 'AWS::ApiGatewayV2::Route' &&
    JSON.stringify(r.Properties.Target).includes(`"${integrationId}"`))?.Properties.RouteKey;
  for (const [id, f] of fns) {
    const key = routeKeyOf(integrationOf(id));
    const route = routeByKey.get(key);
    if (!route) { iamErrors.push(`${id}: no route`); continue; }
    const role = res[f.Properties.Role['Fn::GetAtt'][0]];
    const stmts = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const cognito = stmts.filter((st) => [].concat(st.Action).some((a) => a.startsWith('cognito-idp:')));
    const actions = cognito.flatMap((st) => [].concat(st.Action)).sort();
    // Less the operations IAM cannot grant (the WebAuthn ones, authorized by the access token alone), as the package lists them.
    const want = route.cognitoActions.filter((a) => !pkg.tokenOnlyActions.includes(a)).map((a) => `cognito-idp:${a}`).sort();
    if (JSON.stringify(actions) !== JSON.stringify(want)) iamErrors.push(`${route.name}: ${actions} != ${want}`);
    if (cognito.some((st) => !JSON.stringify(st.Resource).includes(expect.poolArnPart))) iamErrors.push(`${route.name}: resource is not the pool`);
    if (stmts.some((st) => [].concat(st.Action).some((a) => a.includes('*')) || JSON.stringify(st.Resource) === '"*"')) iamErrors.push(`${route.name}: wildcard`);
  }
  check(`${label}: IAM per function = its route's cognitoActions (less the token-only ones) on the pool, no wildcards`, iamErrors.length === 0, iamErrors.slice(0, 5).join('; '));

  // Throttles: the definition's, with the consumer's overrides. Without the front door they are API Gateway route
  // settings; with it they become the web ACL's CONSTANT rate rules (the sum of each rule's routes' rateLimit over
  // the rule's window), and API Gateway keeps only the stage's limit.
  const throttleOf = (r) => expect.routeThrottles[r.name] ?? r.throttle;
  const stage = Object.values(res).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage').Properties;
  const thErrors = [];
  if (!expect.frontDoor) {
    for (const r of routes) {
      const want = throttleOf(r);
      const got = stage.RouteSettings?.[`${r.method} ${r.path}`];
      if (!got || got.ThrottlingRateLimit !== want.rateLimit || got.ThrottlingBurstLimit !== want.burstLimit) thErrors.push(`${r.name}: ${JSON.stringify(got)}`);
    }
  } else {
    // The shipped quotaRateRules() (a rule per category, refresh's own, merges within WAF's 10 rate-based rules): each
    // rule's limit is the sum of its routes' throttles with the overrides, and every route calling a category is counted.
    const acl = Object.values(res).find((r) => r.Type === 'AWS::WAFv2::WebACL' && r.Properties.Scope === 'CLOUDFRONT')?.Properties;
    const quotaRules = pkg.quotaRateRules(routes, undefined, throttleOf);
    for (const q of quotaRules) {
      const rps = routes.filter((r) => q.routes.includes(r.name)).reduce((sum, r) => sum + throttleOf(r).rateLimit, 0);
      const rule = acl?.Rules.find((x) => x.Name === `Quota${q.name}`)?.Statement.RateBasedStatement;
      const want = rule && Math.max(10, Math.floor(rps * rule.EvaluationWindowSec));
      if (!rule || rule.AggregateKeyType !== 'CONSTANT' || rule.Limit !== want) thErrors.push(`${q.name}: ${rps} rps -> want ${want}, got ${JSON.stringify(rule && rule.Limit)}`);
    }
    for (const [category, actions] of Object.entries(pkg.quotaCategoryActions)) {
      for (const r of routes.filter((x) => x.cognitoActions.some((a) => actions.includes(a)))) {
        if (!quotaRules.some((q) => q.routes.includes(r.name))) thErrors.push(`${category}: ${r.name} counted by no quota rule`);
      }
    }
    // Only the routes that call the pool's token endpoint (federated sign-in) keep route settings with the front door on:
    // the web ACL has no room for another quota rule (WAF's 10 rate-based rules), so their API Gateway throttles hold the
    // UserFederation budget (lib/cognito-quotas.ts POOL_ENDPOINT_ROUTES); every other route has none.
    const keep = routes.filter((r) => r.name in pkg.poolEndpointRoutes);
    for (const key of Object.keys(stage.RouteSettings ?? {})) {
      if (!keep.some((r) => `${r.method} ${r.path}` === key)) thErrors.push(`route settings for ${key} with the front door on`);
    }
    for (const r of keep) {
      const want = throttleOf(r);
      const got = stage.RouteSettings?.[`${r.method} ${r.path}`];
      if (!got || got.ThrottlingRateLimit !== want.rateLimit || got.ThrottlingBurstLimit !== want.burstLimit) thErrors.push(`${r.name} (token endpoint): ${JSON.stringify(got)}`);
    }
  }
  const d = stage.DefaultRouteSettings;
  if (d?.ThrottlingRateLimit !== expect.stageThrottle.rateLimit || d?.ThrottlingBurstLimit !== expect.stageThrottle.burstLimit) thErrors.push(`stage default ${JSON.stringify(d)}`);
  check(`${label}: throttles as the definition says, with the props' overrides (${Object.keys(expect.routeThrottles).join(', ')})${expect.frontDoor ? ', as web ACL quota rules' : ''}`,
    thErrors.length === 0, thErrors.slice(0, 5).join('; '));
  for (const [what, ok] of expect.extra(res)) check(`${label}: ${what}`, ok);
  console.log(`     ${label}: synth ${s.seconds.toFixed(1)} s`);
  return tpl;
}

module.exports = { verifyTemplate, count, sha256 };
