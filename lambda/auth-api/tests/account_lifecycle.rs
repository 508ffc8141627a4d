//! The account lifecycle end to end against the emulator: forgot/reset, change password, TOTP
//! enrolment and the login challenge (codes computed by totp-rs), account deletion.
mod support;
use serde_json::json;
use support::*;
use totp_rs::{Algorithm, Secret, TOTP};

const NEW_PASSWORD: &str = "An0ther-Long-Passw0rd!";

#[tokio::test]
async fn forgot_then_reset_then_login_with_the_new_password_only() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("reset");
    api.confirmed_user(&email).await;

    let known = api.post("/auth/password/forgot", json!({"email": email})).await;
    let unknown = api.post("/auth/password/forgot", json!({"email": support::email("ghost").replacen("ghost", "reset", 1)})).await;
    assert_eq!((known.status, unknown.status), (202, 202));
    assert_eq!(known.body_without_request_id(), unknown.body_without_request_id(), "forgot must not reveal accounts");
    assert_eq!(known.headers.get("content-length"), unknown.headers.get("content-length"));

    let reset = |code: &str, pw: &str| json!({"email": email, "code": code, "newPassword": pw});
    let r = api.post("/auth/password/reset", reset("000000", NEW_PASSWORD)).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"));
    let r = api.post("/auth/password/reset", reset(DEV_CODE, "weak")).await;
    assert_eq!((r.status, r.error()), (400, "invalid_password"));
    let r = api.post("/auth/password/reset", reset(DEV_CODE, NEW_PASSWORD)).await;
    assert_eq!((r.status, &r.json), (200, &json!({"passwordReset": true})));

    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_credentials"), "the old password must fail");
    api.login(&email, NEW_PASSWORD).await;
}

#[tokio::test]
async fn reset_answers_alike_for_expired_never_sent_and_unknown() {
    // Cognito tells them apart (ExpiredCode for an existing user with no pending code, CodeMismatch
    // for an unknown address); the API must not.
    let env = Env::start().await;
    let api = &env.api;
    let email = email("expired");
    api.confirmed_user(&email).await;
    let reset = |who: &str| json!({"email": who, "code": DEV_CODE, "newPassword": NEW_PASSWORD});
    let never_sent = api.post("/auth/password/reset", reset(&email)).await;
    let unknown = api.post("/auth/password/reset", reset(&support::email("ghost"))).await;
    env.emu.faults(json!({"codeTtlSeconds": 0})).await;
    assert_eq!(api.post("/auth/password/forgot", json!({"email": email})).await.status, 202);
    let expired = api.post("/auth/password/reset", reset(&email)).await;
    assert_eq!((unknown.status, unknown.error()), (400, "invalid_code"));
    for r in [&never_sent, &expired] {
        assert_eq!((r.status, r.body_without_request_id()), (unknown.status, unknown.body_without_request_id()));
    }
}

#[tokio::test]
async fn change_password() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("change");
    let access = &api.signed_in(&email).await;

    let change = |cur: &str, new: &str| json!({"currentPassword": cur, "newPassword": new});
    let r = api.post_auth("/auth/password/change", access, change("Wrong-passw0rd!", NEW_PASSWORD)).await;
    assert_eq!((r.status, r.error()), (401, "incorrect_password"));
    let r = api.post_auth("/auth/password/change", access, change(PASSWORD, "weak")).await;
    assert_eq!((r.status, r.error()), (400, "invalid_password"));
    let r = api.post_auth("/auth/password/change", access, change(PASSWORD, NEW_PASSWORD)).await;
    assert_eq!((r.status, &r.json), (200, &json!({"passwordChanged": true})));
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status, 401);
    api.login(&email, NEW_PASSWORD).await;
}

fn totp_from(secret_b32: &str) -> TOTP {
    TOTP::new(Algorithm::SHA1, 6, 1, 30, Secret::Encoded(secret_b32.to_string()).to_bytes().unwrap()).unwrap()
}

fn code_at_step_offset(totp: &TOTP, steps: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    totp.generate((now + steps * 30) as u64)
}

