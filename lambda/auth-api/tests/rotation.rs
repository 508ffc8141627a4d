//! Refresh-token rotation (issue 11) through the real router over HTTP, the real SDK and the local
//! Cognito emulator: refresh takes the refresh token alone, answers a new one that differs, the
//! old one keeps working within the app client's retry grace period and is refused after it with
//! 401 `refresh_token_reused` (sign in again) and an audit line saying a rotated token was reused;
//! other refused tokens stay 401 `invalid_refresh_token`.
//!
//! The grace period is set per test with UpdateUserPoolClient, as an operator would (a full
//! client configuration: Cognito resets what an update leaves out,
//! https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserPoolClient.html):
//! 60 s (the maximum) to be surely inside it, 0 s and 1 s to be surely past it.
mod support;
use aws_sdk_cognitoidentityprovider as cip;
use serde_json::{json, Value};
use support::*;

/// Sets the emulator client's refresh-token rotation grace period, keeping every other setting.
async fn set_grace(env: &Env, seconds: i32) {
    let client = cip::Client::new(&sdk_for(&env.emu.endpoint).await);
    let c = client
        .describe_user_pool_client()
        .user_pool_id(&env.emu.user_pool_id)
        .client_id(&env.emu.client_id)
        .send()
        .await
        .expect("DescribeUserPoolClient")
        .user_pool_client
        .expect("a client");
    let rotation = cip::types::RefreshTokenRotationType::builder()
        .feature(cip::types::FeatureType::Enabled)
        .retry_grace_period_seconds(seconds)
        .build()
        .unwrap();
    client
        .update_user_pool_client()
        .user_pool_id(&env.emu.user_pool_id)
        .client_id(&env.emu.client_id)
        .set_client_name(c.client_name)
        .set_explicit_auth_flows(c.explicit_auth_flows)
        .set_access_token_validity(c.access_token_validity)
        .set_id_token_validity(c.id_token_validity)
        .set_refresh_token_validity(Some(c.refresh_token_validity))
        .set_token_validity_units(c.token_validity_units)
        .set_prevent_user_existence_errors(c.prevent_user_existence_errors)
        .set_enable_token_revocation(c.enable_token_revocation)
        .set_auth_session_validity(c.auth_session_validity)
        .set_read_attributes(c.read_attributes)
        .set_write_attributes(c.write_attributes)
        .refresh_token_rotation(rotation)
        .send()
        .await
        .expect("UpdateUserPoolClient");
}

async fn signed_in(api: &Api, tag: &str) -> Value {
    let email = email(tag);
    api.confirmed_user(&email).await;
    api.login(&email, PASSWORD).await
}

fn refresh_token(v: &Value) -> String {
    v["refreshToken"].as_str().unwrap_or_else(|| panic!("no refreshToken in {v}")).to_string()
}

/// The audit lines (production field names, under `fields` in the test subscriber) of `action`.
fn audit_lines(logs: &LogBuf, action: &str) -> Vec<Value> {
    logs.text()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == "audit" && v["fields"]["action"] == action)
        .collect()
}

