//! Every row of the error table, through the real router and the real SDK deserialisers, with
//! Cognito's answers mocked by aws-smithy-mocks (no network). Also: the SECRET_HASH vector, the
//! declared-actions guard, and never an empty login answer.
mod support;

use auth_api::cognito::{secret_hash, with_route, CognitoErrorKind, DeclaredActionsGuard};
use auth_api::config::{Config, Secret};
use auth_api::definition::definition;
use auth_api::http::ApiRequest;
use auth_api::AppState;
use aws_sdk_cognitoidentityprovider as cip;
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use serde_json::{json, Value};

const FAKE_JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VybmFtZSI6InN1Yi0xIn0.c2ln";

/// A session the API sealed (key from the client secret "shh") for `challenge`, as login gave it.
fn sealed(challenge: &str) -> String {
    use auth_api::routes::challenge_session::{now, seal, Kind, SealKey, Sealed};
    let s = Sealed { kind: Kind::Cognito, challenge: challenge.into(), username: "sub-1".into(), session: "sess-abcdefghijklmnopqrstuvwxyz".into(), issued_at: now() };
    seal(&SealKey::for_sessions("shh"), &s).unwrap()
}

/// What an answered `session` holds, opened as login/challenge would for `challenge`.
fn opened(session: &str, challenge: &str) -> auth_api::routes::challenge_session::Sealed {
    use auth_api::routes::challenge_session::{now, open, SealKey};
    open(&SealKey::for_sessions("shh"), session, challenge, now(), std::time::Duration::from_secs(180)).unwrap()
}

fn cfg() -> Config {
    Config { client_secret: Some(Secret::Plain("shh".into())), ..support::mocked_config() }
}

fn state(rules: &[&Rule]) -> AppState {
    let client = mock_client!(cip, RuleMode::MatchAny, rules.iter().copied(), |c| c
        .interceptor(DeclaredActionsGuard)
        .interceptor(auth_api::cognito::RetryOnlyWhatIsSafe)
        .retry_config(auth_api::state::retry_config()));
    AppState::new(cfg(), client, &aws_config::SdkConfig::builder().build())
}

