//! The Cognito triggers of `cdk/triggers.json`, served by the same `bootstrap` binary as the routes
//! (a function whose `COGNITO_TRIGGER` names a trigger runs [`crate::lambda::run_trigger`]) and, for
//! `make dev` and the tests, by `auth-local`'s trigger listener ([`crate::local::serve_triggers`]),
//! which the local Cognito emulator invokes as Lambda would.
//!
//! [`invoke`] is the one entry point: it reads the event's `triggerSource`, finds the trigger that
//! owns it, refuses an event that is not the function's own or not what Cognito documents, runs the
//! handler under the declared-actions guard and a deadline, and writes one audit event. Each trigger
//! is a module beside this one, named in the [`handlers!`] table (a unit test proves every trigger of
//! the definition has a handler). A handler returns the event with its `response` filled in, or a
//! [`TriggerError`], which Lambda hands Cognito as the function's error: Cognito then fails the
//! operation (UserLambdaValidationException "<Trigger> failed with error <message>."), and nothing
//! the operation would have created is created.
pub mod custom_message;
mod event;
mod pre_sign_up;
pub mod pre_token_generation;
pub mod user_migration;

pub use event::{Common, TriggerEvent};

use crate::config::{self, ConfigError};
use crate::definition::{self, Trigger};
use crate::email_domains::EmailDomains;
use aws_sdk_cognitoidentityprovider as cip;
use serde_json::Value;
use std::time::Duration;

/// What the trigger handlers share, built once at start-up. No network call happens here.
#[derive(Debug, Default)]
pub struct TriggerState {
    /// `SIGN_UP_EMAIL_DOMAINS`: the pre sign-up allow-list.
    pub sign_up_email_domains: Option<EmailDomains>,
    /// `TOKEN_CLAIMS`: the pre token generation claims and scopes (`None`: the tokens unchanged).
    pub token_claims: Option<pre_token_generation::TokenClaims>,
    /// Which app each client of the pool is (pre token generation's `apps` rules), read once per warm function.
    pub client_apps: pre_token_generation::ClientApps,
    /// The Cognito client (with the declared-actions guard), built only when a trigger this process
    /// serves declares Cognito actions. The pool comes from each event (`userPoolId`), never from the
    /// environment: a trigger's environment naming its pool would be a CloudFormation cycle.
    pub cognito: Option<cip::Client>,
    /// The user migration trigger's legacy endpoint (`LEGACY_AUTH_URL` and its secret), when set.
    pub legacy_auth: Option<user_migration::legacy_endpoint::LegacyAuth>,
    /// `CUSTOM_MESSAGES`: the custom message trigger's product name and links (`None`: Cognito's own messages).
    pub custom_messages: Option<custom_message::MessageConfig>,
}

