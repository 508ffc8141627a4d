// Starts what `make dev` starts (local Cognito, the API's local server, the demo page on another
// origin, the API reference) on free ports, by running tests/local-cognito/dev.sh in its own process
// group, and stops the whole group again. Used by the end-to-end tests.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A port nobody listens on right now (the kernel's choice). */
export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

/**
 * Runs dev.sh with PORT, DEMO_PORT and REFERENCE_PORT set; resolves once it printed its banner.
 * Returns { apiUrl, pageOrigin, appOrigin, appId, referenceUrl, cognitoUrl, output(), stop() }; stop() is safe to call twice.
 * sessionCookie: the browser session mode (SESSION_COOKIE=on); the API is then called as
 * localhost, the page's site (cookies are sent only within one site), on another port (origin).
 * demo / reference: serve the demo page (default) / the API reference (referenceUrl: the link
 * dev.sh printed), each on a free port of its own.
 * emailOtp: the local pool sends "through SES" and so offers EMAIL_OTP (EMAIL_OTP=on; the demo's
 * step 7 signs in with an emailed code).
 * secondApp: also serve the demo page as the app of cdk/apps.json with origins (APP_PORT, a free port:
 * appOrigin, appId), another origin of the same site; off: APP_PORT=0.
 */
export async function startStack({ timeoutMs = 90_000, sessionCookie = false, demo = true, reference = false, emailOtp = true, secondApp = false } = {}) {
  const port = await freePort();
  const taken = new Set([port]);
  const another = async () => {
    let p = await freePort();
    while (taken.has(p)) p = await freePort();
    taken.add(p);
    return p;
  };
  const demoPort = demo ? await another() : 0;
  const referencePort = reference ? await another() : 0;
  const appPort = secondApp ? await another() : 0;
  const pageOrigin = `http://localhost:${demoPort}`;
  const child = spawn('bash', [join(repo, 'tests/local-cognito/dev.sh')], {
    cwd: repo,
    detached: true, // its own process group: stop() signals dev.sh and everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, PORT: String(port), DEMO_PORT: String(demoPort), REFERENCE_PORT: String(referencePort),
      APP_PORT: String(appPort),
      CORS_ORIGIN: pageOrigin, SESSION_COOKIE: sessionCookie ? 'on' : 'off', EMAIL_OTP: emailOtp ? 'on' : 'off',
    },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  let exited = false;
  const exitP = once(child, 'exit').then(([code, signal]) => {
    exited = true;
    return { code, signal };
  });

  const stop = async () => {
    if (exited) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, 10_000);
    await exitP;
    clearTimeout(timer);
  };

  const ready = new Promise((resolve, reject) => {
    const check = () => {
      if (out.includes('Ctrl-C stops everything.')) resolve();
    };
    child.stdout.on('data', check);
    exitP.then(({ code, signal }) => reject(new Error(`dev.sh exited (${code ?? signal}) before it was ready:\n${out}`)));
    setTimeout(() => reject(new Error(`dev.sh was not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs).unref();
  });
  try {
    await ready;
  } catch (e) {
    await stop();
    throw e;
  }
  if (demo && !out.includes(`Demo page:       ${pageOrigin}/`)) {
    await stop();
    throw new Error(`dev.sh did not serve the demo page:\n${out}`);
  }
  const referenceUrl = out.match(/^ {2}API reference: +(http:\/\/\S+)/m)?.[1];
  if (reference && referenceUrl !== `http://localhost:${referencePort}/`) {
    await stop();
    throw new Error(`dev.sh did not print the API reference's link on port ${referencePort}:\n${out}`);
  }
  const appMatch = out.match(/^ {2}Second app: +(http:\/\/localhost:\d+)\/\?\S*&app=([a-z0-9-]+)/m);
  if (secondApp && appMatch?.[1] !== `http://localhost:${appPort}`) {
    await stop();
    throw new Error(`dev.sh did not serve the second app's page on port ${appPort}:\n${out}`);
  }
  // The emulator's own endpoint (its /_local controls: the clock the TOTP steps follow).
  const cognitoUrl = out.match(/Local Cognito: +(http:\/\/\S+)/)?.[1];
  return { apiUrl: `http://${sessionCookie ? 'localhost' : '127.0.0.1'}:${port}`, pageOrigin, appOrigin: appMatch?.[1], appId: appMatch?.[2], referenceUrl, cognitoUrl, output: () => out, stop };
}

/**
 * Debian's Chromium, headless, through playwright-core's `chromium` (each test package brings its own).
 * Playwright adds --headless, --no-sandbox (no chromiumSandbox) and a fresh temporary profile
 * (--user-data-dir); the rest keeps Chromium off the network it cannot reach here.
 */
export function launchChromium(chromium) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * For a test file: startStack(options) and Chromium (launchChromium) before its tests, both stopped after
 * them and on Ctrl-C (the stack runs in its own process group, so it must be stopped here). Returns an
 * object whose `stack` and `browser` are set once the `before` hook has run.
 */
export function stackAndBrowser(chromium, options) {
  const live = { stack: undefined, browser: undefined };
  const stopAll = async () => {
    await live.browser?.close().catch(() => {});
    await live.stack?.stop();
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => stopAll().finally(() => process.exit(130)));
  }
  before(async () => {
    live.stack = await startStack(options);
    live.browser = await launchChromium(chromium);
  });
  after(stopAll);
  return live;
}
