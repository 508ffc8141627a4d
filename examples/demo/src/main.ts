// The demo page: register, verify, log in (answering a TOTP challenge when asked), userinfo,
// refresh, TOTP setup, logout, delete the account (the last two after re-entering the password). Plain DOM, no framework; every call goes through the typed client.
import { AuthApi, isChallenge, type AnyOutcome, type Challenge, type SessionMode, type Tokens } from './client.js';
import { renderPasswordless, wirePasswordless } from './passwordless.js';

/** The challenges `/auth/login/challenge` accepts (the request schema's enum). */
const ANSWERABLE = ['SOFTWARE_TOKEN_MFA', 'NEW_PASSWORD_REQUIRED'] as const;
function isAnswerable(c: string): c is (typeof ANSWERABLE)[number] {
  return (ANSWERABLE as readonly string[]).includes(c);
}

const DEFAULT_API = 'http://127.0.0.1:3000';

interface Session {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** The Cognito username (the user's sub), shown on the page. */
  username?: string;
  expiresAt: number;
}

// Tokens live in memory only: reloading the page signs the demo out (in browser session mode the
// API's cookie keeps the session, and Refresh tokens restores it).
let session: Session | null = null;
let pendingChallenge: (Challenge & { email: string }) | null = null;
let api = new AuthApi(initialApiUrl(), initialSessionMode());

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}
const input = (id: string) => $(id) as HTMLInputElement;
const button = (id: string) => $(id) as HTMLButtonElement;

