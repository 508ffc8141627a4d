// The demo page's sign-in without a password (step 7): "Sign in with a passkey", "Email me a code",
// and, signed in, "Add a passkey", the list of passkeys and deleting one. The browser's own
// WebAuthn JSON helpers do the encoding (PublicKeyCredential.parseCreationOptionsFromJSON /
// parseRequestOptionsFromJSON and credential.toJSON(), https://www.w3.org/TR/webauthn-3/#sctn-parseCreationOptionsFromJSON),
// so the page sends the API exactly the standard RegistrationResponseJSON / AuthenticationResponseJSON.
import { isChallenge, type AnyOutcome, type AuthApi, type Tokens } from './client.js';

/** What this step needs from the page (main.ts). */
export interface PageContext {
  api(): AuthApi;
  /** The signed-in session's access token, or null when signed out. */
  accessToken(): string | null;
  signIn(tokens: Tokens): void;
  show(outId: string, what: string, outcome: AnyOutcome): void;
  on(buttonId: string, action: () => Promise<void>): void;
  email(): string;
}

/** The emailed-code sign-in in progress: login/start answered EMAIL_OTP with this session. */
let pendingCode: { email: string; session: string } | null = null;

function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
}
const field = (id: string) => $(id) as HTMLInputElement;

/** A WebAuthn ceremony the browser refused or the user cancelled: shown like an API outcome. */
function browserRefusal(what: string, e: unknown): AnyOutcome {
  const name = e instanceof DOMException ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'network', message: `${what}: the browser refused (${name}: ${message})` };
}

export function renderPasswordless(signedIn: boolean): void {
  for (const id of ['btn-passkey-add', 'btn-passkeys-list']) ($(id) as HTMLButtonElement).disabled = !signedIn;
  $('email-code-form').hidden = pendingCode === null;
  if (!signedIn) $('passkey-list').replaceChildren();
}

export function wirePasswordless(page: PageContext): void {
  page.on('btn-passkey-signin', async () => {
    const email = page.email();
    const start = await page.api().loginStart({ email, preferredChallenge: 'WEB_AUTHN' });
    if (start.kind !== 'ok' || !isChallenge(start.body) || start.body.challenge !== 'WEB_AUTHN' || !start.body.credentialRequestOptions) {
      page.show('out-passwordless', 'passkey sign-in (start)', start);
      return;
    }
    let credential: PublicKeyCredential;
    try {
      const options = PublicKeyCredential.parseRequestOptionsFromJSON(start.body.credentialRequestOptions as unknown as PublicKeyCredentialRequestOptionsJSON);
      credential = (await navigator.credentials.get({ publicKey: options })) as PublicKeyCredential;
    } catch (e) {
      page.show('out-passwordless', 'passkey sign-in', browserRefusal('navigator.credentials.get', e));
      return;
    }
    const r = await page.api().loginChallenge({
      email,
      challenge: 'WEB_AUTHN',
      session: start.body.session,
      credential: credential.toJSON() as Record<string, unknown>,
    });
    if (r.kind === 'ok' && !isChallenge(r.body)) page.signIn(r.body);
    page.show('out-passwordless', 'passkey sign-in', r);
  });

  page.on('btn-email-code', async () => {
    const email = page.email();
    const r = await page.api().loginStart({ email, preferredChallenge: 'EMAIL_OTP' });
    pendingCode = r.kind === 'ok' && isChallenge(r.body) && r.body.challenge === 'EMAIL_OTP' ? { email, session: r.body.session } : null;
    $('email-code-destination').textContent =
      r.kind === 'ok' && isChallenge(r.body) && r.body.codeDeliveryDestination ? r.body.codeDeliveryDestination : 'your address';
    page.show('out-passwordless', 'email me a code', r);
  });

  page.on('btn-email-code-signin', async () => {
    if (!pendingCode) return;
    const r = await page.api().loginChallenge({
      email: pendingCode.email,
      challenge: 'EMAIL_OTP',
      session: pendingCode.session,
      answer: field('email-code').value.trim(),
    });
    if (r.kind === 'ok' && !isChallenge(r.body)) {
      page.signIn(r.body);
      pendingCode = null;
      field('email-code').value = '';
    } else if (r.kind === 'error' && r.status === 401) {
      pendingCode = null; // the session is spent or expired: ask for a new code
    }
    page.show('out-passwordless', 'sign in with the code', r);
  });

  page.on('btn-passkey-add', async () => {
    const token = page.accessToken();
    if (!token) return;
    // Adding a passkey needs the current password, like TOTP setup: a stolen token alone cannot.
    const start = await page.api().passkeyRegisterStart(token, { currentPassword: field('passkey-current-password').value });
    field('passkey-current-password').value = '';
    if (start.kind !== 'ok') {
      page.show('out-passkeys', 'add a passkey (start)', start);
      return;
    }
    let credential: PublicKeyCredential;
    try {
      const options = PublicKeyCredential.parseCreationOptionsFromJSON(start.body.options as unknown as PublicKeyCredentialCreationOptionsJSON);
      credential = (await navigator.credentials.create({ publicKey: options })) as PublicKeyCredential;
    } catch (e) {
      page.show('out-passkeys', 'add a passkey', browserRefusal('navigator.credentials.create', e));
      return;
    }
    const r = await page.api().passkeyRegisterComplete(token, { credential: credential.toJSON() as Record<string, unknown> });
    page.show('out-passkeys', 'add a passkey', r);
    if (r.kind === 'ok') await listPasskeys(page, token, false);
  });

  page.on('btn-passkeys-list', async () => {
    const token = page.accessToken();
    if (token) await listPasskeys(page, token, true);
  });
}

/** Lists the user's passkeys, each with a delete button. */
async function listPasskeys(page: PageContext, token: string, showResult: boolean): Promise<void> {
  const r = await page.api().passkeys(token);
  if (showResult || r.kind !== 'ok') page.show('out-passkeys', 'list passkeys', r);
  const list = $('passkey-list');
  list.replaceChildren();
  if (r.kind !== 'ok') return;
  for (const p of r.body.passkeys) {
    const li = document.createElement('li');
    li.dataset['credentialId'] = p.credentialId;
    const label = document.createElement('span');
    label.textContent = `${p.friendlyName} (${p.authenticatorAttachment ?? 'unknown attachment'}, added ${p.createdAt}) `;
    const del = document.createElement('button');
    del.type = 'button';
    del.className = 'secondary';
    del.textContent = 'Delete';
    del.addEventListener('click', async () => {
      del.disabled = true;
      const d = await page.api().passkeyDelete(token, { credentialId: p.credentialId });
      page.show('out-passkeys', 'delete a passkey', d);
      if (d.kind === 'ok') await listPasskeys(page, token, false);
      else del.disabled = false;
    });
    li.append(label, del);
    list.append(li);
  }
}
