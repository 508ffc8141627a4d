//! The auth API: a JSON API in front of Amazon Cognito. One router ([`router::handle`]) serves every
//! route of `cdk/routes.json`, in Lambda (`bootstrap`, via [`lambda`]) and locally (`auth-local`,
//! via [`local`]); the same binary serves the Cognito triggers of `cdk/triggers.json`
//! ([`triggers::invoke`], dispatched on the event's `triggerSource`).
pub mod apps;
pub mod cognito;
pub mod config;
pub mod context;
pub mod definition;
pub mod email_code_limit;
pub mod email_domains;
pub mod error;
pub mod federation;
pub mod http;
pub mod lambda;
pub mod local;
pub mod openapi;
pub mod outbound_https;
pub mod password_policy;
pub mod router;
pub mod seal;
pub mod routes;
pub mod secrets;
pub mod session_cookie;
pub mod stand_in;
pub mod state;
pub mod telemetry;
pub mod triggers;

pub use router::handle;
pub use state::AppState;