function initialApiUrl(): string {
  const fromQuery = new URLSearchParams(location.search).get('api');
  return fromQuery && isHttpUrl(fromQuery) ? fromQuery : DEFAULT_API;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

// ---- rendering -----------------------------------------------------------------------------

/** Long secrets (tokens, sessions) are shortened for display: the page never shows a whole token. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) =>
        /token$|^session$/i.test(k) && typeof v === 'string' && v.length > 24
          ? [k, `${v.slice(0, 12)}… (${v.length} chars)`]
          : [k, redact(v)],
      ),
    );
  }
  return value;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Shows an outcome in a step's result box, and adds it to the request log. */
function show(outId: string, what: string, outcome: AnyOutcome): void {
  const out = $(outId);
  out.replaceChildren();
  out.dataset['seq'] = String(Number(out.dataset['seq'] ?? '0') + 1);
  out.dataset['kind'] = outcome.kind;
  delete out.dataset['status'];
  delete out.dataset['error'];
  out.hidden = false;

  const head = el('div', 'result-head');
  const body = el('pre', 'result-body');
  switch (outcome.kind) {
    case 'ok':
      out.dataset['status'] = String(outcome.status);
      head.append(el('span', 'badge ok', String(outcome.status)), ` ${what}: done`);
      body.textContent = JSON.stringify(redact(outcome.body), null, 2);
      break;
    case 'error': {
      const e = outcome.body;
      out.dataset['status'] = String(outcome.status);
      out.dataset['error'] = e.error;
      head.append(el('span', 'badge err', String(outcome.status)), ' ', el('code', 'err-code', e.error), ` ${e.message}`);
      if (e.field) head.append(' ', el('span', 'field', `field: ${e.field}`));
      body.textContent = JSON.stringify(e, null, 2);
      break;
    }
    case 'unexpected':
      out.dataset['status'] = String(outcome.status);
      head.append(el('span', 'badge err', String(outcome.status)), ` ${what}: the API answered something that is not its documented JSON`);
      body.textContent = outcome.text.slice(0, 2000);
      break;
    case 'network':
      head.append(el('span', 'badge err', 'no answer'), ` ${what}: could not reach ${api.baseUrl}`);
      body.textContent =
        `${outcome.message}\n\nIs the API running (make dev)? Is the URL right? ` +
        `Does the API's CORS_ORIGIN list this page's origin, ${location.origin}?`;
      break;
  }
  out.append(head, body);
  log(what, outcome);
}

function log(what: string, outcome: AnyOutcome): void {
  const list = $('log');
  const li = el('li', outcome.kind === 'ok' ? 'ok' : 'err');
  const time = new Date().toLocaleTimeString();
  const status = outcome.kind === 'network' ? 'no answer' : String(outcome.status);
  const code = outcome.kind === 'error' ? ` ${outcome.body.error}` : '';
  const rid = outcome.kind !== 'network' && outcome.requestId ? ` (request ${outcome.requestId})` : '';
  li.textContent = `${time}  ${what} → ${status}${code}${rid}`;
  list.prepend(li);
  while (list.children.length > 50) list.lastElementChild?.remove();
}

function renderSession(): void {
  const state = $('session-state');
  const signedIn = session !== null;
  state.dataset['signedIn'] = String(signedIn);
  if (session) {
    const mins = Math.max(0, Math.round((session.expiresAt - Date.now()) / 60000));
    state.textContent =
      `Signed in${session.username ? ` as ${session.username}` : ''}. ` +
      `Access token expires in about ${mins} min; refresh token ${refreshTokenWhere()}.`;
  } else {
    state.textContent = cookieMode()
      ? 'Signed out here. Browser session mode: Refresh tokens restores a session the API cookie still holds.'
      : 'Signed out.';
  }
  for (const id of ['btn-userinfo', 'btn-refresh', 'btn-logout', 'btn-totp-setup', 'btn-totp-verify', 'btn-delete']) {
    button(id).disabled = !signedIn;
  }
  button('btn-refresh').disabled = !cookieMode() && !session?.refreshToken;
  renderPasswordless(signedIn);
  $('challenge').hidden = pendingChallenge === null;
  if (pendingChallenge) {
    $('challenge-name').textContent = pendingChallenge.challenge;
    const totp = pendingChallenge.challenge === 'SOFTWARE_TOKEN_MFA';
    input('challenge-answer').type = totp ? 'text' : 'password';
    input('challenge-answer').autocomplete = totp ? 'one-time-code' : 'new-password';
    $('challenge-help').textContent = totp
      ? 'Enter the 6-digit code from your authenticator app.'
      : 'Cognito asks for a new password before this account can sign in.';
  }
}

function startSession(t: Tokens): void {
  session = {
    accessToken: t.accessToken,
    idToken: t.idToken ?? undefined,
    refreshToken: t.refreshToken ?? session?.refreshToken,
    username: t.username ?? session?.username,
    expiresAt: Date.now() + t.expiresIn * 1000,
  };
  pendingChallenge = null;
}

// ---- actions ---------------------------------------------------------------------------------

const email = () => input('email').value.trim();
const password = () => input('password').value;

/** Runs an action with its button disabled, so a double click sends one request. */
function on(id: string, action: () => Promise<void>): void {
  const b = button(id);
  b.addEventListener('click', async (ev) => {
    ev.preventDefault();
    if (b.dataset['busy']) return;
    b.dataset['busy'] = '1';
    b.disabled = true;
    try {
      await action();
    } finally {
      delete b.dataset['busy'];
      b.disabled = false;
      renderSession();
    }
  });
}

function wire(): void {
  const apiInput = input('api-url');
  apiInput.value = api.baseUrl;
  const applyApi = () => {
    const v = apiInput.value.trim();
    if (!isHttpUrl(v)) {
      apiInput.setCustomValidity('An http:// or https:// URL');
      apiInput.reportValidity();
      return;
    }
    apiInput.setCustomValidity('');
    api = new AuthApi(v, api.sessionMode);
    const q = new URLSearchParams(location.search);
    q.set('api', v);
    history.replaceState(null, '', `?${q}`);
    renderApi();
  };
  $('api-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    applyApi();
  });
  renderApi();
  wireSessionMode();

  on('btn-register', async () => {
    show('out-register', 'register', await api.register({ email: email(), password: password() }));
  });
  on('btn-verify', async () => {
    show('out-verify', 'verify', await api.verify({ email: email(), code: input('verify-code').value.trim() }));
  });
  on('btn-resend', async () => {
    show('out-verify', 'resend code', await api.resend({ email: email() }));
  });
  on('btn-login', async () => {
    const r = await api.login({ email: email(), password: password() });
    if (r.kind === 'ok') {
      if (isChallenge(r.body)) {
        pendingChallenge = { ...r.body, email: email() };
      } else {
        startSession(r.body);
      }
    }
    show('out-login', 'log in', r);
  });
  on('btn-challenge', async () => {
    if (!pendingChallenge) return;
    const challenge = pendingChallenge.challenge;
    if (!isAnswerable(challenge)) {
      $('challenge-help').textContent = `This page cannot answer the ${challenge} challenge.`;
      return;
    }
    const r = await api.loginChallenge({
      email: pendingChallenge.email,
      challenge,
      session: pendingChallenge.session,
      answer: input('challenge-answer').value.trim(),
    });
    if (r.kind === 'ok') {
      if (isChallenge(r.body)) pendingChallenge = { ...r.body, email: pendingChallenge.email };
      else startSession(r.body);
      input('challenge-answer').value = '';
    } else if (r.kind === 'error' && r.status === 401) {
      pendingChallenge = null; // the session is spent: log in again
    }
    show('out-login', 'answer challenge', r);
  });
  on('btn-userinfo', async () => {
    if (!session) return;
    show('out-session', 'userinfo', await api.userinfo(session.accessToken));
  });
  on('btn-refresh', async () => {
    if (cookieMode()) return refreshFromCookie();
    if (!session?.refreshToken) return;
    // The answer carries a new refresh token (rotation): startSession keeps it in place of this one.
    const r = await api.refresh({ refreshToken: session.refreshToken });
    if (r.kind === 'ok') startSession(r.body);
    show('out-session', 'refresh', r);
  });
  on('btn-logout', async () => {
    if (!session) return;
    const r = await api.logout(
      session.accessToken,
      session.refreshToken ? { refreshToken: session.refreshToken } : undefined,
    );
    if (r.kind === 'ok' || (r.kind === 'error' && r.status === 401)) {
      session = null;
      clearTotpSecret();
    }
    show('out-session', 'log out', r);
  });
  on('btn-totp-setup', async () => {
    if (!session) return;
    // Replacing the authenticator needs the current password, not just the token.
    const r = await api.totpSetup(session.accessToken, { currentPassword: input('totp-current-password').value });
    input('totp-current-password').value = '';
    const box = $('totp-secret-box');
    if (r.kind === 'ok') {
      $('totp-secret').textContent = r.body.secret;
      $('totp-uri').textContent = r.body.otpauthUri;
      $('totp-local-hint').textContent =
        `.venv/bin/python -c "import pyotp; print(pyotp.TOTP('${r.body.secret}').now())"`;
      box.hidden = false;
    }
    show('out-totp', 'TOTP setup', r);
  });
  on('btn-totp-verify', async () => {
    if (!session) return;
    const r = await api.totpVerify(session.accessToken, { code: input('totp-code').value.trim(), deviceName: 'demo page' });
    if (r.kind === 'ok') input('totp-code').value = '';
    show('out-totp', 'TOTP verify', r);
  });
  on('btn-delete', async () => {
    if (!session) return;
    const r = await api.deleteUser(session.accessToken, { currentPassword: input('delete-current-password').value });
    input('delete-current-password').value = '';
    if (r.kind === 'ok') {
      session = null;
      clearTotpSecret();
    }
    show('out-delete', 'delete account', r);
  });
  wirePasswordless({
    api: () => api,
    accessToken: () => session?.accessToken ?? null,
    signIn: startSession,
    show,
    on,
    email,
  });
  renderSession();
}

