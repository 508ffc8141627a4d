// Every check, in the order they run. The output groups them by checklist group; the run order keeps what changes
// the main user (logout, password change, deletion) after what needs it, and the metric reads (which wait for
// CloudWatch) late, so that their wait overlaps the other checks.
import type { Check } from '../check';
import { accountChecks } from './account';
import { buildChecks } from './build';
import { federationChecks } from './federation';
import { frontDoorChecks } from './front-door';
import { passkeyChecks } from './passkeys';
import { signInChecks } from './sign-in';

const byId = new Map([...buildChecks, ...frontDoorChecks, ...signInChecks, ...accountChecks, ...passkeyChecks, ...federationChecks].map((c) => [c.id, c]));

export const RUN_ORDER = [
  'openapi-served', 'first-login', 'routes-deployed', 'request-deadline', 'init-duration',
  'viewer-ip', 'direct-call-refused', 'path-variants', 'waf-rules', 'waf-ip-reputation', 'waf-common-rule-set', 'waf-known-bad-inputs', 'waf-managed-overrides', 'body-size-limit',
  'stage-throttles', 'id-token-refused', 'cors-expose-headers', 'ipv6', 'session-cookie',
  'new-password-required', 'totp-login', 'password-attempts-exceeded', 'lockout-reset', 'token-signing-keys', 'refresh-rotation', 'refresh-after-logout', 'refresh-wrong-secret',
  'federation-refusals',
  'passkey-preferred-without-passkey', 'passkey-register-sign-in', 'passkey-origin-outside-refused', 'passkey-uv-required', 'passkey-bad-assertion', 'passkey-delete', 'passkey-limit',
  'email-sender', 'enumeration-timing', 'register-taken', 'forgot-unknown', 'reset-without-code', 'case-insensitive-email',
  'reauth-wrong-password', 'delete-signed-out-token', 'logout-revoke', 'password-change',
  'failed-logins-metric', 'refresh-reuse-metric', 'waf-per-ip-burst', 'idle-login', 'idle-no-repeat', 'delete-account',
];

export const ALL_CHECKS: Check[] = RUN_ORDER.map((id) => {
  const c = byId.get(id);
  if (!c) throw new Error(`RUN_ORDER names ${id}, which no check has`);
  return c;
});
if (ALL_CHECKS.length !== byId.size) {
  throw new Error(`checks not in RUN_ORDER: ${[...byId.keys()].filter((id) => !RUN_ORDER.includes(id)).join(', ')}`);
}