fn cognito_error(exception: &str) -> HttpResponse {
    let body = json!({"__type": exception, "message": format!("mocked {exception}")}).to_string();
    let status = if exception == "InternalErrorException" { 500 } else { 400 };
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

/// A rule making `op` fail with Cognito exception `ex`.
fn fail(op: &str, ex: &str) -> Rule {
    let ex = ex.to_string();
    let r = move || cognito_error(&ex);
    match op {
        "SignUp" => mock!(Client::sign_up).then_http_response(r),
        "ConfirmSignUp" => mock!(Client::confirm_sign_up).then_http_response(r),
        "ResendConfirmationCode" => mock!(Client::resend_confirmation_code).then_http_response(r),
        "AdminInitiateAuth" => mock!(Client::admin_initiate_auth).then_http_response(r),
        "GetTokensFromRefreshToken" => mock!(Client::get_tokens_from_refresh_token).then_http_response(r),
        "AdminRespondToAuthChallenge" => mock!(Client::admin_respond_to_auth_challenge).then_http_response(r),
        "GetUser" => mock!(Client::get_user).then_http_response(r),
        "GlobalSignOut" => mock!(Client::global_sign_out).then_http_response(r),
        "RevokeToken" => mock!(Client::revoke_token).then_http_response(r),
        "ForgotPassword" => mock!(Client::forgot_password).then_http_response(r),
        "ConfirmForgotPassword" => mock!(Client::confirm_forgot_password).then_http_response(r),
        "ChangePassword" => mock!(Client::change_password).then_http_response(r),
        "AssociateSoftwareToken" => mock!(Client::associate_software_token).then_http_response(r),
        "VerifySoftwareToken" => mock!(Client::verify_software_token).then_http_response(r),
        "DeleteUser" => mock!(Client::delete_user).then_http_response(r),
        "StartWebAuthnRegistration" => mock!(Client::start_web_authn_registration).then_http_response(r),
        "CompleteWebAuthnRegistration" => mock!(Client::complete_web_authn_registration).then_http_response(r),
        "ListWebAuthnCredentials" => mock!(Client::list_web_authn_credentials).then_http_response(r),
        "DeleteWebAuthnCredential" => mock!(Client::delete_web_authn_credential).then_http_response(r),
        other => panic!("no mock for {other}"),
    }
}

fn request(route: &str, body: Value) -> ApiRequest {
    let r = definition().by_name(route).unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    if r.bearer_token {
        headers.insert("authorization", format!("Bearer {FAKE_JWT}").parse().unwrap());
    }
    ApiRequest {
        method: r.method.parse().unwrap(),
        path: r.path.clone(),
        query: String::new(),
        route_key: Some(r.key().to_string()),
        headers,
        body: body.to_string().into(),
        peer_ip: "198.51.100.7".into(),
        request_id: "req-1".into(),
    }
}

fn body_for(route: &str) -> Value {
    match route {
        "register" | "login" => json!({"email": "jane@example.com", "password": "Corr3ct-horse!"}),
        "verify" => json!({"email": "jane@example.com", "code": "123456"}),
        "resend" | "passwordForgot" => json!({"email": "jane@example.com"}),
        "refresh" => json!({"refreshToken": "opaque.refresh.token"}),
        "logout" => json!({"refreshToken": "opaque.refresh.token"}),
        "passwordReset" => json!({"email": "jane@example.com", "code": "123456", "newPassword": "N3w-password!"}),
        "passwordChange" => json!({"currentPassword": "Corr3ct-horse!", "newPassword": "N3w-password!"}),
        "totpVerify" => json!({"code": "123456"}),
        "deleteUser" | "totpSetup" => json!({"currentPassword": "Corr3ct-horse!"}),
        "passkeyRegisterStart" => json!({"currentPassword": "Corr3ct-horse!"}),
        "passkeyRegisterComplete" => json!({"credential": {"id": "abc", "type": "public-key", "response": {}}}),
        "passkeyDelete" => json!({"credentialId": "abc"}),
        "loginStart" => json!({"email": "jane@example.com", "preferredChallenge": "WEB_AUTHN"}),
        "loginChallengePasskey" => json!({"email": "jane@example.com", "challenge": "WEB_AUTHN", "session": sealed("WEB_AUTHN"), "credential": {"id": "abc"}}),
        "loginChallengeOtp" => json!({"email": "jane@example.com", "challenge": "EMAIL_OTP", "session": sealed("EMAIL_OTP"), "answer": "123456"}),
        "loginChallenge" => json!({"email": "jane@example.com", "challenge": "SOFTWARE_TOKEN_MFA", "session": sealed("SOFTWARE_TOKEN_MFA"), "answer": "123456"}),
        _ => json!({}),
    }
}

async fn call(route: &str, rules: &[&Rule]) -> (u16, Value, http::HeaderMap) {
    let st = state(rules);
    // `loginChallengePasskey` / `loginChallengeOtp`: the loginChallenge route with that challenge's body.
    let real = route.strip_suffix("Passkey").or_else(|| route.strip_suffix("Otp")).unwrap_or(route);
    let resp = auth_api::handle(&st, request(real, body_for(route))).await;
    let v: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
    (resp.status.as_u16(), v, resp.headers)
}

fn ok_get_user() -> Rule {
    mock!(Client::get_user).then_output(|| {
        cip::operation::get_user::GetUserOutput::builder().username("sub-1").set_user_attributes(Some(vec![])).build().unwrap()
    })
}

fn ok_password_login() -> Rule {
    mock!(Client::admin_initiate_auth).then_output(|| {
        cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            .authentication_result(cip::types::AuthenticationResultType::builder().access_token(FAKE_JWT).expires_in(3600).build())
            .build()
    })
}

fn ok_resend() -> Rule {
    mock!(Client::resend_confirmation_code).then_output(|| cip::operation::resend_confirmation_code::ResendConfirmationCodeOutput::builder().build())
}

/// (route, failing operation, Cognito exception, expected status, expected code)
const TABLE: &[(&str, &str, &str, u16, &str)] = &[
    ("login", "AdminInitiateAuth", "NotAuthorizedException", 401, "invalid_credentials"),
    ("login", "AdminInitiateAuth", "UserNotFoundException", 401, "invalid_credentials"),
    ("login", "AdminInitiateAuth", "UserNotConfirmedException", 403, "user_not_confirmed"),
    ("login", "AdminInitiateAuth", "PasswordResetRequiredException", 403, "password_reset_required"),
    ("login", "AdminInitiateAuth", "TooManyRequestsException", 429, "too_many_requests"),
    ("login", "AdminInitiateAuth", "TooManyFailedAttemptsException", 429, "limit_exceeded"),
    ("login", "AdminInitiateAuth", "InternalErrorException", 503, "service_unavailable"),
    ("login", "AdminInitiateAuth", "BrandNewUnknownException", 500, "internal_error"),
    ("register", "SignUp", "InvalidPasswordException", 400, "invalid_password"),
    ("register", "SignUp", "InvalidParameterException", 400, "invalid_parameter"),
    ("register", "SignUp", "TooManyRequestsException", 429, "too_many_requests"),
    ("register", "SignUp", "CodeDeliveryFailureException", 503, "service_unavailable"),
    ("verify", "ConfirmSignUp", "CodeMismatchException", 400, "invalid_code"),
    ("verify", "ConfirmSignUp", "ExpiredCodeException", 400, "expired_code"),
    ("verify", "ConfirmSignUp", "UserNotFoundException", 400, "invalid_code"),
    ("verify", "ConfirmSignUp", "NotAuthorizedException", 400, "invalid_code"),
    // Per-user limits only a real account meets: answered as an unknown address (a wrong code).
    ("verify", "ConfirmSignUp", "LimitExceededException", 400, "invalid_code"),
    ("verify", "ConfirmSignUp", "TooManyFailedAttemptsException", 400, "invalid_code"),
    ("verify", "ConfirmSignUp", "TooManyRequestsException", 429, "too_many_requests"),
    ("resend", "ResendConfirmationCode", "TooManyRequestsException", 429, "too_many_requests"),
    ("refresh", "GetTokensFromRefreshToken", "NotAuthorizedException", 401, "invalid_refresh_token"),
    ("refresh", "GetTokensFromRefreshToken", "RefreshTokenReuseException", 401, "refresh_token_reused"),
    ("refresh", "GetTokensFromRefreshToken", "UserNotFoundException", 401, "invalid_refresh_token"),
    ("refresh", "GetTokensFromRefreshToken", "TooManyRequestsException", 429, "too_many_requests"),
    ("refresh", "GetTokensFromRefreshToken", "InternalErrorException", 503, "service_unavailable"),
    ("userinfo", "GetUser", "NotAuthorizedException", 401, "invalid_token"),
    ("userinfo", "GetUser", "UserNotFoundException", 401, "invalid_token"),
    ("userinfo", "GetUser", "TooManyRequestsException", 429, "too_many_requests"),
    ("logout", "GlobalSignOut", "NotAuthorizedException", 401, "invalid_token"),
    ("logout", "GlobalSignOut", "TooManyRequestsException", 429, "too_many_requests"),
    ("passwordForgot", "ForgotPassword", "TooManyRequestsException", 429, "too_many_requests"),
    ("passwordForgot", "ForgotPassword", "CodeDeliveryFailureException", 503, "service_unavailable"),
    ("passwordReset", "ConfirmForgotPassword", "CodeMismatchException", 400, "invalid_code"),
    // An existing user with no pending code (ExpiredCode) answers as an unknown address (CodeMismatch).
    ("passwordReset", "ConfirmForgotPassword", "ExpiredCodeException", 400, "invalid_code"),
    ("passwordReset", "ConfirmForgotPassword", "InvalidPasswordException", 400, "invalid_password"),
    ("passwordReset", "ConfirmForgotPassword", "UserNotFoundException", 400, "invalid_code"),
    ("passwordReset", "ConfirmForgotPassword", "LimitExceededException", 400, "invalid_code"),
    ("passwordReset", "ConfirmForgotPassword", "TooManyFailedAttemptsException", 400, "invalid_code"),
    ("passwordReset", "ConfirmForgotPassword", "TooManyRequestsException", 429, "too_many_requests"),
    ("passwordChange", "ChangePassword", "InvalidPasswordException", 400, "invalid_password"),
    ("passwordChange", "ChangePassword", "LimitExceededException", 429, "limit_exceeded"),
    ("totpSetup", "GetUser", "NotAuthorizedException", 401, "invalid_token"),
    ("totpVerify", "VerifySoftwareToken", "EnableSoftwareTokenMFAException", 400, "invalid_code"),
    ("totpVerify", "VerifySoftwareToken", "CodeMismatchException", 400, "invalid_code"),
    ("totpVerify", "VerifySoftwareToken", "SoftwareTokenMFANotFoundException", 400, "mfa_not_set_up"),
    ("loginChallenge", "AdminRespondToAuthChallenge", "CodeMismatchException", 400, "invalid_code"),
    ("loginChallenge", "AdminRespondToAuthChallenge", "NotAuthorizedException", 401, "invalid_session"),
    ("loginChallenge", "AdminRespondToAuthChallenge", "ExpiredCodeException", 400, "expired_code"),
    ("loginChallenge", "AdminRespondToAuthChallenge", "LimitExceededException", 400, "invalid_code"),
    ("loginChallenge", "AdminRespondToAuthChallenge", "TooManyRequestsException", 429, "too_many_requests"),
    ("deleteUser", "AdminInitiateAuth", "NotAuthorizedException", 401, "incorrect_password"),
    ("deleteUser", "AdminInitiateAuth", "TooManyFailedAttemptsException", 429, "limit_exceeded"),
    ("totpSetup", "AdminInitiateAuth", "NotAuthorizedException", 401, "incorrect_password"),
    // Passkeys (errors of each operation: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html#API_CompleteWebAuthnRegistration_Errors etc.)
    ("passkeyRegisterStart", "AdminInitiateAuth", "NotAuthorizedException", 401, "incorrect_password"),
    ("passkeyRegisterStart", "StartWebAuthnRegistration", "NotAuthorizedException", 401, "invalid_token"),
    ("passkeyRegisterStart", "StartWebAuthnRegistration", "WebAuthnNotEnabledException", 500, "internal_error"),
    // The user's passkey count (not a rate): not retryable, no Retry-After.
    ("passkeyRegisterStart", "StartWebAuthnRegistration", "LimitExceededException", 409, "passkey_limit_reached"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "LimitExceededException", 409, "passkey_limit_reached"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "WebAuthnOriginNotAllowedException", 400, "passkey_rejected"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "WebAuthnRelyingPartyMismatchException", 400, "passkey_rejected"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "WebAuthnChallengeNotFoundException", 400, "passkey_rejected"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "WebAuthnCredentialNotSupportedException", 400, "passkey_rejected"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "WebAuthnClientMismatchException", 400, "passkey_rejected"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "InvalidParameterException", 400, "passkey_rejected"),
    ("passkeyRegisterComplete", "CompleteWebAuthnRegistration", "NotAuthorizedException", 401, "invalid_token"),
    ("passkeysList", "ListWebAuthnCredentials", "NotAuthorizedException", 401, "invalid_token"),
    ("passkeysList", "ListWebAuthnCredentials", "TooManyRequestsException", 429, "too_many_requests"),
    ("passkeyDelete", "DeleteWebAuthnCredential", "ResourceNotFoundException", 404, "passkey_not_found"),
    ("passkeyDelete", "DeleteWebAuthnCredential", "NotAuthorizedException", 401, "invalid_token"),
    ("loginStart", "AdminInitiateAuth", "TooManyRequestsException", 429, "too_many_requests"),
    ("loginStart", "AdminInitiateAuth", "InternalErrorException", 503, "service_unavailable"),
    ("loginChallengePasskey", "AdminRespondToAuthChallenge", "NotAuthorizedException", 401, "invalid_passkey"),
    ("loginChallengePasskey", "AdminRespondToAuthChallenge", "InvalidParameterException", 401, "invalid_passkey"),
    ("loginChallengePasskey", "AdminRespondToAuthChallenge", "TooManyRequestsException", 429, "too_many_requests"),
    ("loginChallengeOtp", "AdminRespondToAuthChallenge", "CodeMismatchException", 400, "invalid_code"),
    ("loginChallengeOtp", "AdminRespondToAuthChallenge", "NotAuthorizedException", 401, "invalid_session"),
    // A trigger of the pool that failed (an error, no answer in time, an answer Cognito cannot read):
    // the operation did nothing; the caller can only try later. (A pre sign-up refusal: below.)
    ("register", "SignUp", "UserLambdaValidationException", 503, "service_unavailable"),
    ("register", "SignUp", "UnexpectedLambdaException", 503, "service_unavailable"),
    ("register", "SignUp", "InvalidLambdaResponseException", 503, "service_unavailable"),
    ("login", "AdminInitiateAuth", "UserLambdaValidationException", 503, "service_unavailable"),
    ("refresh", "GetTokensFromRefreshToken", "InvalidLambdaResponseException", 503, "service_unavailable"),
    ("loginChallengePasskey", "AdminRespondToAuthChallenge", "UnexpectedLambdaException", 503, "service_unavailable"),
    ("passwordForgot", "ForgotPassword", "UserLambdaValidationException", 503, "service_unavailable"),
    ("loginChallengeOtp", "AdminRespondToAuthChallenge", "LimitExceededException", 400, "invalid_code"),
    ("loginChallengePasskey", "AdminRespondToAuthChallenge", "LimitExceededException", 401, "invalid_passkey"),
];

/// The pre sign-up trigger's refusal: Cognito's UserLambdaValidationException carrying the
/// trigger's `[sign_up_not_allowed]` marker ("PreSignUp failed with error <message>.") is the API's
/// 403, without Retry-After; the same exception without the marker is a failing trigger (the table).
#[tokio::test]
async fn a_pre_sign_up_refusal_is_sign_up_not_allowed() {
    let message = format!("PreSignUp failed with error {} {}.", auth_api::error::ApiError::SignUpNotAllowed.refusal_marker(), "Sign-up with this email address is not allowed");
    let body = json!({"__type": "UserLambdaValidationException", "message": message}).to_string();
    let rule = mock!(Client::sign_up).then_http_response(move || HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body.clone())));
    let (status, body, headers) = call("register", &[&rule]).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("sign_up_not_allowed")), "{body}");
    assert!(!body.to_string().contains("PreSignUp"), "Cognito's message leaked: {body}");
    assert!(headers.get("retry-after").is_none());
    assert_eq!(rule.num_calls(), 1);
}

