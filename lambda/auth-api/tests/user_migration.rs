//! The user migration trigger end to end: the API in front of the emulator, whose pool runs this crate's
//! own trigger handler (auth-local's trigger listener) for a user it does not know, and the handler asking
//! a real legacy system: tests/legacy/legacy_server.py, which stores Argon2id hashes (argon2-cffi) and
//! checks each request's HMAC signature. First sign-in migrates, the second is the pool's own; a wrong
//! password migrates nothing; unknown, wrong password and a legacy system down, slow, failing or
//! answering garbage all get the one answer of an unknown user and create nobody; a password reset
//! migrates a verified user.
mod support;

use auth_api::triggers::user_migration::legacy_endpoint::LegacyAuth;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use support::{email, Resp, TriggerEnv, TriggerListener, DEV_CODE};

const SECRET: &str = "legacy-shared-secret-0123456789abcdef";
const LEGACY_PASSWORD: &str = "Legacy-Passw0rd-7!";

/// The legacy system: tests/legacy/legacy_server.py on an ephemeral port; stopped when dropped (and
/// when this process ends: it exits when its stdin closes).
struct Legacy {
    child: Child,
    base: String,
}

impl Drop for Legacy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Legacy {
    fn start() -> Self {
        let root = support::workspace_root();
        let mut child = Command::new(support::test_python())
            .arg(root.join("tests/legacy/legacy_server.py"))
            .args(["--port", "0", "--exit-with-stdin"])
            .env("LEGACY_AUTH_SECRET", SECRET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the legacy server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("http://127.0.0.1:"), "legacy server said {line:?}");
        Legacy { child, base: line.trim().to_string() }
    }

    fn endpoint(&self) -> String {
        format!("{}/authenticate", self.base)
    }

    async fn post(&self, path: &str, body: Value) {
        let r = reqwest::Client::new().post(format!("{}{path}", self.base)).json(&body).send().await.unwrap();
        assert!(r.status().is_success(), "{path}: {}", r.status());
    }

    async fn add(&self, username: &str, email_verified: bool) {
        self.post("/_users", json!({"username": username, "password": LEGACY_PASSWORD, "emailVerified": email_verified})).await;
    }

    async fn mode(&self, mode: &str, delay_seconds: f64) {
        self.post("/_mode", json!({"mode": mode, "delaySeconds": delay_seconds})).await;
    }

    /// (requests received, requests whose signature held).
    async fn stats(&self) -> (u64, u64) {
        let v: Value = reqwest::get(format!("{}/_stats", self.base)).await.unwrap().json().await.unwrap();
        (v["requests"].as_u64().unwrap(), v["verified"].as_u64().unwrap())
    }
}

/// The trigger's legacy endpoint configuration, read as the function reads its environment.
fn legacy_auth(url: &str, secret: &str, timeout_ms: u64) -> LegacyAuth {
    let vars = [("LEGACY_AUTH_URL", url.to_string()), ("LEGACY_AUTH_SECRET", secret.to_string()), ("LEGACY_AUTH_TIMEOUT_MS", timeout_ms.to_string())];
    LegacyAuth::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()), || panic!("no Secrets Manager here"))
        .expect("a valid legacy endpoint configuration")
        .expect("LEGACY_AUTH_URL is set")
}

/// The API and the emulator, whose pool's migration trigger (this crate's handler) asks `legacy`.
async fn env_asking(legacy: LegacyAuth) -> (TriggerEnv, TriggerListener) {
    let env = TriggerEnv::start(None, None).await;
    let listener = TriggerListener::start_with_legacy(None, &env.emu.endpoint, legacy).await;
    env.emu.lambda(json!({"endpoint": listener.url})).await;
    (env, listener)
}

async fn pool_user(env: &TriggerEnv, address: &str) -> Option<(String, Value)> {
    let sdk = support::sdk_for(&env.emu.endpoint).await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let u = idp.admin_get_user().user_pool_id(&env.emu.user_pool_id).username(address).send().await.ok()?;
    let attrs: serde_json::Map<String, Value> = u.user_attributes().iter().map(|a| (a.name().to_string(), json!(a.value()))).collect();
    Some((u.user_status().map(|s| s.as_str().to_string()).unwrap_or_default(), Value::Object(attrs)))
}

async fn migrations(env: &TriggerEnv) -> Vec<Value> {
    let v: Value = reqwest::get(format!("{}/_local/lambda", env.emu.endpoint)).await.unwrap().json().await.unwrap();
    v["migrations"].as_array().unwrap().clone()
}