#[tokio::test]
async fn totp_enrolment_then_login_with_the_challenge() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("totp");
    api.confirmed_user(&email).await;
    let t = api.login(&email, PASSWORD).await;
    let access = t["accessToken"].as_str().unwrap();

    let r = api.post_auth("/auth/mfa/totp/setup", access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let secret = r.json["secret"].as_str().unwrap().to_string();
    let uri = r.json["otpauthUri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Auth%20API%20Test:"), "{uri}");
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    let totp = totp_from(&secret);

    // A wrong first code is refused and TOTP stays off.
    let wrong = if code_at_step_offset(&totp, 0) == "000000" { "111111" } else { "000000" };
    let r = api.post_auth("/auth/mfa/totp/verify", access, json!({"code": wrong})).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"));
    assert_eq!(api.get_auth("/auth/userinfo", access).await.json["mfaEnabled"], false);

    let r = api.post_auth("/auth/mfa/totp/verify", access, json!({"code": code_at_step_offset(&totp, 0), "deviceName": "phone"})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"mfaEnabled": true, "method": "TOTP"})));
    let info = api.get_auth("/auth/userinfo", access).await.json;
    assert_eq!((info["mfaEnabled"].as_bool(), info["preferredMfa"].as_str()), (Some(true), Some("SOFTWARE_TOKEN_MFA")));

    assert_eq!(api.post_auth("/auth/logout", access, json!({"refreshToken": t["refreshToken"]})).await.status, 200);

    // Login now answers the challenge, not tokens.
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.json["challenge"].as_str()), (200, Some("SOFTWARE_TOKEN_MFA")), "{}", r.json);
    assert!(r.json.get("accessToken").is_none());
    let session = r.json["session"].as_str().unwrap().to_string();

    let answer = |code: String| json!({"email": email, "challenge": "SOFTWARE_TOKEN_MFA", "session": session, "answer": code});
    let r = api.post("/auth/login/challenge", answer(wrong.to_string())).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"));
    // The same session may be retried; codes are single-use, so answer with the next step's code.
    let r = api.post("/auth/login/challenge", answer(code_at_step_offset(&totp, 1))).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let access = r.json["accessToken"].as_str().expect("tokens after the challenge").to_string();
    assert_eq!(api.get_auth("/auth/userinfo", &access).await.status, 200);
}

#[tokio::test]
async fn wrong_codes_lead_to_cognitos_lockout_not_a_session_limit() {
    // Cognito documents no per-session attempt limit; five failed MFA codes start the sign-in
    // lockout (the emulator's 1-second unit is scaled up so the test cannot race it).
    let env = Env::start().await;
    let api = &env.api;
    let email = email("mfafail");
    let access = &api.signed_in(&email).await;
    let secret = api.post_auth("/auth/mfa/totp/setup", access, json!({"currentPassword": PASSWORD})).await.json["secret"].as_str().unwrap().to_string();
    let totp = totp_from(&secret);
    assert_eq!(api.post_auth("/auth/mfa/totp/verify", access, json!({"code": code_at_step_offset(&totp, 0)})).await.status, 200);
    env.emu.faults(json!({"lockoutUnitSeconds": 600})).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let session = r.json["session"].as_str().unwrap().to_string();
    let valid: Vec<String> = (-1..=2).map(|s| code_at_step_offset(&totp, s)).collect();
    let wrong = ["000000", "111111", "222222", "333333", "444444", "555555", "666666", "777777", "888888"]
        .into_iter()
        .filter(|c| !valid.iter().any(|v| v == c))
        .collect::<Vec<_>>();
    let answer = |code: &str| json!({"email": email, "challenge": "SOFTWARE_TOKEN_MFA", "session": session, "answer": code});
    let mut codes = vec![];
    for c in &wrong[..5] {
        codes.push(api.post("/auth/login/challenge", answer(c)).await.error().to_string());
    }
    assert_eq!(codes, ["invalid_code"; 5]);
    // Locked out: even the right code is refused, and the password login answers like a wrong password.
    let r = api.post("/auth/login/challenge", answer(&code_at_step_offset(&totp, 1))).await;
    assert_eq!((r.status, r.error()), (401, "invalid_session"));
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_credentials"));
}