/// The user migration trigger's "not migrated", should a pool pass it on as UserLambdaValidationException
/// ("UserMigration failed with error [invalid_credentials] ..."), is the answer an unknown user gets: 401
/// invalid_credentials at login, the usual 202 at a password reset; never the failing trigger's 503.
#[tokio::test]
async fn a_user_migration_refusal_is_an_unknown_user() {
    let message = format!("UserMigration failed with error {} {}.", auth_api::error::ApiError::InvalidCredentials.refusal_marker(), auth_api::triggers::user_migration::NOT_MIGRATED);
    let body = json!({"__type": "UserLambdaValidationException", "message": message}).to_string();
    let answer = move || HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body.clone()));
    let login = mock!(Client::admin_initiate_auth).then_http_response(answer.clone());
    let (status, body, headers) = call("login", &[&login]).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_credentials")), "{body}");
    assert!(!body.to_string().contains("UserMigration"), "Cognito's message leaked: {body}");
    assert!(headers.get("retry-after").is_none());
    let forgot = mock!(Client::forgot_password).then_http_response(answer);
    let (status, body, _) = call("passwordForgot", &[&forgot]).await;
    assert_eq!(status, 202, "{body}");
}

/// Cognito's refusals of a sign-in without a password never show: every one is answered with the
/// asked factor's challenge shape (a stand-in), as an unknown address is.
#[tokio::test]
async fn login_start_refusals_answer_a_stand_in_of_the_asked_shape() {
    for ex in [
        "NotAuthorizedException",
        "UserNotFoundException",
        "UserNotConfirmedException",
        "PasswordResetRequiredException",
        // Per-user and parameter errors: only a real account meets them, so they are hidden too.
        "LimitExceededException",
        "TooManyFailedAttemptsException",
        "InvalidParameterException",
    ] {
        let rule = fail("AdminInitiateAuth", ex);
        let (status, body, _) = call("loginStart", &[&rule]).await;
        assert_eq!(status, 200, "{ex}: {body}");
        assert_eq!(body["challenge"], "WEB_AUTHN", "{ex}");
        assert_eq!(body["credentialRequestOptions"]["allowCredentials"], json!([]), "{ex}");
        // The stand-in's challenge: 64 random bytes in unpadded base64url before any real one was seen.
        assert_eq!(body["credentialRequestOptions"]["challenge"].as_str().map(str::len), Some(86), "{ex}: {body}");
        let s = opened(body["session"].as_str().unwrap(), "WEB_AUTHN");
        assert_eq!(s.kind, auth_api::routes::challenge_session::Kind::Decoy, "{ex}");
        assert_eq!(s.username, "jane@example.com", "{ex}: the stand-in answers for the address as typed");
    }
}

