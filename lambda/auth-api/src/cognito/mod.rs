//! The narrow wrapper through which every handler reaches Cognito: one method of [`Cognito`] per
//! operation, SECRET_HASH handled here, errors classified by Cognito's exception type (never by
//! message), and a guard that refuses any operation the current route or trigger does not declare in
//! `cdk/routes.json` or `cdk/triggers.json` (the local twin of the IAM policy the stack generates from the same list).
//!
//! One type, one door; its operations are grouped by feature, as the routes are (files beside this
//! one, each private: everything is used through this module, `crate::cognito::...`):
//! - `client.rs`: the type itself, SECRET_HASH and the app client secret;
//! - `sign_up.rs`, `sign_in.rs` (password, first factors, challenges), `tokens.rs` (refresh,
//!   sign-out, revocation), `account.rs` (profile, passwords, deletion), `mfa.rs` (TOTP),
//!   `passkeys.rs`;
//! - `errors.rs`: the classification and its default API error; `guard.rs`: the declared-actions
//!   interceptor; `retry.rs`: which operations may be sent twice.
mod account;
mod client;
mod errors;
mod guard;
mod mfa;
mod passkeys;
mod retry;
mod sign_in;
mod sign_up;
mod tokens;

pub use account::UserProfile;
pub use client::{secret_hash, AppClient, CResult, Cognito};
pub use errors::{CognitoError, CognitoErrorKind};
pub use guard::{current, current_call, current_route, with_route, with_trigger, Declared, DeclaredActionsGuard, UndeclaredOperation};
pub use passkeys::{document_to_json, json_to_document, PasskeyInfo, MAX_PASSKEY_PAGES};
pub use retry::{never_sent, safe_to_repeat, RetryOnlyWhatIsSafe};
pub use sign_in::{AuthOutcome, Caller, Tokens};