async fn login(env: &TriggerEnv, address: &str, password: &str) -> Resp {
    env.api.post("/auth/login", json!({"email": address, "password": password})).await
}

fn is_invalid_credentials(r: &Resp) {
    assert_eq!((r.status, r.error()), (401, "invalid_credentials"), "{}", r.json);
    assert!(r.headers.get("retry-after").is_none(), "{:?}", r.headers);
}

#[tokio::test]
async fn the_first_sign_in_migrates_and_the_second_no_longer_asks_the_legacy_system() {
    let legacy = Legacy::start();
    let (env, _listener) = env_asking(legacy_auth(&legacy.endpoint(), SECRET, 2000)).await;
    let address = email("migrated");
    legacy.add(&address, true).await;
    assert!(pool_user(&env, &address).await.is_none());

    let first = login(&env, &address, LEGACY_PASSWORD).await;
    assert_eq!(first.status, 200, "{}", first.json);
    assert!(first.json["accessToken"].is_string(), "{}", first.json);
    assert_eq!(legacy.stats().await, (1, 1), "the legacy system was asked once, with a signature that held");
    // Created confirmed, with the address the user typed (verified, as the legacy system said), the
    // password just used, and no welcome message.
    let (status, attrs) = pool_user(&env, &address).await.expect("the migrated user");
    assert_eq!(status, "CONFIRMED");
    assert_eq!((attrs["email"].as_str(), attrs["email_verified"].as_str()), (Some(address.as_str()), Some("true")), "{attrs}");
    let log = migrations(&env).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!((log[0]["outcome"].as_str(), log[0]["welcomeMessage"].as_str()), (Some("migrated"), Some("suppressed")), "{log:?}");

    let second = login(&env, &address, LEGACY_PASSWORD).await;
    assert_eq!(second.status, 200, "{}", second.json);
    assert_eq!(legacy.stats().await, (1, 1), "the second sign-in asked the legacy system again");
    // And a wrong password now is the pool's own refusal, not a question to the legacy system.
    is_invalid_credentials(&login(&env, &address, "Wr0ng-Passw0rd-7!").await);
    assert_eq!(legacy.stats().await, (1, 1));
}

