//! The one error contract of every route: an HTTP status, a stable machine code, a human message.
//! Each variant maps to exactly one row of the error table of docs/api.md.
use http::StatusCode;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("The request body is not valid JSON: {0}")]
    InvalidJson(String),
    #[error("{field}: {message}")]
    Validation { field: &'static str, message: String },
    #[error("Send the body as JSON with Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("The request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("No such route")]
    NotFound,
    #[error("This route does not accept that method")]
    MethodNotAllowed(String),
    #[error("This route needs an Authorization: Bearer <access token> header")]
    MissingToken,
    #[error("The access token is malformed, expired or revoked")]
    InvalidToken,
    #[error("Incorrect email or password")]
    InvalidCredentials,
    #[error("The current password is incorrect")]
    IncorrectPassword,
    #[error("The refresh token is invalid, expired or revoked")]
    InvalidRefreshToken,
    #[error("This refresh token was replaced by a refresh and has been used again since: sign in again")]
    RefreshTokenReused,
    #[error("The challenge session is invalid or expired: log in again")]
    InvalidSession,
    #[error("The passkey sign-in was refused: try again or choose another way to sign in")]
    InvalidPasskey,
    #[error("The account is not confirmed yet: verify it with the emailed code")]
    UserNotConfirmed,
    #[error("The password must be reset before logging in")]
    PasswordResetRequired,
    #[error("The code is incorrect")]
    InvalidCode,
    #[error("The code has expired: request a new one")]
    ExpiredCode,
    #[error("{0}")]
    InvalidPassword(String),
    #[error("TOTP is not set up for this user")]
    MfaNotSetUp,
    #[error("TOTP is already enabled for this user; an administrator can reset it")]
    MfaAlreadyEnabled,
    #[error("The passkey registration was refused: start it again from this site")]
    PasskeyRejected,
    #[error("No such passkey for this user")]
    PasskeyNotFound,
    #[error("This account has as many passkeys as it may have: delete one before adding another")]
    PasskeyLimitReached,
    #[error("Sign-up with this email address is not allowed")]
    SignUpNotAllowed,
    #[error("Cognito rejected a parameter")]
    InvalidParameter,
    #[error("Too many attempts: wait before trying again")]
    LimitExceeded,
    #[error("Too many requests: slow down and retry after the Retry-After delay")]
    TooManyRequests,
    #[error("This request did not come through the API's front door")]
    Forbidden,
    #[error("The session cookie is accepted only from the API's configured origins (Origin header)")]
    OriginNotAllowed,
    #[error("The session cookie is accepted only with the X-Requested-With header")]
    CsrfHeaderMissing,
    #[error("X-App-Id names no app of this API (app ids are lower-case letters, digits and '-')")]
    UnknownApp,
    #[error("This request is not the named app's: its Origin, or its token's app client, belongs to another app")]
    AppMismatch,
    #[error("The request carries the session cookie more than once (a cookie another site of this domain set): clear this site's cookies and sign in again")]
    DuplicateSessionCookie,
    #[error("Federated sign-in is not configured on this API (the construct's federation prop)")]
    FederationNotConfigured,
    #[error("returnTo is not one of the app's exact return addresses for federated sign-in")]
    ReturnAddressNotAllowed,
    #[error("The hand-off is invalid, expired or already used: sign in again")]
    InvalidHandoff,
    #[error("The identity service is unavailable: retry after the Retry-After delay")]
    ServiceUnavailable,
    #[error("An internal error occurred")]
    Internal,
}

impl ApiError {
    pub fn validation(field: &'static str, message: impl Into<String>) -> Self {
        ApiError::Validation { field, message: message.into() }
    }

