// The local identity providers' test users (make dev prints them; the tests sign in as them).
// One password for all. `sub` is each provider's stable subject identifier.
export const PASSWORD = 'idp-Passw0rd!';

export const USERS = {
  // Google asserts email_verified; one address is unverified (Google does have such accounts).
  google: [
    { sub: '108204268033311374519', email: 'ada@example.com', emailVerified: true, name: 'Ada Lovelace' },
    { sub: '117009912345678901234', email: 'grace@example.com', emailVerified: true, name: 'Grace Hopper' },
    { sub: '100000000000000000666', email: 'unverified@example.com', emailVerified: false, name: 'Unverified Address' },
  ],
  // Entra ID: the `email` claim is whatever the tenant wrote; mallory's tenant wrote ada's address
  // (the nOAuth takeover attempt).
  entra: [
    { sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ', email: 'linus@example.com', name: 'Linus Entra' },
    { sub: 'AAAAAAAAAAAAAAAAAAAAAMalloryMalloryMallo666', email: 'ada@example.com', name: 'Mallory (claims ada)' },
  ],
  saml: [
    { email: 'ada@example.com', name: 'Ada Lovelace' },
    { email: 'ken@example.com', name: 'Ken Thompson' },
  ],
};
