//! The narrow wrapper through which every handler reaches Cognito: one method per operation,
//! SECRET_HASH handled here, errors classified by Cognito's exception type (never by message), and a
//! guard that refuses any operation the current route does not declare in `cdk/routes.json` (the
//! local twin of the IAM policy the stack generates from the same list).
use crate::error::ApiError;
use crate::http::Redacted;
use crate::secrets::SecretSource;
use aws_sdk_cognitoidentityprovider as cip;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use base64::Engine;
use cip::error::{ProvideErrorMetadata, SdkError};
use cip::types::{
    AttributeType, AuthFlowType, ChallengeNameType, ContextDataType, HttpHeader, SoftwareTokenMfaSettingsType,
};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;

/// SECRET_HASH = base64(HMAC-SHA256(key = client secret, message = username + client id)).
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

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
            "InternalErrorException" | "CodeDeliveryFailureException" | "UnexpectedLambdaException"
            | "UserLambdaValidationException" | "InvalidLambdaResponseException" => Unavailable,
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
                let kind = CognitoErrorKind::from_exception(&code);
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
            RefreshTokenReuse => ApiError::InvalidRefreshToken,
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

// ---------------------------------------------------------------------------------------------
// Declared-operations guard
// ---------------------------------------------------------------------------------------------

tokio::task_local! {
    static CURRENT_ROUTE: &'static crate::definition::Route;
}

/// Runs `fut` as the handler of `route`: Cognito calls inside it are checked against the route's
/// declared actions.
pub async fn with_route<F: std::future::Future>(route: &'static crate::definition::Route, fut: F) -> F::Output {
    CURRENT_ROUTE.scope(route, fut).await
}

/// The route whose handler is running on this task, if any.
pub fn current_route() -> Option<&'static crate::definition::Route> {
    CURRENT_ROUTE.try_with(|r| *r).ok()
}

/// For an SDK interceptor: the running route and the Cognito operation about to be called
/// (available from `read_before_serialization` on, once the operation's config is in the bag).
pub fn current_call(cfg: &ConfigBag) -> Option<(&'static crate::definition::Route, &str)> {
    Some((current_route()?, cfg.load::<Metadata>()?.name()))
}

#[derive(Debug, thiserror::Error)]
#[error("route {route} called Cognito {operation}, which it does not declare in cdk/routes.json")]
pub struct UndeclaredOperation {
    pub route: String,
    pub operation: String,
}

/// SDK interceptor that refuses an operation the running route does not declare.
#[derive(Debug, Default)]
pub struct DeclaredActionsGuard;

impl Intercept for DeclaredActionsGuard {
    fn name(&self) -> &'static str {
        "DeclaredActionsGuard"
    }

    // Not `read_before_execution`: client interceptors run that before the operation's
    // configuration (and so its `Metadata`) is in the bag.
    fn read_before_serialization(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some((route, operation)) = current_call(cfg) else {
            return Ok(());
        };
        if route.cognito_actions.iter().any(|a| a == operation) {
            Ok(())
        } else {
            let err = UndeclaredOperation { route: route.key().to_string(), operation: operation.to_string() };
            tracing::error!(route = %err.route, operation = %err.operation, "undeclared Cognito operation refused");
            Err(Box::new(err))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Retries: only what is safe to repeat
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// The wrapper
// ---------------------------------------------------------------------------------------------

/// Where a request came from, for Cognito's threat protection (ContextData).
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub ip: String,
    pub server_name: String,
    pub server_path: String,
    pub user_agent: Option<String>,
}

/// What a sign-in step produced: tokens, or a challenge to answer. `Debug` redacts the session.
#[derive(Clone, PartialEq)]
pub enum AuthOutcome {
    Tokens(Tokens),
    Challenge { name: String, session: String, parameters: HashMap<String, String> },
}

/// `Debug` redacts every token.
#[derive(Clone, PartialEq)]
pub struct Tokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: i32,
    pub token_type: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &Redacted)
            .field("id_token", &self.id_token.as_ref().map(|_| Redacted))
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| Redacted))
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .finish()
    }
}