/** The enrolment secret is shown once, while signed in; it goes with the session. */
function clearTotpSecret(): void {
  $('totp-secret-box').hidden = true;
  for (const id of ['totp-secret', 'totp-uri', 'totp-local-hint']) $(id).textContent = '';
}

// ---- browser session mode ------------------------------------------------------------------
// The API's opt-in cookie mode: it answers the refresh token as an HttpOnly cookie (never in the
// JSON body, never readable here), reads it on refresh and logout, and clears it on logout. The
// page sends every call with credentials and the X-Requested-With header (client.ts).

function initialSessionMode(): SessionMode {
  return new URLSearchParams(location.search).get('session') === 'cookie' ? 'cookie' : 'bearer';
}

function cookieMode(): boolean {
  return api.sessionMode === 'cookie';
}

function refreshTokenWhere(): string {
  if (cookieMode()) return 'in the API\'s HttpOnly cookie (not readable by this page)';
  return session?.refreshToken ? 'held' : 'not held';
}

function wireSessionMode(): void {
  const box = input('session-cookie');
  box.checked = cookieMode();
  box.addEventListener('change', () => {
    api = new AuthApi(api.baseUrl, box.checked ? 'cookie' : 'bearer');
    const q = new URLSearchParams(location.search);
    if (box.checked) q.set('session', 'cookie');
    else q.delete('session');
    history.replaceState(null, '', `?${q}`);
    session = null; // the other mode's tokens are not this mode's session
    renderSession();
  });
}

/** New tokens from the cookie: also what restores the session after a reload. */
async function refreshFromCookie(): Promise<void> {
  const r = await api.refreshFromCookie();
  if (r.kind === 'ok') startSession(r.body);
  show('out-session', 'refresh (cookie)', r);
}

function renderApi(): void {
  $('page-origin').textContent = location.origin;
  const doc = $('openapi-link') as HTMLAnchorElement;
  doc.href = api.url('/auth/openapi.json');
  doc.textContent = api.url('/auth/openapi.json');
}

wire();
