// Starts what `make dev` starts (local Cognito, the API's local server, the demo page on another
// origin) on free ports, by running tests/local-cognito/dev.sh in its own process group, and stops
// the whole group again. Used by the end-to-end test.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
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
 * Runs dev.sh with PORT and DEMO_PORT set; resolves once it printed its banner.
 * Returns { apiUrl, pageOrigin, output(), stop() }; stop() is safe to call twice.
 * sessionCookie: the browser session mode (SESSION_COOKIE=on); the API is then called as
 * localhost, the page's site (cookies are sent only within one site), on another port (origin).
 */
export async function startStack({ timeoutMs = 90_000, sessionCookie = false } = {}) {
  const port = await freePort();
  let demoPort = await freePort();
  while (demoPort === port) demoPort = await freePort();
  const pageOrigin = `http://localhost:${demoPort}`;
  const child = spawn('bash', [join(repo, 'tests/local-cognito/dev.sh')], {
    cwd: repo,
    detached: true, // its own process group: stop() signals dev.sh and everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), DEMO_PORT: String(demoPort), CORS_ORIGIN: pageOrigin, SESSION_COOKIE: sessionCookie ? 'on' : 'off' },
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
  if (!out.includes(`Demo page:       ${pageOrigin}/`)) {
    await stop();
    throw new Error(`dev.sh did not serve the demo page:\n${out}`);
  }
  return { apiUrl: `http://${sessionCookie ? 'localhost' : '127.0.0.1'}:${port}`, pageOrigin, output: () => out, stop };
}
