// End-to-end: the browsable API reference that `make dev` serves (examples/api-reference: cdk/openapi.json
// in Swagger UI), in headless Debian Chromium driven by playwright-core. dev.sh is started as `make dev`
// runs it (on free ports, no demo page) and the test follows the link it prints. It fails unless the page
// shows every route of cdk/routes.json (method and path), renders a route's request body and answers,
// loads the same document as cdk/openapi.json, and makes no request outside its own origin (each one is
// recorded and refused here; the page's Content-Security-Policy refuses them too), with no console
// error, page error or failed request. Ends with a screenshot in tests/e2e/screenshots/.
//
// Run: make e2e-reference (installs what it needs). Env: CHROMIUM (default /usr/bin/chromium).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { repo, stackAndBrowser } from './stack.mjs';

// The browser driver is the reference package's dev dependency.
const require = createRequire(join(repo, 'examples/api-reference/package.json'));
const { chromium } = require('playwright-core');

const routes = JSON.parse(readFileSync(join(repo, 'cdk/routes.json'), 'utf-8')).routes;
const openapi = JSON.parse(readFileSync(join(repo, 'cdk/openapi.json'), 'utf-8'));
const SHOTS = join(repo, 'tests/e2e/screenshots');

const live = stackAndBrowser(chromium, { demo: false, reference: true });

test('make dev links the API reference, which shows every route with no request off its own origin', { timeout: 120_000 }, async () => {
  const { referenceUrl } = live.stack;
  const origin = new URL(referenceUrl).origin;
  const context = await live.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();

  const offOrigin = [];
  const problems = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
    offOrigin.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!offOrigin.includes(req.url())) problems.push(`request failed: ${req.url()}: ${req.failure()?.errorText}`);
  });
  const served = page.waitForResponse((r) => r.url() === `${origin}/openapi.json`);

  const answer = await page.goto(referenceUrl);
  assert.equal(answer.status(), 200);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'none'/, 'the page forbids every origin but its own');
  assert.deepEqual(await (await served).json(), openapi, 'the page loads the document of cdk/openapi.json');

  // Every route of the definition, as Swagger UI lays out an operation: its method and its path.
  await page.locator('.opblock').first().waitFor(); // Swagger UI renders every operation at once
  const shown = await page.locator('.opblock-summary').evaluateAll((els) =>
    els.map((el) => `${el.querySelector('.opblock-summary-method')?.textContent.trim()} ${el.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`));
  for (const r of routes) assert.ok(shown.includes(`${r.method} ${r.path}`), `the reference lacks ${r.method} ${r.path} (shows: ${shown.join(', ')})`);
  assert.equal(shown.length, routes.length, `one operation per route: ${shown.join(', ')}`);
  assert.match(await page.locator('.info .title').innerText(), new RegExp(openapi.info.title));

  // A route opened: its request body and its answers, error codes included.
  const login = page.locator('.opblock', { has: page.locator('.opblock-summary-path[data-path="/auth/login"]') }).filter({ hasText: 'POST' });
  await login.locator('.opblock-summary').first().click();
  const body = login.locator('.opblock-body');
  await body.locator('.responses-table').waitFor();
  const text = await body.innerText();
  for (const expected of ['Request body', 'application/json', '200', '401', '429']) {
    assert.ok(text.includes(expected), `the opened login operation shows ${expected}`);
  }
  assert.equal(await login.locator('.try-out__btn').count(), 0, 'no "Try it out": a reference page, not a client');

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'api-reference.png'), fullPage: false });
  assert.deepEqual(offOrigin, [], 'requests outside the page\'s own origin');
  assert.deepEqual(problems, []);
  await context.close();
});
