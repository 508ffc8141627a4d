//! Cognito's failures, classified by exception type (never by message), and their default meaning
//! for the API.
use super::guard::UndeclaredOperation;
use crate::error::ApiError;
use aws_sdk_cognitoidentityprovider as cip;
use cip::error::{ProvideErrorMetadata, SdkError};

/// Cognito's answer, classified by exception type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoErrorKind {
    NotAuthorized,
    UserNotFound,
    UserNotConfirmed,
    UsernameExists,
    CodeMismatch,
    ExpiredCode,
    InvalidPassword,
    InvalidParameter,
    PasswordResetRequired,
    TooManyRequests,
    LimitExceeded,
    EnableSoftwareTokenMfa,
    SoftwareTokenMfaNotFound,
    /// GetTokensFromRefreshToken was given a refresh token that rotation has already replaced
    /// (presented after the retry grace period): the signature of a stolen token.
    RefreshTokenReuse,
    /// CompleteWebAuthnRegistration refused the browser's registration response: wrong origin or
    /// relying party, an unsupported credential, or no pending (or an expired) registration
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html#API_CompleteWebAuthnRegistration_Errors>).
    WebAuthnRejected,
    /// ResourceNotFoundException: for DeleteWebAuthnCredential, no such passkey for this user;
    /// elsewhere a missing pool or client (a deployment fault, 500).
    ResourceNotFound,
    /// A trigger refused the operation on purpose: a UserLambdaValidationException whose message
    /// carries the pre sign-up trigger's refusal marker (`[sign_up_not_allowed]`, see
    /// `ApiError::refusal_marker`).
    SignUpRefused,
    /// A trigger of the pool failed: it answered an error (UserLambdaValidationException without a
    /// refusal marker), its answer was not one Cognito could read (InvalidLambdaResponseException), or
    /// Cognito could not invoke it or it did not answer within Cognito's 5 s, three times
    /// (UnexpectedLambdaException). Errors of the operations that run triggers, e.g.
    /// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html#API_SignUp_Errors.
    TriggerFailed,
    /// Cognito is unreachable, timed out, or failed on its side.
    Unavailable,
    /// The handler called an operation its route does not declare (a bug; 500).
    Undeclared,
    /// Anything else: a 500 with no internal detail.
    Other,
}

#[derive(Debug, Clone)]
pub struct CognitoError {
    pub kind: CognitoErrorKind,
    /// Cognito's exception name (or a transport label), for logs.
    pub code: String,
    /// Cognito's message, kept only where it is safe and useful to show (password policy).
    pub message: Option<String>,
}

impl CognitoErrorKind {
    pub fn from_exception(code: &str) -> Self {
        use CognitoErrorKind::*;
        match code {
            "NotAuthorizedException" => NotAuthorized,
            // RevokeToken's "request isn't authorized" (its documented errors:
            // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html#API_RevokeToken_Errors):
            // the same meaning as NotAuthorized for the API, never a 500.
            "UnauthorizedException" => NotAuthorized,
            "UserNotFoundException" => UserNotFound,
            "UserNotConfirmedException" => UserNotConfirmed,
            "UsernameExistsException" | "AliasExistsException" => UsernameExists,
            "CodeMismatchException" => CodeMismatch,
            "ExpiredCodeException" => ExpiredCode,
            "InvalidPasswordException" => InvalidPassword,
            "InvalidParameterException" => InvalidParameter,
            "PasswordResetRequiredException" => PasswordResetRequired,
            "TooManyRequestsException" => TooManyRequests,
            "LimitExceededException" | "TooManyFailedAttemptsException" => LimitExceeded,
            "EnableSoftwareTokenMFAException" => EnableSoftwareTokenMfa,
            "SoftwareTokenMFANotFoundException" => SoftwareTokenMfaNotFound,
            // "thrown when your application requests token refresh with a refresh token that has been
            // invalidated by refresh-token rotation" (GetTokensFromRefreshToken's errors,
            // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html,
            // https://docs.aws.amazon.com/botocore/latest/reference/services/cognito-idp/client/exceptions/RefreshTokenReuseException.html).
            "RefreshTokenReuseException" => RefreshTokenReuse,
            "WebAuthnChallengeNotFoundException" | "WebAuthnClientMismatchException" | "WebAuthnCredentialNotSupportedException"
            | "WebAuthnOriginNotAllowedException" | "WebAuthnRelyingPartyMismatchException" => WebAuthnRejected,
            "ResourceNotFoundException" => ResourceNotFound,
            "UserLambdaValidationException" | "InvalidLambdaResponseException" | "UnexpectedLambdaException" => TriggerFailed,
            "InternalErrorException" | "CodeDeliveryFailureException" => Unavailable,
            _ => Other,
        }
    }
}

