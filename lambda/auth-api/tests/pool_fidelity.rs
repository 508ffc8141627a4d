//! The API against the emulator's pool, which is created from cdk/user-pool.json like the deployed
//! one (issue 15 and the pool points of issue 10): emails as one account whatever their case, the
//! password policy checked before Cognito, challenge answers for the actual username (sealed in the
//! session), a revoked token on password change, the documented per-user limit and lockout.
mod support;
use serde_json::json;
use support::*;
use totp_rs::{Algorithm, Secret, TOTP};

#[tokio::test]
async fn an_address_is_one_account_whatever_its_case() {
    let env = Env::start().await;
    let api = &env.api;
    let lower = email("case");
    let mixed = lower.to_uppercase();
    assert_ne!(lower, mixed);
    let r = api.post("/auth/register", json!({"email": mixed, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    let r = api.post("/auth/resend", json!({"email": lower})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    let r = api.post("/auth/verify", json!({"email": lower, "code": DEV_CODE})).await;
    assert_eq!(r.status, 200, "verify with the other case: {}", r.json);
    api.login(&mixed, PASSWORD).await;
    api.login(&lower, PASSWORD).await;
    // A second registration in another case is the same account: Cognito is asked about one name.
    let r = api.post("/auth/register", json!({"email": lower, "password": PASSWORD})).await;
    assert_eq!(r.status, 202);
    assert_eq!(api.post("/auth/password/forgot", json!({"email": mixed})).await.status, 202);
    let r = api.post("/auth/password/reset", json!({"email": lower, "code": DEV_CODE, "newPassword": "An0ther-Long-Passw0rd!"})).await;
    assert_eq!(r.status, 200, "reset with the other case: {}", r.json);
    api.login(&mixed, "An0ther-Long-Passw0rd!").await;
}

#[tokio::test]
async fn a_weak_password_gets_the_same_answer_for_new_and_existing_addresses() {
    let env = Env::start().await;
    let api = &env.api;
    let existing = email("weak");
    api.confirmed_user(&existing).await;
    // Ten characters with every class: refused by the pool's 12-character minimum (cdk/user-pool.json).
    let weak = "Sh0rt!Pass";
    let new = api.post("/auth/register", json!({"email": email("weaknew"), "password": weak})).await;
    let old = api.post("/auth/register", json!({"email": existing, "password": weak})).await;
    assert_eq!((new.status, new.error()), (400, "invalid_password"));
    assert_eq!(new.body_without_request_id(), old.body_without_request_id());
    assert_eq!(new.json["message"], "Password did not conform with policy: Password not long enough");
    env.emu.faults(json!({})).await;
}

fn totp_from(secret_b32: &str) -> TOTP {
    TOTP::new(Algorithm::SHA1, 6, 1, 30, Secret::Encoded(secret_b32.to_string()).to_bytes().unwrap()).unwrap()
}

fn code_at(totp: &TOTP, steps: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    totp.generate((now + steps * 30) as u64)
}

/// A confirmed user with TOTP on; returns the authenticator.
async fn totp_user(api: &Api, email: &str) -> TOTP {
    let access = &api.signed_in(email).await;
    let secret = api.post_auth("/auth/mfa/totp/setup", access, json!({"currentPassword": PASSWORD})).await.json["secret"].as_str().unwrap().to_string();
    let totp = totp_from(&secret);
    assert_eq!(api.post_auth("/auth/mfa/totp/verify", access, json!({"code": code_at(&totp, 0)})).await.status, 200);
    totp
}

#[tokio::test]
async fn the_challenge_is_answered_for_the_account_login_sealed_in_the_session() {
    let env = Env::start().await;
    let api = &env.api;
    let (alice, mallory) = (email("alice"), email("mallory"));
    let totp = totp_user(api, &alice).await;
    totp_user(api, &mallory).await;

    let login = |who: &str| json!({"email": who, "password": PASSWORD});
    let alice_session = api.post("/auth/login", login(&alice)).await.json["session"].as_str().unwrap().to_string();
    let mallory_session = api.post("/auth/login", login(&mallory)).await.json["session"].as_str().unwrap().to_string();
    let answer = |who: &str, session: &str, code: String| json!({"email": who, "challenge": "SOFTWARE_TOKEN_MFA", "session": session, "answer": code});

    // The sealed values are opaque and of one length: a value spliced from Mallory's and Alice's
    // (Mallory's nonce and first half, Alice's second half) and Alice's with one character changed
    // are refused before Cognito is asked.
    assert_eq!(alice_session.len(), mallory_session.len());
    let half = alice_session.len() / 2;
    let spliced = format!("{}{}", &mallory_session[..half], &alice_session[half..]);
    env.emu.forget_calls().await;
    let r = api.post("/auth/login/challenge", answer(&alice, &spliced, code_at(&totp, 1))).await;
    assert_eq!((r.status, r.error()), (401, "invalid_session"));
    let mut altered = alice_session.clone().into_bytes();
    altered[half] = if altered[half] == b'A' { b'B' } else { b'A' };
    let r = api.post("/auth/login/challenge", answer(&alice, std::str::from_utf8(&altered).unwrap(), code_at(&totp, 1))).await;
    assert_eq!((r.status, r.error()), (401, "invalid_session"));
    assert_eq!(env.emu.calls().await, Vec::<String>::new(), "refused before any Cognito call");
    // The email field is not what is answered for: Alice's session works whatever email is sent,
    // because the emulator (like Cognito) refuses the alias and accepts only the actual username.
    let r = api.post("/auth/login/challenge", answer(&mallory, &alice_session, code_at(&totp, 1))).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let who = api.get_auth("/auth/userinfo", r.json["accessToken"].as_str().unwrap()).await;
    assert_eq!(who.json["email"], alice.as_str());
}

#[tokio::test]
async fn a_revoked_token_on_password_change_is_invalid_token() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("revoked");
    let access = &api.signed_in(&email).await;
    assert_eq!(api.post_auth("/auth/logout", access, json!({})).await.status, 200);
    let r = api
        .post_auth("/auth/password/change", access, json!({"currentPassword": PASSWORD, "newPassword": "An0ther-Long-Passw0rd!"}))
        .await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"));
}

#[tokio::test]
async fn documented_per_user_limit_and_lockout_through_the_api() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("limits");
    let access = &api.signed_in(&email).await;
    // ChangePassword: 5 calls per user per hour (Cognito quotas page), then 429 limit_exceeded.
    let change = json!({"currentPassword": "Wr0ng-Passw0rd!x", "newPassword": "An0ther-Long-Passw0rd!"});
    for _ in 0..5 {
        assert_eq!(api.post_auth("/auth/password/change", access, change.clone()).await.error(), "incorrect_password");
    }
    let r = api.post_auth("/auth/password/change", access, change).await;
    assert_eq!((r.status, r.error()), (429, "limit_exceeded"));
    assert!(r.headers.get("retry-after").is_some());

    // Sign-in lockout after five wrong passwords: the right password then answers exactly like a
    // wrong one (no account state revealed).
    env.emu.faults(json!({"lockoutUnitSeconds": 600})).await;
    let wrong = api.post("/auth/login", json!({"email": email, "password": "Wr0ng-Passw0rd!x"})).await;
    for _ in 0..4 {
        api.post("/auth/login", json!({"email": email, "password": "Wr0ng-Passw0rd!x"})).await;
    }
    let locked = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((locked.status, locked.body_without_request_id()), (wrong.status, wrong.body_without_request_id()));
}