#[tokio::test]
async fn refresh_needs_no_username_and_answers_a_new_refresh_token() {
    let env = Env::start().await;
    let api = &env.api;
    let t = signed_in(api, "rot-new").await;
    let first = refresh_token(&t);

    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let second = refresh_token(&r.json);
    assert_ne!(second, first, "rotation answers a new refresh token");
    assert_eq!(r.json["username"], t["username"]);
    let access = r.json["accessToken"].as_str().unwrap();
    assert_ne!(access, t["accessToken"].as_str().unwrap());
    assert_eq!(api.get_auth("/auth/userinfo", access).await.status, 200, "the new access token works");

    // The new token refreshes in turn (and is replaced again).
    let r = api.post("/auth/refresh", json!({"refreshToken": second})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_ne!(refresh_token(&r.json), second);

    // An older client still sending `username` (even a wrong one): ignored.
    let third = refresh_token(&r.json);
    let r = api.post("/auth/refresh", json!({"refreshToken": third, "username": "someone-else@example.com"})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(env.api.calls.lock().unwrap().iter().filter(|(route, _)| route == "refresh").map(|(_, op)| op.as_str()).collect::<Vec<_>>(),
        vec!["GetTokensFromRefreshToken"; 3]);
}

#[tokio::test]
async fn the_old_token_still_works_within_the_grace_period() {
    let env = Env::start().await;
    set_grace(&env, 60).await;
    let api = &env.api;
    let first = refresh_token(&signed_in(api, "rot-grace").await);
    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    // A client retrying with the token it sent (its answer was lost): within 60 s it still works.
    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!(r.status, 200, "within the grace period: {}", r.json);
    assert!(r.json["refreshToken"].is_string());
}

#[tokio::test]
async fn a_reused_rotated_token_is_refused_and_audited() {
    let logs = capture_logs(tracing::Level::INFO);
    let env = Env::start().await;
    set_grace(&env, 0).await;
    let api = &env.api;
    let first = refresh_token(&signed_in(api, "rot-reuse").await);
    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!(r.status, 200, "{}", r.json);

    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!((r.status, r.error()), (401, "refresh_token_reused"), "{}", r.json);
    let request_id = r.json["requestId"].as_str().unwrap().to_string();
    assert_eq!(env.emu.calls().await.last().map(String::as_str), Some("GetTokensFromRefreshToken"));

    let lines = audit_lines(&logs, "refresh");
    let reuse: Vec<_> = lines.iter().filter(|v| v["fields"]["event"] == "refresh_token_reuse").collect();
    assert_eq!(reuse.len(), 1, "one reuse event: {lines:?}");
    let f = &reuse[0]["fields"];
    assert_eq!((f["outcome"].as_str(), f["error_code"].as_str(), f["status"].as_u64()), (Some("failure"), Some("refresh_token_reused"), Some(401)));
    assert_eq!(f["request_id"].as_str(), Some(request_id.as_str()));
    assert!(!logs.text().contains(&first), "the reused token reached the log");

    // A token that was never issued is refused alike, but is not a reuse.
    let r = api.post("/auth/refresh", json!({"refreshToken": format!("{first}x")})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"));
    let reuses = audit_lines(&logs, "refresh").iter().filter(|v| v["fields"]["event"] == "refresh_token_reuse").count();
    assert_eq!(reuses, 1, "an unknown token is not a reused one");
}

#[tokio::test]
async fn the_old_token_is_refused_once_the_grace_period_has_passed() {
    let logs = capture_logs(tracing::Level::INFO);
    let env = Env::start().await;
    set_grace(&env, 1).await;
    let api = &env.api;
    let first = refresh_token(&signed_in(api, "rot-late").await);
    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_ne!(refresh_token(&r.json), first);
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!((r.status, r.error()), (401, "refresh_token_reused"), "after the grace period: {}", r.json);
    assert!(audit_lines(&logs, "refresh").iter().any(|v| v["fields"]["event"] == "refresh_token_reuse"));
}

/// Logout revokes the refresh token it is given and, through GlobalSignOut, every other refresh
/// token of the user: the whole rotation family ends, including a predecessor still inside its
/// grace period (docs/api.md, "Logout" under "Bodies and answers").
#[tokio::test]
async fn logout_ends_the_whole_family() {
    let env = Env::start().await;
    set_grace(&env, 60).await;
    let api = &env.api;
    let t = signed_in(api, "rot-logout").await;
    let first = refresh_token(&t);
    let r = api.post("/auth/refresh", json!({"refreshToken": first})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let (second, access) = (refresh_token(&r.json), r.json["accessToken"].as_str().unwrap().to_string());

    let r = api.post_auth("/auth/logout", &access, json!({"refreshToken": second})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"signedOut": true, "everywhere": true, "refreshTokenRevoked": true})));
    for token in [&first, &second] {
        let r = api.post("/auth/refresh", json!({"refreshToken": token})).await;
        assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"), "{}", r.json);
    }
    for token in [t["accessToken"].as_str().unwrap(), access.as_str()] {
        assert_eq!(api.get_auth("/auth/userinfo", token).await.status, 401);
    }
}
