// The upstream identity providers of `make dev` and the federation tests, real implementations on
// one local port:
//   /google                  oidc-provider (OpenID Certified) playing Google: email_verified asserted
//   /entra/<tenant>/v2.0     oidc-provider playing Microsoft Entra ID: an `email` claim and no
//                            email_verified (Entra does not verify it: the "nOAuth" class)
//   /saml                    samlify playing a SAML 2.0 IdP (HTTP-Redirect in, HTTP-POST out, signed assertions)
// Each shows a sign-in page (test users below, one password) and, for OIDC, a consent page whose
// "Deny" answers access_denied, as a provider does when the user refuses.
//
//   node tests/idp/server.mjs --cognito http://127.0.0.1:PORT --user-pool-id POOL [--host 127.0.0.2] [--port 0]
//
// --cognito is the user pool domain (the emulator's endpoint): the OIDC clients' redirect URI is
// <cognito>/oauth2/idpresponse, the SAML service provider is urn:amazon:cognito:sp:<pool> with the
// assertion consumer service <cognito>/saml2/idpresponse, as Cognito documents them
// (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-oidc-idp.html,
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-saml-idp-things-to-know.html).
// When ready it prints one JSON line on stdout: each provider's issuer / metadata URL, its client id
// and secret (made at start), the password and the test users. It stops on SIGTERM/SIGINT, or when
// its parent exits (--exit-with-parent).
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';
import * as samlify from 'samlify';
import * as xmllint from '@authenio/samlify-xmllint-wasm';
import forge from 'node-forge';
import { USERS, PASSWORD } from './users.mjs';

const { values: args } = parseArgs({
  options: {
    cognito: { type: 'string' },
    'user-pool-id': { type: 'string' },
    host: { type: 'string', default: '127.0.0.2' },
    port: { type: 'string', default: '0' },
    'exit-with-parent': { type: 'boolean', default: false },
  },
});
if (!args.cognito || !args['user-pool-id']) {
  console.error('usage: server.mjs --cognito <user pool domain URL> --user-pool-id <pool id> [--host H] [--port P]');
  process.exit(2);
}
const cognito = args.cognito.replace(/\/$/, '');
const TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad'; // a made-up Entra tenant id

const server = createServer();
await new Promise((resolve) => server.listen(Number(args.port), args.host, resolve));
const base = `http://${args.host}:${server.address().port}`;

// ---------------------------------------------------------------------------------------------
// OIDC: one oidc-provider per issuer
// ---------------------------------------------------------------------------------------------