impl TriggerState {
    /// From the environment, for a process serving `serving` (one trigger in Lambda, all locally).
    pub fn from_env(serving: &[&'static Trigger]) -> Result<Self, ConfigError> {
        Self::from_lookup(serving, |k| std::env::var(k).ok())
    }

    pub fn from_lookup(serving: &[&'static Trigger], get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let sdk = || -> Result<aws_config::SdkConfig, ConfigError> {
            let region = get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")).ok_or(ConfigError::Missing("AWS_REGION"))?;
            Ok(crate::state::sdk_config(&region))
        };
        let cognito = if serving.iter().any(|t| !t.cognito_actions.is_empty()) { Some(crate::state::cognito_client(&sdk()?)) } else { None };
        let legacy_auth = if serving.iter().any(|t| t.name == "userMigration") {
            user_migration::legacy_endpoint::LegacyAuth::from_lookup(get, sdk)?
        } else {
            None
        };
        let token_claims = get("TOKEN_CLAIMS")
            .map(|v| pre_token_generation::TokenClaims::parse(&v))
            .transpose()
            .map_err(|reason| ConfigError::Invalid { name: "TOKEN_CLAIMS", reason })?;
        let custom_messages = get("CUSTOM_MESSAGES")
            .map(|v| custom_message::MessageConfig::parse(&v))
            .transpose()
            .map_err(|reason| ConfigError::Invalid { name: "CUSTOM_MESSAGES", reason })?;
        Ok(TriggerState {
            sign_up_email_domains: config::sign_up_email_domains(get)?,
            token_claims,
            cognito,
            legacy_auth,
            custom_messages,
            ..Default::default()
        })
    }
}

/// Why a trigger did not answer with the event. Each is logged where it happens; Lambda hands
/// Cognito the `Display` text as the function's `errorMessage` (and [`TriggerError::kind`] as its
/// `errorType`), so no user data or secret goes into it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TriggerError {
    /// A deliberate refusal the API tells its caller: the message carries the API error's refusal
    /// marker (`ApiError::refusal_marker`), by which the API tells it from a failure.
    #[error("{marker} {message}")]
    Refused { marker: String, message: &'static str },
    /// The event is not what Cognito documents for its trigger source (missing or mistyped fields).
    #[error("malformed {trigger} event: {reason}")]
    MalformedEvent { trigger: String, reason: String },
    /// A triggerSource no trigger of the definition owns, or one this function does not serve.
    #[error("unknown trigger source {source_name:?} for trigger {function}")]
    UnknownSource { function: String, source_name: String },
    /// The handler could not finish (a Cognito call failed, or the deadline passed).
    #[error("{0}")]
    Failed(String),
    /// A failure the caller must not be able to tell from a refusal (the user migration trigger's
    /// legacy endpoint down, slow or answering garbage): Cognito hears exactly what a refusal says
    /// (the same marker and message), the audit event says `failure` and `reason`.
    #[error("{marker} {message}")]
    FailedClosed { marker: String, message: &'static str, reason: &'static str },
}

impl TriggerError {
    /// The function error's `errorType`.
    pub fn kind(&self) -> &'static str {
        match self {
            TriggerError::Refused { .. } => "Refused",
            TriggerError::MalformedEvent { .. } => "MalformedEvent",
            TriggerError::UnknownSource { .. } => "UnknownTriggerSource",
            TriggerError::Failed(_) => "TriggerFailed",
            // The same errorType as a refusal: nothing in what Cognito passes on tells them apart.
            TriggerError::FailedClosed { .. } => "Refused",
        }
    }

    /// The audit event's `outcome` and `error_code`.
    fn audit(&self) -> (&'static str, &'static str) {
        match self {
            TriggerError::Refused { .. } => ("refused", ""),
            TriggerError::MalformedEvent { .. } => ("failure", "malformed_event"),
            TriggerError::UnknownSource { .. } => ("failure", "unknown_trigger_source"),
            TriggerError::Failed(_) => ("failure", "trigger_failed"),
            TriggerError::FailedClosed { reason, .. } => ("failure", reason),
        }
    }
}

/// The deadline of one invocation: a second less than the trigger's timeout (a fifth less under 5 s),
/// so a stuck call ends in the function's own logged error, not in Lambda's timeout.
pub fn deadline(trigger: &Trigger) -> Duration {
    let ms = trigger.timeout_seconds * 1000;
    Duration::from_millis(ms - (ms / 5).min(1000))
}

/// What a handler gets: the shared state, the event (common parameters read, the rest as JSON).
pub struct TriggerCtx<'a> {
    pub state: &'a TriggerState,
    pub trigger: &'static Trigger,
    pub event: TriggerEvent,
}

impl TriggerCtx<'_> {
    /// The Cognito client, for a trigger that declares actions.
    pub fn cognito(&self) -> Result<&cip::Client, TriggerError> {
        self.state.cognito.as_ref().ok_or_else(|| {
            tracing::error!(trigger = %self.trigger.name, "the trigger called Cognito but declares no Cognito actions");
            TriggerError::Failed(format!("trigger {} has no Cognito client", self.trigger.name))
        })
    }
}

macro_rules! handlers {
    ($($name:literal => $module:ident),* $(,)?) => {
        /// Trigger names that have a handler.
        pub const HANDLED: &[&str] = &[$($name),*];

        async fn dispatch(ctx: &TriggerCtx<'_>) -> Option<Result<Value, TriggerError>> {
            match ctx.trigger.name.as_str() {
                $($name => Some($module::handle(ctx).await),)*
                _ => None,
            }
        }
    };
}