#[tokio::test]
async fn delete_account_then_login_and_tokens_fail() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("delete");
    api.confirmed_user(&email).await;
    let t = api.login(&email, PASSWORD).await;
    let access = t["accessToken"].as_str().unwrap();

    let r = api.delete_auth("/auth/user", access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"deleted": true})));
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_credentials"));
    let r = api.get_auth("/auth/userinfo", access).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"));
    let r = api.post("/auth/refresh", json!({"refreshToken": t["refreshToken"]})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"));
    let r = api.delete_auth("/auth/user", access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"));
}

/// A user an administrator created (AdminCreateUser, temporary password) is in
/// FORCE_CHANGE_PASSWORD: login answers the NEW_PASSWORD_REQUIRED challenge, and the API's
/// challenge route sets the new password and signs the user in. The emulator is driven with
/// the SDK directly, as an administrator would drive Cognito.
#[tokio::test]
async fn new_password_required_through_the_api() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("invited");
    let admin = aws_sdk_cognitoidentityprovider::Client::new(&sdk_for(&env.emu.endpoint).await);
    let temporary = "Temp0rary-Passw0rd!";
    admin
        .admin_create_user()
        .user_pool_id(&env.emu.user_pool_id)
        .username(&email)
        .temporary_password(temporary)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .user_attributes(aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name("email").value(&email).build().unwrap())
        .user_attributes(aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name("email_verified").value("true").build().unwrap())
        .send()
        .await
        .expect("AdminCreateUser");

    let r = api.post("/auth/login", json!({"email": email, "password": temporary})).await;
    assert_eq!((r.status, r.json["challenge"].as_str()), (200, Some("NEW_PASSWORD_REQUIRED")), "{}", r.json);
    assert!(r.json.get("accessToken").is_none(), "no tokens before the new password: {}", r.json);
    let session = r.json["session"].as_str().unwrap().to_string();
    let answer = |a: &str| json!({"email": email, "challenge": "NEW_PASSWORD_REQUIRED", "session": session, "answer": a});

    let r = api.post("/auth/login/challenge", answer(NEW_PASSWORD)).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let access = r.json["accessToken"].as_str().expect("tokens after the new password");
    assert_eq!(api.get_auth("/auth/userinfo", access).await.json["email"], email.as_str());
    api.login(&email, NEW_PASSWORD).await;
    let r = api.post("/auth/login", json!({"email": email, "password": temporary})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_credentials"), "the temporary password is gone");
}

/// A challenge session that has expired is a 401 `invalid_session` through the API, even with a
/// right answer. (The emulator's session lifetime is set to zero instead of waiting 3 minutes.)
#[tokio::test]
async fn an_expired_challenge_session_is_invalid_session() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("mfaexpiry");
    let access = &api.signed_in(&email).await;
    let secret = api.post_auth("/auth/mfa/totp/setup", access, json!({"currentPassword": PASSWORD})).await.json["secret"].as_str().unwrap().to_string();
    let totp = totp_from(&secret);
    assert_eq!(api.post_auth("/auth/mfa/totp/verify", access, json!({"code": code_at_step_offset(&totp, 0)})).await.status, 200);

    env.emu.faults(json!({"sessionTtlSeconds": 0})).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.json["challenge"], "SOFTWARE_TOKEN_MFA", "{}", r.json);
    let answer = json!({"email": email, "challenge": "SOFTWARE_TOKEN_MFA", "session": r.json["session"], "answer": code_at_step_offset(&totp, 1)});
    let r = api.post("/auth/login/challenge", answer).await;
    assert_eq!((r.status, r.error()), (401, "invalid_session"), "{}", r.json);
}

