// The demo page's sign-in without a password (step 7): "Sign in with a passkey", "Email me a code",
// and, signed in, "Add a passkey", the list of passkeys and deleting one. The client package does
// the ceremonies (options JSON → navigator.credentials → the API) in one call each.
import type { AuthClient, EmailCodeChallenge } from 'cognito-auth-api-client';

/** What this step needs from the page (main.ts). */
export interface PageContext {
  client(): AuthClient;
  run<T>(outId: string, what: string, call: () => Promise<T>): Promise<T | null>;
  on(buttonId: string, action: () => Promise<void>): void;
  email(): string;
}

/** The emailed-code sign-in in progress: its challenge, answered with the code. */
let pendingCode: EmailCodeChallenge | null = null;

function $(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
}
const field = (id: string) => $(id) as HTMLInputElement;

export function renderPasswordless(signedIn: boolean): void {
  for (const id of ['btn-passkey-add', 'btn-passkeys-list']) ($(id) as HTMLButtonElement).disabled = !signedIn;
  $('email-code-form').hidden = pendingCode === null;
  if (!signedIn) $('passkey-list').replaceChildren();
}

export function wirePasswordless(page: PageContext): void {
  page.on('btn-passkey-signin', async () => {
    await page.run('out-passwordless', 'passkey sign-in', () => page.client().signInWithPasskey({ email: page.email() }));
  });

  page.on('btn-email-code', async () => {
    const step = await page.run('out-passwordless', 'email me a code', () => page.client().signInWithEmailCode({ email: page.email() }));
    pendingCode = step?.kind === 'challenge' && step.challenge === 'EMAIL_OTP' ? step : null;
    $('email-code-destination').textContent = pendingCode?.destination ?? 'your address';
  });

  page.on('btn-email-code-signin', async () => {
    const challenge = pendingCode;
    if (!challenge) return;
    const step = await page.run('out-passwordless', 'sign in with the code', () => challenge.answer(field('email-code').value.trim()));
    if (step?.kind === 'signedIn') {
      pendingCode = null;
      field('email-code').value = '';
    } else if (step === null && $('out-passwordless').dataset['error'] === 'invalid_session') {
      pendingCode = null; // the challenge session is spent or expired: ask for a new code
    }
  });

  page.on('btn-passkey-add', async () => {
    // Adding a passkey needs the current password, like TOTP setup: a stolen token alone cannot.
    const currentPassword = field('passkey-current-password').value;
    field('passkey-current-password').value = '';
    const r = await page.run('out-passkeys', 'add a passkey', () => page.client().registerPasskey({ currentPassword }));
    if (r) await listPasskeys(page, false);
  });

  page.on('btn-passkeys-list', async () => listPasskeys(page, true));
}

/** Lists the user's passkeys, each with a delete button. */
async function listPasskeys(page: PageContext, showResult: boolean): Promise<void> {
  const auth = page.client();
  const list = $('passkey-list');
  const r = showResult ? await page.run('out-passkeys', 'list passkeys', () => auth.api.passkeysList()) : await auth.api.passkeysList().catch(() => null);
  list.replaceChildren();
  if (!r) return;
  for (const p of r.passkeys) {
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
      const d = await page.run('out-passkeys', 'delete a passkey', () => auth.api.passkeyDelete({ credentialId: p.credentialId }));
      if (d) await listPasskeys(page, false);
      else del.disabled = false;
    });
    li.append(label, del);
    list.append(li);
  }
}