impl std::fmt::Debug for AuthOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthOutcome::Tokens(t) => f.debug_tuple("Tokens").field(t).finish(),
            AuthOutcome::Challenge { name, parameters, .. } => f
                .debug_struct("Challenge")
                .field("name", name)
                .field("session", &Redacted)
                .field("parameter_names", &parameters.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserProfile {
    pub username: String,
    pub attributes: Vec<(String, String)>,
    pub mfa_methods: Vec<String>,
    pub preferred_mfa: Option<String>,
}

pub type CResult<T> = Result<T, CognitoError>;

#[derive(Debug)]
pub struct Cognito {
    client: cip::Client,
    user_pool_id: String,
    client_id: String,
    client_secret: Option<SecretSource>,
}

impl Cognito {
    pub fn new(client: cip::Client, user_pool_id: String, client_id: String, client_secret: Option<SecretSource>) -> Self {
        Cognito { client, user_pool_id, client_id, client_secret }
    }

    /// SECRET_HASH for `username`, when the app client has a secret. A secret that cannot be read
    /// is a 503 for the caller.
    pub async fn secret_hash(&self, username: &str) -> Result<Option<String>, ApiError> {
        match &self.client_secret {
            None => Ok(None),
            Some(s) => Ok(Some(secret_hash(s.get().await?, username, &self.client_id))),
        }
    }

    /// The app client secret itself (RevokeToken takes it instead of a SECRET_HASH).
    pub async fn client_secret(&self) -> Result<Option<&str>, ApiError> {
        match &self.client_secret {
            None => Ok(None),
            Some(s) => s.get().await.map(Some),
        }
    }

    /// Key of the sealed challenge sessions ([`crate::routes::challenge_session`]): the app client
    /// secret, or the client id when the client has none.
    pub async fn challenge_key(&self) -> Result<String, ApiError> {
        Ok(self.client_secret().await?.map(str::to_string).unwrap_or_else(|| self.client_id.clone()))
    }

    pub async fn sign_up(&self, email: &str, password: &str, secret_hash: Option<String>) -> CResult<()> {
        let attr = AttributeType::builder().name("email").value(email).build().expect("name is set");
        self.client
            .sign_up()
            .client_id(&self.client_id)
            .set_secret_hash(secret_hash)
            .username(email)
            .password(password)
            .user_attributes(attr)
            .send()
            .await?;
        Ok(())
    }

    pub async fn confirm_sign_up(&self, email: &str, code: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .confirm_sign_up()
            .client_id(&self.client_id)
            .set_secret_hash(secret_hash)
            .username(email)
            .confirmation_code(code)
            .send()
            .await?;
        Ok(())
    }

    pub async fn resend_confirmation_code(&self, email: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .resend_confirmation_code()
            .client_id(&self.client_id)
            .set_secret_hash(secret_hash)
            .username(email)
            .send()
            .await?;
        Ok(())
    }

    fn context_data(caller: &Caller) -> ContextDataType {
        let headers = caller
            .user_agent
            .iter()
            .map(|ua| HttpHeader::builder().header_name("User-Agent").header_value(ua).build())
            .collect::<Vec<_>>();
        ContextDataType::builder()
            .ip_address(&caller.ip)
            .server_name(&caller.server_name)
            .server_path(&caller.server_path)
            .set_http_headers(Some(headers))
            .build()
            .expect("all required fields are set")
    }

    pub async fn password_login(&self, email: &str, password: &str, secret_hash: Option<String>, caller: &Caller) -> CResult<AuthOutcome> {
        let mut req = self
            .client
            .admin_initiate_auth()
            .user_pool_id(&self.user_pool_id)
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", email)
            .auth_parameters("PASSWORD", password)
            .context_data(Self::context_data(caller));
        if let Some(h) = secret_hash {
            req = req.auth_parameters("SECRET_HASH", h);
        }
        let out = req.send().await?;
        auth_outcome(out.authentication_result, out.challenge_name, out.session, out.challenge_parameters)
    }

    /// Refresh with GetTokensFromRefreshToken: new access and id tokens, and a new refresh token
    /// when the app client rotates refresh tokens. It takes the client secret itself (no
    /// SECRET_HASH, so no username) and no ContextData (its request has no such field):
    /// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
    /// With rotation on, the token given is invalid once the client's retry grace period has passed
    /// (RefreshTokenReuseException afterwards); REFRESH_TOKEN_AUTH is refused by such a client:
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
    pub async fn refresh(&self, refresh_token: &str, client_secret: Option<&str>) -> CResult<Tokens> {
        let out = self
            .client
            .get_tokens_from_refresh_token()
            .client_id(&self.client_id)
            .refresh_token(refresh_token)
            .set_client_secret(client_secret.map(str::to_string))
            .send()
            .await?;
        match auth_outcome(out.authentication_result, None, None, None)? {
            AuthOutcome::Tokens(t) => Ok(t),
            AuthOutcome::Challenge { .. } => Err(unexpected("UnexpectedChallengeOnRefresh")),
        }
    }

    pub async fn respond_to_challenge(
        &self,
        challenge: ChallengeNameType,
        session: &str,
        responses: Vec<(&str, &str)>,
        secret_hash: Option<String>,
        caller: &Caller,
    ) -> CResult<AuthOutcome> {
        let mut req = self
            .client
            .admin_respond_to_auth_challenge()
            .user_pool_id(&self.user_pool_id)
            .client_id(&self.client_id)
            .challenge_name(challenge)
            .session(session)
            .context_data(Self::context_data(caller));
        for (k, v) in responses {
            req = req.challenge_responses(k, v);
        }
        if let Some(h) = secret_hash {
            req = req.challenge_responses("SECRET_HASH", h);
        }
        let out = req.send().await?;
        auth_outcome(out.authentication_result, out.challenge_name, out.session, out.challenge_parameters)
    }

    pub async fn get_user(&self, access_token: &str) -> CResult<UserProfile> {
        let out = self.client.get_user().access_token(access_token).send().await?;
        Ok(UserProfile {
            username: out.username,
            attributes: out.user_attributes.into_iter().map(|a| (a.name, a.value.unwrap_or_default())).collect(),
            mfa_methods: out.user_mfa_setting_list.unwrap_or_default(),
            preferred_mfa: out.preferred_mfa_setting,
        })
    }

    pub async fn global_sign_out(&self, access_token: &str) -> CResult<()> {
        self.client.global_sign_out().access_token(access_token).send().await?;
        Ok(())
    }

    /// Revokes a refresh token (and the access tokens issued from it).
    pub async fn revoke_token(&self, refresh_token: &str, client_secret: Option<&str>) -> CResult<()> {
        self.client
            .revoke_token()
            .token(refresh_token)
            .client_id(&self.client_id)
            .set_client_secret(client_secret.map(str::to_string))
            .send()
            .await?;
        Ok(())
    }

    pub async fn forgot_password(&self, email: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .forgot_password()
            .client_id(&self.client_id)
            .set_secret_hash(secret_hash)
            .username(email)
            .send()
            .await?;
        Ok(())
    }

    pub async fn confirm_forgot_password(&self, email: &str, code: &str, new_password: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .confirm_forgot_password()
            .client_id(&self.client_id)
            .set_secret_hash(secret_hash)
            .username(email)
            .confirmation_code(code)
            .password(new_password)
            .send()
            .await?;
        Ok(())
    }

    pub async fn change_password(&self, access_token: &str, current: &str, new: &str) -> CResult<()> {
        self.client
            .change_password()
            .access_token(access_token)
            .previous_password(current)
            .proposed_password(new)
            .send()
            .await?;
        Ok(())
    }

    /// Starts TOTP enrolment; answers the shared secret (base32).
    pub async fn associate_software_token(&self, access_token: &str) -> CResult<String> {
        let out = self.client.associate_software_token().access_token(access_token).send().await?;
        out.secret_code.ok_or_else(|| unexpected("NoSecretCode"))
    }

    /// Verifies the first TOTP code; true when Cognito accepted it.
    pub async fn verify_software_token(&self, access_token: &str, code: &str, device_name: Option<&str>) -> CResult<bool> {
        let out = self
            .client
            .verify_software_token()
            .access_token(access_token)
            .user_code(code)
            .set_friendly_device_name(device_name.map(str::to_string))
            .send()
            .await?;
        Ok(out.status.map(|s| s.as_str() == "SUCCESS").unwrap_or(false))
    }

    pub async fn prefer_totp(&self, access_token: &str) -> CResult<()> {
        let settings = SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build();
        self.client
            .set_user_mfa_preference()
            .access_token(access_token)
            .software_token_mfa_settings(settings)
            .send()
            .await?;
        Ok(())
    }

    pub async fn delete_user(&self, access_token: &str) -> CResult<()> {
        self.client.delete_user().access_token(access_token).send().await?;
        Ok(())
    }

    /// Choice-based sign-in (`AuthFlow=USER_AUTH`) asking for one first factor, e.g. `WEB_AUTHN` or
    /// `EMAIL_OTP`, with SECRET_HASH as for every flow of a client with a secret
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html#CognitoUserPools-AdminInitiateAuth-request-AuthParameters>).
    pub async fn user_auth(&self, username: &str, preferred: &str, secret_hash: Option<String>, caller: &Caller) -> CResult<AuthOutcome> {
        let mut req = self
            .client
            .admin_initiate_auth()
            .user_pool_id(&self.user_pool_id)
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::UserAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PREFERRED_CHALLENGE", preferred)
            .context_data(Self::context_data(caller));
        if let Some(h) = secret_hash {
            req = req.auth_parameters("SECRET_HASH", h);
        }
        let out = req.send().await?;
        auth_outcome(out.authentication_result, out.challenge_name, out.session, out.challenge_parameters)
    }

    /// The WebAuthn creation options (PublicKeyCredentialCreationOptionsJSON) for the token's user.
    /// Access-token operation, no IAM
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html>).
    pub async fn start_webauthn_registration(&self, access_token: &str) -> CResult<serde_json::Value> {
        let out = self.client.start_web_authn_registration().access_token(access_token).send().await?;
        Ok(document_to_json(out.credential_creation_options()))
    }

    /// Registers the browser's RegistrationResponseJSON
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html>).
    pub async fn complete_webauthn_registration(&self, access_token: &str, credential: &serde_json::Value) -> CResult<()> {
        self.client
            .complete_web_authn_registration()
            .access_token(access_token)
            .credential(json_to_document(credential))
            .send()
            .await?;
        Ok(())
    }

    /// Every passkey of the token's user, all pages (at most [`MAX_PASSKEY_PAGES`] of 20)
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html>).
    pub async fn list_webauthn_credentials(&self, access_token: &str) -> CResult<Vec<PasskeyInfo>> {
        let mut all = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PASSKEY_PAGES {
            let out = self
                .client
                .list_web_authn_credentials()
                .access_token(access_token)
                .max_results(20)
                .set_next_token(next.take())
                .send()
                .await?;
            all.extend(out.credentials.into_iter().map(|c| PasskeyInfo {
                credential_id: c.credential_id,
                friendly_name: c.friendly_credential_name,
                relying_party_id: c.relying_party_id,
                authenticator_attachment: c.authenticator_attachment,
                transports: c.authenticator_transports,
                created_at: c
                    .created_at
                    .fmt(aws_smithy_types::date_time::Format::DateTime)
                    .unwrap_or_default(),
            }));
            next = out.next_token.filter(|t| !t.is_empty());
            if next.is_none() {
                break;
            }
        }
        Ok(all)
    }

    /// Deletes one of the token's user's passkeys; another user's or an unknown id is Cognito's
    /// ResourceNotFoundException
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteWebAuthnCredential.html>).
    pub async fn delete_webauthn_credential(&self, access_token: &str, credential_id: &str) -> CResult<()> {
        self.client
            .delete_web_authn_credential()
            .access_token(access_token)
            .credential_id(credential_id)
            .send()
            .await?;
        Ok(())
    }
}

