// What the demo page tests share: what counts as a failure on the page, pressing a step's button and
// reading its result box, and steps that stop the flow at the first failure. Used by the cross-origin
// flow and the passkey test of demo.e2e.mjs.
import assert from 'node:assert/strict';

/**
 * Watches `page` (the demo page on `pageOrigin`, calling the API at `apiUrl`) within the test `t`.
 * A failure is a console error, a page error, a failed request, an API answer without the CORS header for
 * `pageOrigin`, or an API response >= 400 that the test did not announce with expectFailure(method, path,
 * status) (announced ones are consumed in order as they arrive). checkNoProblems() is the test's last step.
 */
export function flowPage(t, page, { apiUrl, pageOrigin }) {
  const problems = [];
  const consoleErrors = [];
  /** Responses the test provokes on purpose. */
  const expectedFailures = [];
  const provoked = []; // { url, status } of the provoked ones that did arrive
  const expectFailure = (method, path, status) => expectedFailures.push({ method, path, status });

  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push({ text: msg.text(), url: msg.location()?.url ?? '' });
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  page.on('response', async (resp) => {
    const req = resp.request();
    const url = new URL(resp.url());
    const isApi = url.origin === new URL(apiUrl).origin;
    if (isApi) {
      const acao = (await resp.allHeaders())['access-control-allow-origin'];
      if (acao !== pageOrigin) problems.push(`${req.method()} ${url.pathname}: Access-Control-Allow-Origin is ${acao}, not ${pageOrigin}`);
    }
    if (resp.status() < 400) return;
    const i = expectedFailures.findIndex((e) => isApi && e.method === req.method() && e.path === url.pathname && e.status === resp.status());
    if (i === -1) {
      problems.push(`unexpected ${resp.status()} from ${req.method()} ${resp.url()}: ${await resp.text().catch(() => '')}`);
    } else {
      expectedFailures.splice(i, 1);
      provoked.push({ url: resp.url(), status: resp.status() });
    }
  });

  /** Clicks a button and waits for the step's result box to show a new result. */
  const act = async (buttonId, outId) => {
    const before = (await page.getAttribute(`#${outId}`, 'data-seq')) ?? '';
    await page.click(`#${buttonId}`);
    await page.waitForFunction(
      ([id, seq]) => (document.getElementById(id)?.dataset.seq ?? '') !== seq,
      [outId, before],
      { timeout: 15_000 },
    );
    const out = page.locator(`#${outId}`);
    return {
      kind: await out.getAttribute('data-kind'),
      status: Number(await out.getAttribute('data-status')),
      error: await out.getAttribute('data-error'),
      text: await out.innerText(),
    };
  };
  const expectOk = (r, status, what) => assert.equal(`${r.kind} ${r.status}`, `ok ${status}`, `${what}: ${r.text}`);
  const expectErr = (r, status, code, what) => assert.equal(`${r.kind} ${r.status} ${r.error}`, `error ${status} ${code}`, `${what}: ${r.text}`);
  const signedIn = async () => (await page.getAttribute('#session-state', 'data-signed-in')) === 'true';

  /** One step of the flow; after a failed step the rest are reported as skipped. */
  let failed = false;
  const step = async (name, fn) => {
    if (failed) return t.test(name, { skip: 'an earlier step failed' }, () => {});
    return t.test(name, async () => {
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    });
  };

  const checkNoProblems = () =>
    t.test('no console error, page error, failed request or unexpected error response', async () => {
      await page.waitForTimeout(200); // let late events arrive
      assert.deepEqual(expectedFailures, [], 'every provoked failure happened');
      // Chromium logs "Failed to load resource: ... status of 4xx" for the provoked responses: only those are allowed.
      const allowed = (c) => provoked.some((p) => c.url === p.url && c.text.includes(`status of ${p.status}`));
      const unexpectedConsole = consoleErrors.filter((c) => !allowed(c)).map((c) => `console error: ${c.text} (${c.url})`);
      assert.deepEqual([...problems, ...unexpectedConsole], []);
    });

  return { expectFailure, act, expectOk, expectErr, signedIn, step, failed: () => failed, checkNoProblems };
}