    pub fn status(&self) -> StatusCode {
        use ApiError::*;
        match self {
            InvalidJson(_) | Validation { .. } | InvalidCode | ExpiredCode | InvalidPassword(_)
            | MfaNotSetUp | InvalidParameter | PasskeyRejected | UnknownApp | DuplicateSessionCookie | ReturnAddressNotAllowed => StatusCode::BAD_REQUEST,
            MissingToken | InvalidToken | InvalidCredentials | IncorrectPassword | InvalidRefreshToken | RefreshTokenReused
            | InvalidSession | InvalidPasskey | InvalidHandoff => StatusCode::UNAUTHORIZED,
            UserNotConfirmed | PasswordResetRequired | SignUpNotAllowed | Forbidden | OriginNotAllowed | CsrfHeaderMissing | AppMismatch => {
                StatusCode::FORBIDDEN
            },
            NotFound | PasskeyNotFound | FederationNotConfigured => StatusCode::NOT_FOUND,
            MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            MfaAlreadyEnabled | PasskeyLimitReached => StatusCode::CONFLICT,
            PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            LimitExceeded | TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code (`error` in the JSON body).
    pub fn code(&self) -> &'static str {
        use ApiError::*;
        match self {
            InvalidJson(_) => "invalid_json",
            Validation { .. } => "validation_error",
            UnsupportedMediaType => "unsupported_media_type",
            PayloadTooLarge(_) => "payload_too_large",
            NotFound => "not_found",
            MethodNotAllowed(_) => "method_not_allowed",
            MissingToken => "missing_token",
            InvalidToken => "invalid_token",
            InvalidCredentials => "invalid_credentials",
            IncorrectPassword => "incorrect_password",
            InvalidRefreshToken => "invalid_refresh_token",
            RefreshTokenReused => "refresh_token_reused",
            InvalidSession => "invalid_session",
            InvalidPasskey => "invalid_passkey",
            UserNotConfirmed => "user_not_confirmed",
            PasswordResetRequired => "password_reset_required",
            InvalidCode => "invalid_code",
            ExpiredCode => "expired_code",
            InvalidPassword(_) => "invalid_password",
            MfaNotSetUp => "mfa_not_set_up",
            MfaAlreadyEnabled => "mfa_already_enabled",
            PasskeyRejected => "passkey_rejected",
            PasskeyNotFound => "passkey_not_found",
            PasskeyLimitReached => "passkey_limit_reached",
            SignUpNotAllowed => "sign_up_not_allowed",
            InvalidParameter => "invalid_parameter",
            LimitExceeded => "limit_exceeded",
            TooManyRequests => "too_many_requests",
            Forbidden => "forbidden",
            OriginNotAllowed => "origin_not_allowed",
            CsrfHeaderMissing => "csrf_header_missing",
            UnknownApp => "unknown_app",
            AppMismatch => "app_mismatch",
            DuplicateSessionCookie => "duplicate_session_cookie",
            FederationNotConfigured => "federation_not_configured",
            ReturnAddressNotAllowed => "return_address_not_allowed",
            InvalidHandoff => "invalid_handoff",
            ServiceUnavailable => "service_unavailable",
            Internal => "internal_error",
        }
    }

    /// Seconds for the `Retry-After` header, where retrying later can help.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::TooManyRequests => Some(1),
            ApiError::LimitExceeded => Some(60),
            ApiError::ServiceUnavailable => Some(5),
            _ => None,
        }
    }

    /// The field a validation error is about, for the JSON body.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ApiError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// One of each variant: the error table of docs/api.md and the OpenAPI document.
    pub fn catalogue() -> Vec<ApiError> {
        use ApiError::*;
        vec![
            InvalidJson("the body is empty".into()),
            ApiError::validation("email", "must be a valid email address"),
            UnsupportedMediaType,
            PayloadTooLarge(crate::config::MAX_BODY_BYTES),
            NotFound,
            MethodNotAllowed("POST".into()),
            MissingToken,
            InvalidToken,
            InvalidCredentials,
            IncorrectPassword,
            InvalidRefreshToken,
            RefreshTokenReused,
            InvalidSession,
            InvalidPasskey,
            UserNotConfirmed,
            PasswordResetRequired,
            InvalidCode,
            ExpiredCode,
            InvalidPassword("Password did not conform with policy: Password not long enough".into()),
            MfaNotSetUp,
            MfaAlreadyEnabled,
            PasskeyRejected,
            PasskeyNotFound,
            PasskeyLimitReached,
            SignUpNotAllowed,
            InvalidParameter,
            LimitExceeded,
            TooManyRequests,
            Forbidden,
            OriginNotAllowed,
            CsrfHeaderMissing,
            UnknownApp,
            AppMismatch,
            DuplicateSessionCookie,
            FederationNotConfigured,
            ReturnAddressNotAllowed,
            InvalidHandoff,
            ServiceUnavailable,
            Internal,
        ]
    }

    /// How a trigger's deliberate refusal names this error in the message Cognito passes on (its
    /// UserLambdaValidationException says "<Trigger> failed with error <the function's message>."):
    /// `[sign_up_not_allowed]`. The exception type stays the classification key; this marker only
    /// tells a refusal from a failing trigger among those exceptions (cognito/errors.rs).
    pub fn refusal_marker(&self) -> String {
        format!("[{}]", self.code())
    }

    /// The catalogue entry for a code.
    pub fn by_code(code: &str) -> Option<ApiError> {
        Self::catalogue().into_iter().find(|e| e.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_mistakes_are_4xx_and_only_outages_are_5xx() {
        let all = [
            ApiError::InvalidJson("x".into()),
            ApiError::validation("email", "bad"),
            ApiError::UnsupportedMediaType,
            ApiError::PayloadTooLarge(1),
            ApiError::NotFound,
            ApiError::MethodNotAllowed("POST".into()),
            ApiError::MissingToken,
            ApiError::InvalidToken,
            ApiError::InvalidCredentials,
            ApiError::InvalidCode,
            ApiError::InvalidPassword("p".into()),
            ApiError::TooManyRequests,
        ];
        for e in all {
            assert!(e.status().is_client_error(), "{e:?}");
        }
        assert_eq!(ApiError::ServiceUnavailable.status(), 503);
        assert_eq!(ApiError::Internal.status(), 500);
        assert_eq!(ApiError::TooManyRequests.retry_after(), Some(1));
    }

    #[test]
    fn the_catalogue_has_every_code_once() {
        let codes: Vec<_> = ApiError::catalogue().iter().map(ApiError::code).collect();
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(codes.len(), 39, "a new ApiError variant must be added to the catalogue");
    }

    #[test]
    fn every_code_a_route_documents_exists() {
        let mut g = schemars::SchemaGenerator::default();
        for r in &crate::definition::definition().routes {
            let doc = crate::routes::doc(&r.name, &mut g).unwrap();
            for code in doc.errors {
                assert!(ApiError::by_code(code).is_some(), "{}: unknown error code {code}", r.name);
            }
        }
    }
}