#[tokio::test]
async fn every_error_mapping_in_the_table() {
    for (route, op, ex, status, code) in TABLE {
        let rule = fail(op, ex);
        // Routes that re-authenticate read the user first (the failing rule, first, wins for GetUser).
        let user = ok_get_user();
        // passkeyRegisterStart checks the password (AdminInitiateAuth) before its own operation.
        let password_ok = ok_password_login();
        let (got, body, headers) = call(route, &[&rule, &user, &password_ok]).await;
        assert_eq!((got, body["error"].as_str()), (*status, Some(*code)), "{route} / {ex}: {body}");
        assert_eq!(body["requestId"], "req-1", "{route} / {ex}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{route} / {ex}");
        let text = body.to_string();
        if *code != "invalid_password" {
            assert!(!text.contains("mocked"), "Cognito's message leaked: {text}");
            assert!(!text.contains("Exception"), "internal type leaked: {text}");
        }
        if *status == 429 || *status == 503 {
            assert!(headers.get("retry-after").is_some(), "{route} / {ex}: no Retry-After");
        } else {
            assert!(headers.get("retry-after").is_none(), "{route} / {ex}: Retry-After on an answer waiting does not change");
        }
        assert_eq!(headers["content-type"], "application/json");
        // The bound docs/api.md documents, held as a literal (not config::MAX_ATTEMPTS, the value under test):
        // a quota Cognito says is used up is never tried again (cognito::retry OVER_QUOTA).
        let over_quota = ["TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"].contains(ex);
        let max = if *status == 503 { 2 } else { 1 };
        assert!((1..=max).contains(&rule.num_calls()), "{route} / {ex}: called {} times", rule.num_calls());
        if over_quota {
            assert_eq!(rule.num_calls(), 1, "{route} / {ex}: a used-up quota tried again");
        }
    }
}

