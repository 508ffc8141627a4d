// An app's backend checking the access tokens it is sent, with AWS's aws-jwt-verify (docs/resource-servers.md).
// It accepts a token only when it is the pool's (signature, issuer), unexpired, an access token (not an ID token),
// issued to one of this app's clients (the app's own user client, or a machine client it trusts), and, for a
// machine token, carrying the scope the request needs.
import { CognitoJwtVerifier } from 'aws-jwt-verify';

/**
 * @param {object} o
 * @param {string} o.userPoolId the pool (stack output UserPoolId)
 * @param {string[]} o.clientIds the app clients whose tokens this backend accepts
 * @param {import('aws-jwt-verify/jwk').JwksCache} [o.jwksCache] where keys come from (default: the pool's JWKS URL, cached)
 */
export function accessTokenVerifier({ userPoolId, clientIds, jwksCache }) {
  return CognitoJwtVerifier.create(
    { userPoolId, tokenUse: 'access', clientId: clientIds },
    jwksCache ? { jwksCache } : undefined,
  );
}

/**
 * The caller of a request: the verified claims of its bearer token, or null when it must be refused (401).
 * @param {ReturnType<typeof accessTokenVerifier>} verifier
 * @param {string | undefined} authorization the request's Authorization header
 * @param {string} [scope] the scope the route needs (machine tokens carry resource-server scopes; user tokens carry
 *   `aws.cognito.signin.user.admin` unless a pre-token-generation trigger adds more)
 */
export async function caller(verifier, authorization, scope) {
  const match = /^Bearer ([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)$/.exec(authorization ?? '');
  if (!match) return null;
  try {
    return await verifier.verify(match[1], scope === undefined ? {} : { scope });
  } catch {
    return null; // expired, forged, another pool's, an ID token, another app's client, a missing scope
  }
}