handlers! {
    "preSignUp" => pre_sign_up,
    "preTokenGeneration" => pre_token_generation,
    "userMigration" => user_migration,
    "customMessage" => custom_message,
}

/// Handles one event sent to the function of trigger `function` (its `COGNITO_TRIGGER`). Returns
/// the event with its response, or the error Lambda reports to Cognito. Never panics on input.
pub async fn invoke(state: &TriggerState, function: &'static Trigger, event: Value, request_id: &str) -> Result<Value, TriggerError> {
    let source = event.get("triggerSource").and_then(Value::as_str).unwrap_or("").to_string();
    let result = match resolve(function, event) {
        Ok(ev) => {
            let ctx = TriggerCtx { state, trigger: function, event: ev };
            // Boxed: a handler's SDK futures nested in the runtime's are deep enough to overflow the
            // compiler's layout query of bootstrap's main otherwise (seen with one Cognito call).
            let run = crate::cognito::with_trigger(function, Box::pin(dispatch(&ctx)));
            match tokio::time::timeout(deadline(function), run).await {
                Ok(Some(r)) => r,
                Ok(None) => Err(TriggerError::Failed(format!("trigger {} has no handler", function.name))),
                Err(_) => Err(TriggerError::Failed(format!("trigger {} did not finish within its deadline", function.name))),
            }
        }
        Err(e) => Err(e),
    };
    let (outcome, error_code) = match &result {
        Ok(_) => ("success", ""),
        Err(e) => e.audit(),
    };
    if let Err(e) = &result {
        match e {
            TriggerError::Refused { .. } => {}
            _ => tracing::warn!(trigger = %function.name, trigger_source = %source.chars().take(64).collect::<String>(), request_id, error = %e, "trigger failed"),
        }
    }
    tracing::info!(
        target: "audit",
        action = %function.name,
        trigger_source = %source.chars().take(64).collect::<String>(),
        outcome,
        error_code,
        request_id,
        "trigger"
    );
    result
}

/// The event, checked: a triggerSource this function serves, and the common parameters present.
fn resolve(function: &'static Trigger, event: Value) -> Result<TriggerEvent, TriggerError> {
    let malformed = |reason: String| TriggerError::MalformedEvent { trigger: function.name.clone(), reason };
    let Some(source) = event.get("triggerSource").and_then(Value::as_str) else {
        return Err(malformed("no triggerSource string".into()));
    };
    match definition::triggers().by_source(source) {
        Some(t) if t.name == function.name => {}
        _ => return Err(TriggerError::UnknownSource { function: function.name.clone(), source_name: source.chars().take(64).collect() }),
    }
    TriggerEvent::parse(event).map_err(malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_defined_trigger_has_a_handler_and_every_handler_a_trigger() {
        let def = definition::triggers();
        for t in &def.triggers {
            assert!(HANDLED.contains(&t.name.as_str()), "trigger {} has no handler", t.name);
        }
        for h in HANDLED {
            assert!(def.by_name(h).is_some(), "handler {h} has no trigger in cdk/triggers.json");
        }
    }

    #[test]
    fn the_deadline_leaves_a_margin_below_the_timeout() {
        let mut t = definition::triggers().triggers[0].clone();
        t.timeout_seconds = 5;
        assert_eq!(deadline(&t), Duration::from_millis(4000));
        t.timeout_seconds = 1;
        assert_eq!(deadline(&t), Duration::from_millis(800));
    }

    #[test]
    fn a_process_serving_no_trigger_with_actions_builds_no_cognito_client() {
        let pre = definition::triggers().by_name("preSignUp").unwrap();
        let s = TriggerState::from_lookup(&[pre], |k| (k == "SIGN_UP_EMAIL_DOMAINS").then(|| "example.com".into())).unwrap();
        assert!(s.cognito.is_none() || !pre.cognito_actions.is_empty());
        assert_eq!(s.sign_up_email_domains.unwrap().domains(), ["example.com"]);
        assert!(matches!(
            TriggerState::from_lookup(&[pre], |k| (k == "SIGN_UP_EMAIL_DOMAINS").then(|| "*".into())),
            Err(ConfigError::Invalid { name: "SIGN_UP_EMAIL_DOMAINS", .. })
        ));
    }
}