#[tokio::test]
async fn password_policy_message_is_passed_on() {
    let rule = fail("SignUp", "InvalidPasswordException");
    let (_, body, _) = call("register", &[&rule]).await;
    assert_eq!(body["message"], "mocked InvalidPasswordException");
}

#[tokio::test]
async fn unknown_user_and_wrong_password_are_byte_identical() {
    let a = auth_api::handle(&state(&[&fail("AdminInitiateAuth", "NotAuthorizedException")]), request("login", body_for("login"))).await;
    let b = auth_api::handle(&state(&[&fail("AdminInitiateAuth", "UserNotFoundException")]), request("login", body_for("login"))).await;
    assert_eq!(a.status, b.status);
    assert_eq!(a.body, b.body);
}

#[tokio::test]
async fn register_and_enumeration_safe_routes_answer_the_same_for_existing_or_unknown() {
    let new_user = mock!(Client::sign_up).then_output(|| {
        cip::operation::sign_up::SignUpOutput::builder().user_confirmed(false).user_sub("s").build().unwrap()
    });
    let a = auth_api::handle(&state(&[&new_user]), request("register", body_for("register"))).await;
    let exists = fail("SignUp", "UsernameExistsException");
    let b = auth_api::handle(&state(&[&exists]), request("register", body_for("register"))).await;
    assert_eq!((a.status.as_u16(), &a.body), (202, &b.body));
    assert_eq!((new_user.num_calls(), exists.num_calls()), (1, 1), "one SignUp either way, nothing else");

    // A per-user limit (only real users have one) answers exactly as usual.
    for (route, op) in [("resend", "ResendConfirmationCode"), ("passwordForgot", "ForgotPassword")] {
        let ok = match op {
            "ResendConfirmationCode" => ok_resend(),
            _ => mock!(Client::forgot_password).then_output(|| cip::operation::forgot_password::ForgotPasswordOutput::builder().build()),
        };
        let limited = fail(op, "LimitExceededException");
        let (s1, b1, _) = call(route, &[&ok]).await;
        let (s2, b2, h2) = call(route, &[&limited]).await;
        assert_eq!((s1, &b1), (s2, &b2), "{route}");
        assert!(h2.get("retry-after").is_none(), "{route}");
    }

    for (route, op) in [("resend", "ResendConfirmationCode"), ("passwordForgot", "ForgotPassword")] {
        let unknown = fail(op, "UserNotFoundException");
        let (s, body, _) = call(route, &[&unknown]).await;
        assert_eq!(s, 202, "{route}");
        assert_eq!(body["codeDelivery"]["destination"], "j***@e***", "{route}");
    }
}