impl<E, R> From<SdkError<E, R>> for CognitoError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    fn from(err: SdkError<E, R>) -> Self {
        if find_undeclared(&err).is_some() {
            return CognitoError { kind: CognitoErrorKind::Undeclared, code: "UndeclaredOperation".into(), message: None };
        }
        let (kind, code, message) = match &err {
            SdkError::ServiceError(se) => {
                let code = se.err().code().unwrap_or("Unknown").to_string();
                let mut kind = CognitoErrorKind::from_exception(&code);
                if code == "UserLambdaValidationException"
                    && se.err().message().is_some_and(|m| m.contains(&ApiError::SignUpNotAllowed.refusal_marker()))
                {
                    kind = CognitoErrorKind::SignUpRefused;
                }
                // The user migration trigger's "not migrated" (wrong password, unknown to the legacy
                // system, or the legacy endpoint failing closed): the user stays unknown. Cognito answers
                // migration failures with UserNotFoundException ("UserMigration failed with error ...":
                // https://repost.aws/knowledge-center/cognito-migration-lambda-trigger-errors); should a
                // pool pass the function's error on as UserLambdaValidationException instead, it is
                // still the answer an unknown user gets, never a 503.
                if code == "UserLambdaValidationException"
                    && se.err().message().is_some_and(|m| m.contains(&ApiError::InvalidCredentials.refusal_marker()))
                {
                    kind = CognitoErrorKind::UserNotFound;
                }
                let msg = (kind == CognitoErrorKind::InvalidPassword).then(|| se.err().message().map(str::to_string)).flatten();
                (kind, code, msg)
            }
            SdkError::TimeoutError(_) => (CognitoErrorKind::Unavailable, "Timeout".into(), None),
            SdkError::DispatchFailure(df) => {
                let code = if df.is_timeout() { "Timeout" } else { "DispatchFailure" };
                (CognitoErrorKind::Unavailable, code.into(), None)
            }
            SdkError::ResponseError(_) => (CognitoErrorKind::Unavailable, "ResponseError".into(), None),
            _ => (CognitoErrorKind::Other, "ConstructionFailure".into(), None),
        };
        CognitoError { kind, code, message }
    }
}

fn find_undeclared<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a UndeclaredOperation> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(u) = e.downcast_ref::<UndeclaredOperation>() {
            return Some(u);
        }
        cur = e.source();
    }
    None
}

/// The default meaning of a Cognito failure; handlers override where a route gives it a sharper one.
impl From<CognitoError> for ApiError {
    fn from(e: CognitoError) -> Self {
        use CognitoErrorKind::*;
        match e.kind {
            NotAuthorized => ApiError::InvalidToken,
            UserNotFound => ApiError::InvalidToken,
            RefreshTokenReuse => ApiError::RefreshTokenReused,
            UserNotConfirmed => ApiError::UserNotConfirmed,
            UsernameExists => ApiError::InvalidParameter,
            CodeMismatch | EnableSoftwareTokenMfa => ApiError::InvalidCode,
            ExpiredCode => ApiError::ExpiredCode,
            InvalidPassword => ApiError::InvalidPassword(
                e.message.unwrap_or_else(|| "The password does not meet the password policy".into()),
            ),
            InvalidParameter => ApiError::InvalidParameter,
            PasswordResetRequired => ApiError::PasswordResetRequired,
            TooManyRequests => ApiError::TooManyRequests,
            LimitExceeded => ApiError::LimitExceeded,
            SoftwareTokenMfaNotFound => ApiError::MfaNotSetUp,
            WebAuthnRejected => {
                tracing::info!(cognito_error = %e.code, "passkey registration refused");
                ApiError::PasskeyRejected
            }
            ResourceNotFound => {
                tracing::error!(cognito_error = %e.code, "Cognito resource not found");
                ApiError::Internal
            }
            SignUpRefused => {
                tracing::info!(cognito_error = %e.code, "sign-up refused by the pre sign-up trigger");
                ApiError::SignUpNotAllowed
            }
            // The caller can do nothing about it but try later; the trigger's own log says why.
            TriggerFailed => {
                tracing::error!(cognito_error = %e.code, "a Cognito trigger of the user pool failed");
                ApiError::ServiceUnavailable
            }
            Unavailable => {
                tracing::warn!(cognito_error = %e.code, "Cognito unavailable");
                ApiError::ServiceUnavailable
            }
            Undeclared | Other => {
                tracing::error!(cognito_error = %e.code, "unexpected Cognito failure");
                ApiError::Internal
            }
        }
    }
}

/// A failure of our own reading of an answer (a 500 with no internal detail).
pub(super) fn unexpected(code: &str) -> CognitoError {
    CognitoError { kind: CognitoErrorKind::Other, code: code.into(), message: None }
}
