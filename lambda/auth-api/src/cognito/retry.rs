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

/// Cognito's answers that say a quota is already used up: `TooManyRequestsException` (the
/// account's request rate for the operation's category,
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html>), and the per-user limits
/// `LimitExceededException` and `TooManyFailedAttemptsException`. The SDK's standard retry
/// classifies them as throttling and tries again after a back-off; a second attempt within the
/// same request is over the same quota (a per-user hour, or the same second's rate), so it only adds
/// to the load and the latency. They are answered at once instead (429 with `Retry-After`, or the
/// route's own answer for a per-user limit).
pub const OVER_QUOTA: &[&str] = &["TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"];

/// The exception name of an error answer, as the JSON protocol carries it: the `x-amzn-ErrorType`
/// header, else the body's `__type` (or `code`), without a `namespace#` prefix or a `:` suffix
/// (<https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization>).
pub fn error_type(response: &aws_smithy_runtime_api::client::orchestrator::HttpResponse) -> Option<String> {
    if response.status().is_success() {
        return None;
    }
    let clean = |raw: &str| {
        let raw = raw.split(':').next().unwrap_or(raw);
        raw.rsplit('#').next().unwrap_or(raw).trim().to_string()
    };
    if let Some(h) = response.headers().get("x-amzn-errortype") {
        return Some(clean(h));
    }
    let body: serde_json::Value = serde_json::from_slice(response.body().bytes()?).ok()?;
    body.get("__type").or_else(|| body.get("code")).and_then(|v| v.as_str()).map(clean)
}

/// SDK interceptor applying [`safe_to_repeat`], [`never_sent`] and [`OVER_QUOTA`]: after an attempt
/// that may have reached Cognito, an operation that is not safe to repeat gets no further attempt,
/// and no operation is tried again when Cognito said a quota is used up. (The standard retry
/// strategy reads the attempt budget from the config bag, which this hook may overwrite between the
/// attempt and the retry decision.)
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
        let over_quota = ctx.inner().response().and_then(error_type).is_some_and(|t| OVER_QUOTA.contains(&t.as_str()));
        if safe_to_repeat(&operation) && !over_quota {
            return Ok(());
        }
        let unsent = matches!(ctx.inner().output_or_error(), Some(Err(e)) if never_sent(e));
        if over_quota || !unsent {
            let budget = cfg.load::<aws_smithy_types::retry::RetryConfig>().cloned().unwrap_or_else(aws_smithy_types::retry::RetryConfig::standard);
            cfg.interceptor_state().store_put(budget.with_max_attempts(1));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;

    fn answer(status: u16, header: Option<&str>, body: &str) -> HttpResponse {
        let mut r = HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body.to_string()));
        if let Some(h) = header {
            r.headers_mut().insert("x-amzn-ErrorType", h.to_string());
        }
        r
    }

    #[test]
    fn the_exception_name_from_header_or_body() {
        assert_eq!(error_type(&answer(400, Some("TooManyRequestsException:http://internal.amazon.com/"), "{}")).as_deref(), Some("TooManyRequestsException"));
        assert_eq!(error_type(&answer(400, None, r#"{"__type":"com.amazonaws.cognito#LimitExceededException","message":"x"}"#)).as_deref(), Some("LimitExceededException"));
        assert_eq!(error_type(&answer(400, None, r#"{"code":"TooManyFailedAttemptsException"}"#)).as_deref(), Some("TooManyFailedAttemptsException"));
        assert_eq!(error_type(&answer(200, Some("TooManyRequestsException"), "{}")), None);
        assert_eq!(error_type(&answer(500, None, "not json")), None);
    }
}