#[tokio::test]
async fn login_answers_tokens_or_a_challenge_never_an_empty_body() {
    let tokens = mock!(Client::admin_initiate_auth).then_output(|| {
        cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            .authentication_result(
                cip::types::AuthenticationResultType::builder()
                    .access_token(FAKE_JWT)
                    .id_token("id.tok.en")
                    .refresh_token("refresh")
                    .expires_in(3600)
                    .token_type("Bearer")
                    .build(),
            )
            .build()
    });
    let (s, body, h) = call("login", &[&tokens]).await;
    assert_eq!(s, 200);
    assert_eq!(body["accessToken"], FAKE_JWT);
    assert_eq!(body["expiresIn"], 3600);
    assert_eq!(body["tokenType"], "Bearer");
    assert_eq!(body["username"], "sub-1");
    assert_eq!(h["cache-control"], "no-store");

    let challenge = mock!(Client::admin_initiate_auth).then_output(|| {
        cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            .challenge_name(cip::types::ChallengeNameType::SoftwareTokenMfa)
            .session("sess")
            .build()
    });
    let (s, body, _) = call("login", &[&challenge]).await;
    assert_eq!((s, body["challenge"].as_str()), (200, Some("SOFTWARE_TOKEN_MFA")));
    // The session carries the account, sealed: Cognito's USER_ID_FOR_SRP when it answers one.
    let s = opened(body["session"].as_str().unwrap(), "SOFTWARE_TOKEN_MFA");
    assert_eq!((s.username.as_str(), s.session.as_str(), s.kind), ("jane@example.com", "sess", auth_api::routes::challenge_session::Kind::Cognito));
    let with_id = mock!(Client::admin_initiate_auth).then_output(|| {
        cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            .challenge_name(cip::types::ChallengeNameType::SoftwareTokenMfa)
            .session("sess")
            .challenge_parameters("USER_ID_FOR_SRP", "sub-1")
            .build()
    });
    let (_, body, _) = call("login", &[&with_id]).await;
    let s = opened(body["session"].as_str().unwrap(), "SOFTWARE_TOKEN_MFA");
    assert_eq!((s.username.as_str(), s.session.as_str()), ("sub-1", "sess"));

    let nothing = mock!(Client::admin_initiate_auth)
        .then_output(|| cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder().build());
    let (s, body, _) = call("login", &[&nothing]).await;
    assert_eq!((s, body["error"].as_str()), (500, Some("internal_error")));
}

#[tokio::test]
async fn change_password_tells_a_wrong_password_from_a_revoked_token() {
    // Cognito answers NotAuthorized for both; GetUser with the same token tells them apart.
    let refused = fail("ChangePassword", "NotAuthorizedException");
    let alive = mock!(Client::get_user).then_output(|| {
        cip::operation::get_user::GetUserOutput::builder().username("sub-1").set_user_attributes(Some(vec![])).build().unwrap()
    });
    let (s, body, _) = call("passwordChange", &[&refused, &alive]).await;
    assert_eq!((s, body["error"].as_str()), (401, Some("incorrect_password")));
    let dead = fail("GetUser", "NotAuthorizedException");
    let (s, body, _) = call("passwordChange", &[&refused, &dead]).await;
    assert_eq!((s, body["error"].as_str()), (401, Some("invalid_token")));
}

#[tokio::test]
async fn delete_user_tells_a_wrong_password_from_a_refused_token() {
    // The username comes from the token (no GetUser first); when the password check fails,
    // GetUser with the same token tells a wrong password from a token Cognito refuses.
    let refused = fail("AdminInitiateAuth", "NotAuthorizedException");
    let alive = ok_get_user();
    let (s, body, _) = call("deleteUser", &[&refused, &alive]).await;
    assert_eq!((s, body["error"].as_str()), (401, Some("incorrect_password")));
    let dead = fail("GetUser", "NotAuthorizedException");
    let (s, body, _) = call("deleteUser", &[&refused, &dead]).await;
    assert_eq!((s, body["error"].as_str()), (401, Some("invalid_token")));
    assert_eq!(dead.num_calls(), 1);
}

#[test]
fn revoke_token_unauthorized_is_not_a_server_error() {
    // RevokeToken documents UnauthorizedException (not NotAuthorized).
    assert_eq!(CognitoErrorKind::from_exception("UnauthorizedException"), CognitoErrorKind::NotAuthorized);
}

#[test]
fn secret_hash_matches_a_known_vector() {
    // Computed independently: base64(HMAC-SHA256("example-client-secret", username + client id)).
    assert_eq!(
        secret_hash("example-client-secret", "5f2c8a6e-0d4b-4c55-9a8e-3f0f5b1f2a11", "3n4b5urk1ft4fl3mg5e62d9ado"),
        "fv03P47GICTMu1sGnUsmBrPquYd73vV4o4YS5QEHuqg="
    );
}