const secret = () => randomBytes(24).toString('base64url');
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
    `<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function signInForm(action, title, users, hidden = {}) {
  const fields = Object.entries(hidden).map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('');
  return page(title, `<form method="post" action="${escape(action)}">${fields}
    <label>Email <input name="login" autocomplete="username"></label>
    <label>Password <input name="password" type="password" autocomplete="current-password"></label>
    <button type="submit">Sign in</button></form>
    <p>Test users: ${users.map((u) => escape(u.email)).join(', ')} (password ${escape(PASSWORD)})</p>`);
}

/** An OIDC issuer under `path`: its oidc-provider, client and interaction pages. */
function oidcIssuer({ name, path, users, claimsOf }) {
  const client = { client_id: `${name}-client-${randomBytes(4).toString('hex')}`, client_secret: secret() };
  const issuer = `${base}${path}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [{
      ...client,
      redirect_uris: [`${cognito}/oauth2/idpresponse`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // Cognito sends the client secret in the token request body ("client_secret_post"); Basic also works.
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: `${name}-1`, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [secret()] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'preferred_username', 'oid', 'tid'] },
    // Claims in the ID token as well as at userinfo (Google and Entra put them in the ID token).
    conformIdTokenClaims: false,
    findAccount: async (ctx, sub) => {
      const user = users.find((u) => u.sub === sub);
      return user && { accountId: sub, claims: async () => ({ sub, ...claimsOf(user) }) };
    },
    interactions: { url: (ctx, interaction) => `${path}/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => false },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page(`${name}: error`, `<p id="error">${escape(out.error)}: ${escape(out.error_description ?? '')}</p>`);
    },
  });
  provider.proxy = false;

  async function interaction(req, res, uid, sub) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, page('Error', '<p>stale sign-in</p>'));
    const action = `${path}/interaction/${uid}`;
    if (req.method === 'GET') {
      if (details.prompt.name === 'login') return send(res, 200, signInForm(`${action}/login`, `Sign in to ${name}`, users));
      const scopes = details.params.scope ?? '';
      return send(res, 200, page(`${name}: allow access?`, `<p>The application asks for: ${escape(scopes)}</p>
        <form method="post" action="${escape(action)}/consent"><button name="decision" value="allow" type="submit">Allow</button>
        <button name="decision" value="deny" type="submit">Deny</button></form>`));
    }
    const form = await readForm(req);
    if (sub === 'login') {
      const user = users.find((u) => u.email === form.get('login'));
      if (!user || form.get('password') !== PASSWORD) {
        return send(res, 200, signInForm(`${action}/login`, `Sign in to ${name}`, users).replace('<form', '<p id="error">Wrong email or password</p><form'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
    }
    if (form.get('decision') !== 'allow') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user refused the request' }, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  const callback = provider.callback();
  return {
    path,
    describe: { issuer, clientId: client.client_id, clientSecret: client.client_secret },
    async handle(req, res, rest) {
      const m = rest.match(/^\/interaction\/([\w-]+)(?:\/(login|consent))?$/);
      if (m) return interaction(req, res, m[1], m[2]);
      req.originalUrl = req.url;
      req.url = rest || '/';
      return callback(req, res);
    },
  };
}

const google = oidcIssuer({
  name: 'Google',
  path: '/google',
  users: USERS.google,
  claimsOf: (u) => ({ email: u.email, email_verified: u.emailVerified, name: u.name, given_name: u.name.split(' ')[0] }),
});
// Entra ID (v2.0 endpoint): `email` is an optional claim the tenant controls and Entra does not
// verify; there is no email_verified claim
// (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference,
// https://learn.microsoft.com/entra/identity-platform/migrate-off-email-claim-authorization).
const entra = oidcIssuer({
  name: 'Entra',
  path: `/entra/${TENANT}/v2.0`,
  users: USERS.entra,
  claimsOf: (u) => ({ email: u.email, name: u.name, preferred_username: u.email, oid: u.sub, tid: TENANT }),
});

// ---------------------------------------------------------------------------------------------
// SAML 2.0: samlify as the IdP, Cognito (urn:amazon:cognito:sp:<pool>) its one service provider
// ---------------------------------------------------------------------------------------------

samlify.setSchemaValidator(xmllint);
const samlKeys = (() => {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: 'local SAML IdP' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { privateKey: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
})();

const SAML_ATTRIBUTES = [
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', valueTag: 'email' },
  { name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', valueTag: 'name' },
].map((a) => ({ ...a, nameFormat: 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri', valueXsiType: 'xs:string' }));

const idp = samlify.IdentityProvider({
  entityID: `${base}/saml/metadata`,
  signingCert: samlKeys.cert,
  privateKey: samlKeys.privateKey,
  wantAuthnRequestsSigned: false,
  nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
  singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: `${base}/saml/sso` }],
  loginResponseTemplate: { context: samlify.default.SamlLib.defaultLoginResponseTemplate.context, attributes: SAML_ATTRIBUTES },
});
const sp = samlify.ServiceProvider({
  entityID: `urn:amazon:cognito:sp:${args['user-pool-id']}`,
  assertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: `${cognito}/saml2/idpresponse` }],
  wantAssertionsSigned: true,
  authnRequestsSigned: false,
});

/** The login response's template values (samlify's own, as for its default template) plus the attributes. */
function responseFor(requestId, user) {
  return (template) => {
    const now = new Date();
    const later = new Date(now.getTime() + 5 * 60_000).toISOString();
    const id = idp.entitySetting.generateID();
    const values = {
      ID: id,
      AssertionID: idp.entitySetting.generateID(),
      Destination: sp.entityMeta.getAssertionConsumerService(samlify.Constants.wording.binding.post),
      Audience: sp.entityMeta.getEntityID(),
      SubjectRecipient: sp.entityMeta.getAssertionConsumerService(samlify.Constants.wording.binding.post),
      Issuer: idp.entityMeta.getEntityID(),
      IssueInstant: now.toISOString(),
      StatusCode: samlify.Constants.StatusCode.Success,
      ConditionsNotBefore: now.toISOString(),
      ConditionsNotOnOrAfter: later,
      SubjectConfirmationDataNotOnOrAfter: later,
      NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      NameID: user.email,
      InResponseTo: requestId,
      AuthnStatement: '',
      attrEmail: user.email,
      attrName: user.name,
    };
    return { id, context: samlify.default.SamlLib.replaceTagsByValue(template, values) };
  };
}

/** A refusal as SAML 2.0 Core 3.2.2.2 defines one: status Responder / RequestDenied, no assertion. */
function deniedResponse(requestId) {
  const now = new Date().toISOString();
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ` +
    `ID="_${randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${now}" Destination="${escape(`${cognito}/saml2/idpresponse`)}" InResponseTo="${escape(requestId)}">` +
    `<saml:Issuer>${escape(idp.entityMeta.getEntityID())}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">` +
    `<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode></samlp:Status></samlp:Response>`;
  return Buffer.from(xml).toString('base64');
}

function postToAcs(res, samlResponse, relayState) {
  send(res, 200, page('Signing you in', `<form id="post" method="post" action="${escape(`${cognito}/saml2/idpresponse`)}">
    <input type="hidden" name="SAMLResponse" value="${escape(samlResponse)}">
    ${relayState ? `<input type="hidden" name="RelayState" value="${escape(relayState)}">` : ''}
    <noscript><button type="submit">Continue</button></noscript></form>
    <script>document.getElementById('post').submit()</script>`));
}

async function samlHandle(req, res, rest, url) {
  if (rest === '/metadata' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
    return res.end(idp.getMetadata());
  }
  if (rest === '/sso' && req.method === 'GET') {
    const query = Object.fromEntries(url.searchParams);
    let parsed;
    try {
      parsed = await idp.parseLoginRequest(sp, 'redirect', { query });
    } catch (e) {
      return send(res, 400, page('SAML error', `<p id="error">${escape(e.message ?? e)}</p>`));
    }
    return send(res, 200, signInForm('/saml/login', 'Sign in to the SAML IdP', USERS.saml, {
      request: parsed.extract.request.id,
      RelayState: query.RelayState ?? '',
    }).replace('</form>', '<button name="decision" value="deny" type="submit">Deny</button></form>'));
  }
  if (rest === '/login' && req.method === 'POST') {
    const form = await readForm(req);
    const requestId = form.get('request') ?? '';
    const relayState = form.get('RelayState') ?? '';
    if (form.get('decision') === 'deny') return postToAcs(res, deniedResponse(requestId), relayState);
    const user = USERS.saml.find((u) => u.email === form.get('login'));
    if (!user || form.get('password') !== PASSWORD) {
      return send(res, 200, signInForm('/saml/login', 'Sign in to the SAML IdP', USERS.saml, { request: requestId, RelayState: relayState })
        .replace('<form', '<p id="error">Wrong email or password</p><form'));
    }
    const { context } = await idp.createLoginResponse(sp, { extract: { request: { id: requestId } } }, 'post', user, responseFor(requestId, user));
    return postToAcs(res, context, relayState);
  }
  return send(res, 404, page('Not found', ''));
}

// ---------------------------------------------------------------------------------------------

const issuers = [google, entra];
server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, base);
    if (url.pathname.startsWith('/saml/')) return await samlHandle(req, res, url.pathname.slice('/saml'.length), url);
    const issuer = issuers.find((i) => url.pathname === i.path || url.pathname.startsWith(`${i.path}/`));
    if (issuer) return await issuer.handle(req, res, req.url.slice(issuer.path.length));
    send(res, 404, page('Not found', ''));
  } catch (e) {
    console.error('idp server error:', e?.stack ?? e);
    if (!res.headersSent) send(res, 500, page('Error', '<p>internal error</p>'));
  }
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (args['exit-with-parent']) {
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      stop();
    }
  }, 500).unref();
}

const list = (users) => users.map(({ email, emailVerified }) => (emailVerified === undefined ? { email } : { email, emailVerified }));
process.stdout.write(JSON.stringify({
  endpoint: base,
  password: PASSWORD,
  google: { ...google.describe, users: list(USERS.google) },
  entra: { ...entra.describe, tenant: TENANT, users: list(USERS.entra) },
  saml: { metadataUrl: `${base}/saml/metadata`, entityId: idp.entityMeta.getEntityID(), users: list(USERS.saml) },
}) + '\n');
