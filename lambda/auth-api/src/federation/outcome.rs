//! How the browser routes end: a `302` to the app's return address, carrying either `handoff=<value>`
//! (no browser session mode), nothing (browser session mode: the refresh cookie was set), or
//! `error=<code>`, one of [`CODES`] (docs/api.md "Federated sign-in"). Nothing else is added: neither
//! Cognito's nor the provider's `error_description` (text the app would be tempted to show), nor any
//! token.
use crate::http::ApiResponse;
use http::{HeaderValue, StatusCode};

/// The error codes the app's return address may receive, and what each means.
pub const CODES: &[(&str, &str)] = &[
    ("access_denied", "the user refused consent at the provider (or cancelled its sign-in)"),
    ("idp_error", "the provider or Cognito answered another error"),
    ("provider_not_allowed", "the provider named at start is not one of the API's"),
    ("invalid_state", "the callback's state is not one the API gave (altered or from elsewhere)"),
    ("expired_state", "the sign-in took longer than the state's lifetime (stateTtlSeconds of cdk/federation.json)"),
    ("state_mismatch", "the callback came to another browser than the one that started it (login CSRF, or a replayed callback)"),
    ("code_rejected", "Cognito refused the authorization code (already used, expired): start again"),
    ("temporarily_unavailable", "Cognito's token endpoint could not be reached: start again later"),
];

/// One failure of a browser route, as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    AccessDenied,
    IdpError,
    ProviderNotAllowed,
    InvalidState,
    ExpiredState,
    StateMismatch,
    CodeRejected,
    TemporarilyUnavailable,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Failure::AccessDenied => "access_denied",
            Failure::IdpError => "idp_error",
            Failure::ProviderNotAllowed => "provider_not_allowed",
            Failure::InvalidState => "invalid_state",
            Failure::ExpiredState => "expired_state",
            Failure::StateMismatch => "state_mismatch",
            Failure::CodeRejected => "code_rejected",
            Failure::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

/// `url` with `params` appended to its query (it may have one already: the allow-list is exact).
pub fn with_params(url: &str, params: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        q.append_pair(k, v);
    }
    let q = q.finish();
    if q.is_empty() {
        return url.to_string();
    }
    format!("{url}{}{q}", if url.contains('?') { '&' } else { '?' })
}

/// A `302 Found` to `location`, never cached, with no referrer leaving the page (the query may carry
/// a hand-off): `Referrer-Policy: no-referrer`.
pub fn redirect(location: &str) -> ApiResponse {
    let mut r = ApiResponse::empty(StatusCode::FOUND);
    match HeaderValue::from_str(location) {
        Ok(v) => {
            r.headers.insert(http::header::LOCATION, v);
        }
        // Allow-listed addresses and our own values are valid header values; never reached.
        Err(_) => return ApiResponse::error(&crate::error::ApiError::Internal, "federation"),
    }
    r.headers.insert(http::header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

/// The failure on the app's return address.
pub fn fail(return_to: &str, failure: Failure) -> ApiResponse {
    redirect(&with_params(return_to, &[("error", failure.code())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_join_an_existing_query_and_are_encoded() {
        assert_eq!(with_params("https://a.example/in", &[("error", "access_denied")]), "https://a.example/in?error=access_denied");
        assert_eq!(with_params("https://a.example/in?x=1", &[("handoff", "fh1.a+b/c")]), "https://a.example/in?x=1&handoff=fh1.a%2Bb%2Fc");
        let r = fail("https://a.example/in", Failure::StateMismatch);
        assert_eq!(r.status, 302);
        assert_eq!(r.headers["location"], "https://a.example/in?error=state_mismatch");
        assert_eq!(r.headers["referrer-policy"], "no-referrer");
    }

    #[test]
    fn every_failure_is_documented() {
        for f in [Failure::AccessDenied, Failure::IdpError, Failure::ProviderNotAllowed, Failure::InvalidState, Failure::ExpiredState, Failure::StateMismatch, Failure::CodeRejected, Failure::TemporarilyUnavailable] {
            assert!(CODES.iter().any(|(c, _)| *c == f.code()), "{f:?}");
        }
        assert_eq!(CODES.len(), 8);
    }
}