/// Pages of ListWebAuthnCredentials read for one listing (20 passkeys a page).
pub const MAX_PASSKEY_PAGES: usize = 10;

/// One registered passkey, as ListWebAuthnCredentials describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct PasskeyInfo {
    pub credential_id: String,
    pub friendly_name: String,
    pub relying_party_id: String,
    pub authenticator_attachment: Option<String>,
    pub transports: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// The SDK's JSON document type (WebAuthn options and responses travel as documents) as serde JSON.
pub fn document_to_json(d: &aws_smithy_types::Document) -> serde_json::Value {
    use aws_smithy_types::{Document as D, Number as N};
    use serde_json::Value as V;
    match d {
        D::Object(m) => V::Object(m.iter().map(|(k, v)| (k.clone(), document_to_json(v))).collect()),
        D::Array(a) => V::Array(a.iter().map(document_to_json).collect()),
        D::Number(N::PosInt(n)) => V::from(*n),
        D::Number(N::NegInt(n)) => V::from(*n),
        D::Number(N::Float(f)) => serde_json::Number::from_f64(*f).map(V::Number).unwrap_or(V::Null),
        D::String(s) => V::String(s.clone()),
        D::Bool(b) => V::Bool(*b),
        D::Null => V::Null,
    }
}

/// The reverse of [`document_to_json`].
pub fn json_to_document(v: &serde_json::Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document as D, Number as N};
    use serde_json::Value as V;
    match v {
        V::Object(m) => D::Object(m.iter().map(|(k, v)| (k.clone(), json_to_document(v))).collect()),
        V::Array(a) => D::Array(a.iter().map(json_to_document).collect()),
        V::Number(n) => D::Number(if let Some(u) = n.as_u64() {
            N::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            N::NegInt(i)
        } else {
            N::Float(n.as_f64().unwrap_or(0.0))
        }),
        V::String(s) => D::String(s.clone()),
        V::Bool(b) => D::Bool(*b),
        V::Null => D::Null,
    }
}

fn unexpected(code: &str) -> CognitoError {
    CognitoError { kind: CognitoErrorKind::Other, code: code.into(), message: None }
}

fn auth_outcome(
    result: Option<cip::types::AuthenticationResultType>,
    challenge: Option<ChallengeNameType>,
    session: Option<String>,
    parameters: Option<HashMap<String, String>>,
) -> CResult<AuthOutcome> {
    if let Some(r) = result {
        if let Some(access_token) = r.access_token {
            return Ok(AuthOutcome::Tokens(Tokens {
                access_token,
                id_token: r.id_token,
                refresh_token: r.refresh_token,
                expires_in: r.expires_in,
                token_type: r.token_type.unwrap_or_else(|| "Bearer".into()),
            }));
        }
    }
    match (challenge, session) {
        (Some(c), Some(session)) => Ok(AuthOutcome::Challenge {
            name: c.as_str().to_string(),
            session,
            parameters: parameters.unwrap_or_default(),
        }),
        // Neither tokens nor an answerable challenge: never an empty body; a server-side fault.
        _ => Err(unexpected("NoTokensNoChallenge")),
    }
}