#[tokio::test]
async fn deleting_the_account_needs_the_current_password_checked_like_a_login() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("reauth-delete");
    let access = &api.signed_in(&email).await;

    // A stolen access token alone deletes nothing.
    let r = api.send(api.http.delete(format!("{}/auth/user", api.base)).bearer_auth(access)).await;
    assert_eq!((r.status, r.error()), (400, "invalid_json"), "{}", r.json);
    let r = api.delete_auth("/auth/user", access, json!({})).await;
    assert_eq!((r.status, r.error(), r.json["field"].as_str()), (400, "validation_error", Some("currentPassword")));
    env.emu.forget_calls().await;
    let r = api.delete_auth("/auth/user", access, json!({"currentPassword": "Wrong-Passw0rd-42!"})).await;
    assert_eq!((r.status, r.error()), (401, "incorrect_password"), "{}", r.json);
    // Checked by Cognito with the same operation a login uses (so its failed-attempt counting
    // and threat protection see it), for the token's owner (the username is the token's own
    // claim); GetUser only after the refusal, to tell a wrong password from a refused token.
    assert_eq!(env.emu.calls().await, ["AdminInitiateAuth", "GetUser"]);
    assert_eq!(api.get_auth("/auth/userinfo", access).await.status, 200, "the account must still be there");
    api.login(&email, PASSWORD).await;

    let r = api.delete_auth("/auth/user", access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"deleted": true})));
}

/// DELETE /auth/user takes the username for the password check from the token (no GetUser
/// first), so a token Cognito no longer accepts (signed out) meets the password check before the
/// deletion refuses it. Its holder must not learn from the answer whether a password is right:
/// `invalid_token` both ways, and nothing is deleted.
#[tokio::test]
async fn a_signed_out_token_cannot_delete_the_account_nor_test_its_password() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("reauth-revoked");
    api.confirmed_user(&email).await;
    let t = api.login(&email, PASSWORD).await;
    let access = t["accessToken"].as_str().unwrap();
    assert_eq!(api.post_auth("/auth/logout", access, json!({})).await.status, 200);

    let r = api.delete_auth("/auth/user", access, json!({"currentPassword": "Wrong-Passw0rd-42!"})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"), "{}", r.json);
    let r = api.delete_auth("/auth/user", access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"), "{}", r.json);
    api.login(&email, PASSWORD).await;
}

#[tokio::test]
async fn totp_setup_needs_the_current_password_and_refuses_to_replace_an_active_authenticator() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("reauth-totp");
    let access = &api.signed_in(&email).await;

    let r = api.send(api.http.post(format!("{}/auth/mfa/totp/setup", api.base)).bearer_auth(access)).await;
    assert_eq!((r.status, r.error()), (400, "invalid_json"), "{}", r.json);
    env.emu.forget_calls().await;
    let r = api.post_auth("/auth/mfa/totp/setup", access, json!({"currentPassword": "Wrong-Passw0rd-42!"})).await;
    assert_eq!((r.status, r.error()), (401, "incorrect_password"), "{}", r.json);
    assert_eq!(env.emu.calls().await, ["GetUser", "AdminInitiateAuth"], "no authenticator may be touched");

    let r = api.post_auth("/auth/mfa/totp/setup", access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let totp = totp_from(r.json["secret"].as_str().unwrap());
    assert_eq!(api.post_auth("/auth/mfa/totp/verify", access, json!({"code": code_at_step_offset(&totp, 0)})).await.status, 200);

    // TOTP active: even with the right password, setup is refused before Cognito's
    // AssociateSoftwareToken can drop the working authenticator.
    env.emu.forget_calls().await;
    let r = api.post_auth("/auth/mfa/totp/setup", access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (409, "mfa_already_enabled"), "{}", r.json);
    assert!(!env.emu.calls().await.iter().any(|c| c == "AssociateSoftwareToken"));
    // The old authenticator still signs in.
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let session = r.json["session"].as_str().expect("an MFA challenge").to_string();
    let r = api
        .post("/auth/login/challenge", json!({"email": email, "challenge": "SOFTWARE_TOKEN_MFA", "session": session, "answer": code_at_step_offset(&totp, 1)}))
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
}