#[tokio::test]
async fn a_wrong_password_migrates_nothing_and_answers_as_an_unknown_user_does() {
    let legacy = Legacy::start();
    let (env, _listener) = env_asking(legacy_auth(&legacy.endpoint(), SECRET, 2000)).await;
    let address = email("legacy-user");
    legacy.add(&address, true).await;
    let nobody = email("nobody");

    let wrong = login(&env, &address, "Wr0ng-Passw0rd-7!").await;
    let unknown = login(&env, &nobody, LEGACY_PASSWORD).await;
    for r in [&wrong, &unknown] {
        is_invalid_credentials(r);
    }
    assert_eq!(wrong.body_without_request_id(), unknown.body_without_request_id());
    assert_eq!(legacy.stats().await, (2, 2), "both were asked of the legacy system");
    assert!(pool_user(&env, &address).await.is_none(), "a wrong password created the user");
    assert!(pool_user(&env, &nobody).await.is_none());
    // Nothing lost: the right password still moves the user in.
    assert_eq!(login(&env, &address, LEGACY_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_legacy_system_down_slow_failing_or_answering_garbage_answers_as_an_unknown_user_and_creates_nobody() {
    let logs = support::capture_logs(tracing::Level::INFO);
    let legacy = Legacy::start();
    // A budget of 1.5 s here (2 s by default) keeps the slow case quick; Cognito's wait is 5 s.
    let (env, listener) = env_asking(legacy_auth(&legacy.endpoint(), SECRET, 1500)).await;
    let address = email("legacy-outage");
    legacy.add(&address, true).await;
    let unknown = login(&env, &email("nobody"), LEGACY_PASSWORD).await;
    is_invalid_credentials(&unknown);
    let trigger_failures = || logs.text().lines().filter(|l| l.contains(r#""action":"userMigration""#) && l.contains(r#""outcome":"failure""#)).count();
    let before = trigger_failures();

    for (mode, delay, reason) in [("garbage", 0.0, "legacy_bad_answer"), ("error", 0.0, "legacy_bad_status"), ("slow", 3.0, "legacy_timeout")] {
        legacy.mode(mode, delay).await;
        let r = login(&env, &address, LEGACY_PASSWORD).await;
        is_invalid_credentials(&r);
        assert_eq!(r.body_without_request_id(), unknown.body_without_request_id(), "{mode}");
        assert!(pool_user(&env, &address).await.is_none(), "{mode}: a user was created");
        assert!(logs.text().contains(&format!(r#""error_code":"{reason}""#)), "{mode}: no audit failure {reason}");
    }
    // The function answered within its own budget: Cognito never waited out its 5 s and retried.
    let inv = env.emu.invocations().await;
    assert!(inv.iter().all(|i| i["attempts"] == 1 && i["function"] == "userMigration"), "{inv:?}");

    // Down: nothing listens where the endpoint was.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/authenticate", l.local_addr().unwrap())
    };
    let down = TriggerListener::start_with_legacy(None, &env.emu.endpoint, legacy_auth(&dead, SECRET, 1500)).await;
    env.emu.lambda(json!({"endpoint": down.url})).await;
    let r = login(&env, &address, LEGACY_PASSWORD).await;
    is_invalid_credentials(&r);
    assert_eq!(r.body_without_request_id(), unknown.body_without_request_id(), "down");
    assert!(pool_user(&env, &address).await.is_none(), "down: a user was created");
    assert!(logs.text().contains(r#""error_code":"legacy_unreachable""#));
    // Every failure is an audit failure of the trigger (the LegacyAuthFailures metric's filter), none a refusal.
    assert_eq!(trigger_failures() - before, 4, "{}", logs.text());
    assert!(!logs.text().contains(LEGACY_PASSWORD) && !logs.text().contains(SECRET), "a secret reached the logs");

    // Nothing lost once the legacy system is back.
    env.emu.lambda(json!({"endpoint": listener.url})).await;
    legacy.mode("ok", 0.0).await;
    assert_eq!(login(&env, &address, LEGACY_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_request_the_legacy_system_cannot_verify_migrates_nobody() {
    let legacy = Legacy::start();
    // The trigger signs with another secret than the legacy system's: it answers 401.
    let (env, _listener) = env_asking(legacy_auth(&legacy.endpoint(), "another-secret-of-32-bytes-or-more!!", 2000)).await;
    let address = email("unsigned");
    legacy.add(&address, true).await;
    is_invalid_credentials(&login(&env, &address, LEGACY_PASSWORD).await);
    assert_eq!(legacy.stats().await, (1, 0), "the legacy system took a request it could not verify");
    assert!(pool_user(&env, &address).await.is_none(), "a request with a bad signature created the user");
}

#[tokio::test]
async fn a_password_reset_migrates_a_verified_legacy_user_and_its_code_sets_the_password() {
    let legacy = Legacy::start();
    let (env, _listener) = env_asking(legacy_auth(&legacy.endpoint(), SECRET, 2000)).await;
    let address = email("reset");
    let unverified = email("unverified");
    legacy.add(&address, true).await;
    legacy.add(&unverified, false).await;

    let nobody = env.api.post("/auth/password/forgot", json!({"email": email("nobody")})).await;
    let known = env.api.post("/auth/password/forgot", json!({"email": address})).await;
    let no_address = env.api.post("/auth/password/forgot", json!({"email": unverified})).await;
    assert_eq!(known.status, 202, "{}", known.json);
    for r in [&nobody, &no_address] {
        assert_eq!(r.status, 202, "{}", r.json);
        assert_eq!(r.body_without_request_id()["message"], known.body_without_request_id()["message"]);
    }
    assert_eq!(legacy.stats().await, (3, 3));
    // Moved in to set a password with the code; an address the legacy system never verified cannot
    // receive a code, so that user is not moved in by a reset (a sign-in with the password still can).
    assert_eq!(pool_user(&env, &address).await.map(|u| u.0).as_deref(), Some("RESET_REQUIRED"));
    assert!(pool_user(&env, &unverified).await.is_none());
    let new_password = "Brand-New-Passw0rd-8!";
    let reset = env.api.post("/auth/password/reset", json!({"email": address, "code": DEV_CODE, "newPassword": new_password})).await;
    assert_eq!(reset.status, 200, "{}", reset.json);
    assert_eq!(login(&env, &address, new_password).await.status, 200);
    assert_eq!(legacy.stats().await, (3, 3), "the sign-in after the reset asked the legacy system");
}
