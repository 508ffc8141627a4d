//! Retries: only what is safe to repeat (an SDK interceptor over the standard retry strategy).
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The one place that decides which Cognito operations may be sent a second time after an
/// attempt may have reached Cognito:
/// - GetUser: a read;
/// - AdminInitiateAuth: a password sign-in attempt; repeated, it issues another set of tokens
///   nobody saw, or counts the same wrong password once more, and answers the same. Repeating it
///   is what keeps the first login after an idle period working: the pool hands out a connection
///   the far end closed meanwhile, the first attempt fails without an answer, the second goes out
///   on a new connection (lambda/bench's freeze test);
/// - SetUserMFAPreference: sets the same preference again.
///
/// Every other operation has an effect a lost answer does not undo, and a repeat would show: a
/// second email (SignUp, ResendConfirmationCode, ForgotPassword), `invalid_code` for a code the
/// first attempt used (ConfirmSignUp, ConfirmForgotPassword, VerifySoftwareToken, the challenge
/// answer), `incorrect_password` for a password the first attempt changed (ChangePassword), a
/// 401 for a token the first attempt revoked or a user it deleted (GlobalSignOut, RevokeToken,
/// DeleteUser), a second secret replacing the one being shown (AssociateSoftwareToken). Those are
/// retried only when the first attempt provably never left this process (see [`never_sent`]).
pub fn safe_to_repeat(operation: &str) -> bool {
    matches!(operation, "GetUser" | "AdminInitiateAuth" | "SetUserMFAPreference")
}

/// True when an attempt failed before a connection to Cognito was established (refused, DNS,
/// TLS handshake, connect timeout): the request cannot have reached Cognito.
pub fn never_sent<E>(err: &aws_smithy_runtime_api::client::orchestrator::OrchestratorError<E>) -> bool {
    let Some(connector) = err.as_connector_error() else { return false };
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(connector);
    while let Some(e) = cur {
        if let Some(h) = e.downcast_ref::<hyper_util::client::legacy::Error>() {
            return h.is_connect();
        }
        cur = e.source();
    }
    false
}

/// SDK interceptor applying [`safe_to_repeat`] and [`never_sent`]: after an attempt that may have
/// reached Cognito, an operation that is not safe to repeat gets no further attempt. (The standard
/// retry strategy reads the attempt budget from the config bag, which this hook may overwrite
/// between the attempt and the retry decision.)
#[derive(Debug, Default)]
pub struct RetryOnlyWhatIsSafe;

impl Intercept for RetryOnlyWhatIsSafe {
    fn name(&self) -> &'static str {
        "RetryOnlyWhatIsSafe"
    }

    fn modify_before_attempt_completion(
        &self,
        ctx: &mut aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map(|m| m.name().to_string()).unwrap_or_default();
        if safe_to_repeat(&operation) {
            return Ok(());
        }
        let unsent = matches!(ctx.inner().output_or_error(), Some(Err(e)) if never_sent(e));
        if !unsent {
            let budget = cfg.load::<aws_smithy_types::retry::RetryConfig>().cloned().unwrap_or_else(aws_smithy_types::retry::RetryConfig::standard);
            cfg.interceptor_state().store_put(budget.with_max_attempts(1));
        }
        Ok(())
    }
}
