/**
 * The passkey (WebAuthn) relying-party id of the user pool: a domain of the frontend where `navigator.credentials`
 * runs, not the API's host (https://www.w3.org/TR/webauthn-3/#rp-id). A passkey works on the relying-party id and
 * its subdomains, so the frontend's registrable domain (`example.com` for `app.example.com` and `www.example.com`)
 * is the usual choice; only the operator can say which domain that is (telling `example.co.uk` from `co.uk` needs
 * the Public Suffix List, which this package does not carry: it has no runtime dependencies).
 *
 * Default: the one host of `corsOrigins`, which is always a valid relying-party id for that frontend. `localhost`
 * origins are left out when others are present (they are for local development); with only `localhost` origins the
 * id is `localhost`. Origins on several hosts are ambiguous: synth fails and says what to set.
 */
export function defaultPasskeyRelyingPartyId(corsOrigins: readonly string[]): string {
  const hosts = [...new Set(corsOrigins.map((o) => new URL(o).hostname))];
  const remote = hosts.filter((h) => h !== 'localhost');
  if (remote.length === 0) return 'localhost';
  if (remote.length > 1) {
    throw new Error(
      `CognitoAuthApi: corsOrigins name several hosts (${remote.join(', ')}), so the passkey relying-party id is ambiguous. ` +
        'Set passkeyRelyingPartyId to the registrable domain they share (e.g. "example.com" for app.example.com and www.example.com); ' +
        'passkeys work on that domain and its subdomains only.',
    );
  }
  if (/^[0-9.]+$/.test(remote[0]) || remote[0].startsWith('[')) {
    throw new Error(`CognitoAuthApi: corsOrigins' host ${remote[0]} is an IP address, which cannot be a passkey relying-party id. Set passkeyRelyingPartyId.`);
  }
  return remote[0];
}

/** Checks an explicit relying-party id: a lower-case host name, no scheme, port or path. */
export function validatePasskeyRelyingPartyId(id: string): string {
  const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
  if (!new RegExp(`^${label}(?:\\.${label})*$`).test(id) || id.length > 253) {
    throw new Error(`CognitoAuthApi: passkeyRelyingPartyId must be a lower-case domain name such as "example.com" (no scheme, port or path); got "${id}".`);
  }
  return id;
}