/// Refresh sends the refresh token and the client secret itself to GetTokensFromRefreshToken (no
/// SECRET_HASH, no username: a `username` an older client still sends is ignored), and answers
/// Cognito's new refresh token.
#[tokio::test]
async fn refresh_sends_the_client_secret_and_answers_the_rotated_token() {
    let rule = mock!(Client::get_tokens_from_refresh_token)
        .match_requests(|r| {
            r.refresh_token() == Some("opaque.refresh.token") && r.client_secret() == Some("shh") && r.client_id() == Some("client123")
        })
        .then_output(|| {
            cip::operation::get_tokens_from_refresh_token::GetTokensFromRefreshTokenOutput::builder()
                .authentication_result(
                    cip::types::AuthenticationResultType::builder()
                        .access_token(FAKE_JWT)
                        .id_token("id.tok.en")
                        .refresh_token("rotated.refresh.token")
                        .expires_in(3600)
                        .token_type("Bearer")
                        .build(),
                )
                .build()
        });
    for body in [json!({"refreshToken": "opaque.refresh.token"}), json!({"refreshToken": "opaque.refresh.token", "username": "ignored@example.com"})] {
        let resp = auth_api::handle(&state(&[&rule]), request("refresh", body.clone())).await;
        let v: Value = serde_json::from_slice(&resp.body).unwrap();
        assert_eq!(resp.status.as_u16(), 200, "{body}: {v}");
        assert_eq!((v["accessToken"].as_str(), v["refreshToken"].as_str(), v["username"].as_str()), (Some(FAKE_JWT), Some("rotated.refresh.token"), Some("sub-1")));
    }
    assert_eq!(rule.num_calls(), 2, "GetTokensFromRefreshToken did not get the token, the client id and the client secret");
    // Without the token it is a 400 before any Cognito call.
    let resp = auth_api::handle(&state(&[&rule]), request("refresh", json!({"username": "sub-1"}))).await;
    assert_eq!((resp.status.as_u16(), rule.num_calls()), (400, 2));
}

#[tokio::test]
async fn the_guard_refuses_an_operation_the_route_does_not_declare() {
    // A real client aimed at a closed port: a refused call fails before any connection
    // (Undeclared); an allowed one gets as far as the network (Unavailable).
    let sdk = aws_config::SdkConfig::builder()
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::SharedCredentialsProvider::new(
            aws_sdk_cognitoidentityprovider::config::Credentials::for_tests(),
        ))
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    let st = AppState::new(cfg(), auth_api::state::cognito_client(&sdk), &sdk);
    let login = definition().by_name("login").unwrap();
    let userinfo = definition().by_name("userinfo").unwrap();
    let refused = with_route(login, st.cognito.get_user(FAKE_JWT)).await.unwrap_err();
    assert_eq!(refused.kind, CognitoErrorKind::Undeclared);
    let allowed = with_route(userinfo, st.cognito.get_user(FAKE_JWT)).await.unwrap_err();
    assert_eq!(allowed.kind, CognitoErrorKind::Unavailable);
}

fn tokens_output() -> cip::types::AuthenticationResultType {
    cip::types::AuthenticationResultType::builder()
        .access_token(FAKE_JWT)
        .id_token("id.tok.en")
        .expires_in(3600)
        .token_type("Bearer")
        .build()
}

/// The caller's address and request details reach Cognito's threat protection as ContextData on
/// every call that takes it (login, challenge answers; GetTokensFromRefreshToken, which refresh
/// calls, has no ContextData field):
/// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ContextDataType.html
#[tokio::test]
async fn context_data_carries_the_caller_to_cognito() {
    fn caller_ok(c: Option<&cip::types::ContextDataType>, path: &str) -> bool {
        let Some(c) = c else { return false };
        let ua = c.http_headers().iter().any(|h| h.header_name() == Some("User-Agent") && h.header_value() == Some("Demo-Browser/1.0"));
        c.ip_address() == "198.51.100.7" && c.server_name() == "api.example.com" && c.server_path() == path && ua
    }
    let with_caller = |route: &str| {
        let mut req = request(route, body_for(route));
        req.headers.insert("host", "api.example.com".parse().unwrap());
        req.headers.insert("user-agent", "Demo-Browser/1.0".parse().unwrap());
        req
    };
    let login = mock!(Client::admin_initiate_auth)
        .match_requests(|r| caller_ok(r.context_data(), "/auth/login"))
        .then_output(|| cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder().authentication_result(tokens_output()).build());
    let resp = auth_api::handle(&state(&[&login]), with_caller("login")).await;
    assert_eq!((resp.status.as_u16(), login.num_calls()), (200, 1), "login: {}", String::from_utf8_lossy(&resp.body));

    let challenge = mock!(Client::admin_respond_to_auth_challenge)
        .match_requests(|r| caller_ok(r.context_data(), "/auth/login/challenge"))
        .then_output(|| {
            cip::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput::builder().authentication_result(tokens_output()).build()
        });
    let resp = auth_api::handle(&state(&[&challenge]), with_caller("loginChallenge")).await;
    assert_eq!((resp.status.as_u16(), challenge.num_calls()), (200, 1), "challenge: {}", String::from_utf8_lossy(&resp.body));
}

/// Logout revokes exactly the refresh token it was given (with the client secret RevokeToken
/// takes), and `refreshTokenRevoked` reports Cognito's answer, not whether a token was sent.
#[tokio::test]
async fn logout_revokes_the_given_token_and_reports_cognitos_answer() {
    let signed_out = || mock!(Client::global_sign_out)
        .match_requests(|r| r.access_token() == Some(FAKE_JWT))
        .then_output(|| cip::operation::global_sign_out::GlobalSignOutOutput::builder().build());
    let exact = |r: &cip::operation::revoke_token::RevokeTokenInput| {
        r.token() == Some("opaque.refresh.token") && r.client_secret() == Some("shh") && r.client_id() == Some("client123")
    };

    let (gso, revoke) = (signed_out(), mock!(Client::revoke_token).match_requests(exact).then_output(|| {
        cip::operation::revoke_token::RevokeTokenOutput::builder().build()
    }));
    let (s, body, _) = call("logout", &[&gso, &revoke]).await;
    assert_eq!((s, &body), (200, &json!({"signedOut": true, "everywhere": true, "refreshTokenRevoked": true})));
    assert_eq!((gso.num_calls(), revoke.num_calls()), (1, 1), "RevokeToken must get exactly the given token");

    for refusal in ["UnauthorizedException", "UnsupportedTokenTypeException", "InvalidParameterException", "TooManyRequestsException", "InternalErrorException"] {
        let (gso, revoke) = (signed_out(), mock!(Client::revoke_token).match_requests(exact).then_http_response(move || cognito_error(refusal)));
        let (s, body, _) = call("logout", &[&gso, &revoke]).await;
        assert_eq!((s, &body), (200, &json!({"signedOut": true, "everywhere": true, "refreshTokenRevoked": false})), "{refusal}");
        assert!(revoke.num_calls() >= 1, "{refusal}");
    }
}

/// A Cognito session of 4096 characters (twice the service model's SessionType maximum, which the
/// emulator's switch reaches) is sealed and answered: the session the client gets back fits the
/// request's `session` limit and reaches Cognito unchanged.
#[tokio::test]
async fn a_4096_character_cognito_session_is_sealed_and_answered() {
    let long: String = "S".repeat(4096);
    let l = long.clone();
    let challenge = mock!(Client::admin_initiate_auth).then_output(move || {
        cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            .challenge_name(cip::types::ChallengeNameType::SoftwareTokenMfa)
            .session(l.clone())
            .challenge_parameters("USER_ID_FOR_SRP", "sub-1")
            .build()
    });
    let (s, body, _) = call("login", &[&challenge]).await;
    assert_eq!(s, 200, "{body}");
    let session = body["session"].as_str().unwrap().to_string();
    assert_eq!(session.len(), auth_api::routes::challenge_session::MAX_SEALED);
    assert!(session.len() <= auth_api::routes::input::MAX_SESSION);
    let l = long.clone();
    let answered = mock!(Client::admin_respond_to_auth_challenge)
        .match_requests(move |r| r.session() == Some(l.as_str()) && r.challenge_responses().and_then(|c| c.get("USERNAME")).map(String::as_str) == Some("sub-1"))
        .then_output(|| {
            cip::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput::builder().authentication_result(tokens_output()).build()
        });
    let st = state(&[&answered]);
    let req = request("loginChallenge", json!({"email": "jane@example.com", "challenge": "SOFTWARE_TOKEN_MFA", "session": session, "answer": "123456"}));
    let resp = auth_api::handle(&st, req).await;
    assert_eq!((resp.status.as_u16(), answered.num_calls()), (200, 1), "{}", String::from_utf8_lossy(&resp.body));
}

/// Re-authentication signs in to check the password; the token set that sign-in mints (a 30-day
/// refresh token) is revoked at once, with the client secret, for every route that re-authenticates.
/// Before, it was dropped unrevoked.
#[tokio::test]
async fn the_tokens_of_the_password_check_are_revoked() {
    for route in ["totpSetup", "deleteUser", "passkeyRegisterStart"] {
        let minted = mock!(Client::admin_initiate_auth).then_output(|| {
            cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
                .authentication_result(
                    cip::types::AuthenticationResultType::builder().access_token("minted.access.token").refresh_token("minted-refresh-token").expires_in(3600).build(),
                )
                .build()
        });
        let revoked = mock!(Client::revoke_token)
            .match_requests(|r| r.token() == Some("minted-refresh-token") && r.client_secret() == Some("shh") && r.client_id() == Some("client123"))
            .then_output(|| cip::operation::revoke_token::RevokeTokenOutput::builder().build());
        // The route's own operation succeeds (what it answers is not the point here).
        let associate = mock!(Client::associate_software_token).then_output(|| cip::operation::associate_software_token::AssociateSoftwareTokenOutput::builder().secret_code("JBSWY3DPEHPK3PXP").build());
        let delete = mock!(Client::delete_user).then_output(|| cip::operation::delete_user::DeleteUserOutput::builder().build());
        let start = mock!(Client::start_web_authn_registration)
            .then_output(|| cip::operation::start_web_authn_registration::StartWebAuthnRegistrationOutput::builder().credential_creation_options(aws_smithy_types::Document::Object(Default::default())).build().unwrap());
        let (status, body, _) = call(route, &[&minted, &revoked, &ok_get_user(), &associate, &delete, &start]).await;
        assert_eq!(status, 200, "{route}: {body}");
        assert_eq!(revoked.num_calls(), 1, "{route}: the password check's refresh token was not revoked ({status} {body})");
    }
    // A wrong password mints nothing and revokes nothing.
    let refused = fail("AdminInitiateAuth", "NotAuthorizedException");
    let revoked = mock!(Client::revoke_token).then_output(|| cip::operation::revoke_token::RevokeTokenOutput::builder().build());
    let (status, _, _) = call("totpSetup", &[&refused, &revoked, &ok_get_user()]).await;
    assert_eq!((status, revoked.num_calls()), (401, 0));
}
