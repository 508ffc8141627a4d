//! Browser session mode (SESSION_COOKIE=on) end to end: the real router over HTTP (local server),
//! the real SDK, the local Cognito emulator. The refresh token leaves the JSON body for an
//! HttpOnly cookie with exact attributes; refresh and logout read it only from an allowed origin
//! with the custom header (both refusals); logout and account deletion clear it; with the mode off
//! the cookie means nothing.
mod support;
use auth_api::session_cookie::SessionCookie;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use support::*;
use totp_rs::{Algorithm, Secret, TOTP};

/// The cookie's name: `__Host-` bound (session_cookie.rs).
const NAME: &str = "__Host-auth_refresh";

/// The cookie's Max-Age: the refresh token validity of the pool definition, as the stack and
/// `make dev` pass it (SESSION_COOKIE_MAX_AGE = refreshTokenDays * 86400).
fn pool_refresh_seconds() -> u32 {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(workspace_root().join("cdk/user-pool.json")).unwrap()).unwrap();
    v["tokenValidity"]["refreshTokenDays"].as_u64().unwrap() as u32 * 86_400
}

async fn cookie_env() -> Env {
    let emu = Emulator::start();
    let api = Api::start_with_session_cookie(config_for(&emu), &emu.endpoint, Some(SessionCookie { max_age_seconds: pool_refresh_seconds() })).await;
    Env { emu, api }
}

fn set_cookies(r: &Resp) -> Vec<String> {
    r.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

/// `(name, value, attributes)` of one Set-Cookie line.
fn parse(line: &str) -> (String, String, BTreeSet<String>) {
    let mut parts = line.split("; ");
    let (name, value) = parts.next().unwrap().split_once('=').unwrap();
    (name.to_string(), value.to_string(), parts.map(str::to_string).collect())
}

fn expected_attributes(max_age: u32) -> BTreeSet<String> {
    // Exactly these: no Domain (the cookie stays with the API's host), no Expires, and Path=/ (what
    // the __Host- prefix requires: a browser refuses the cookie otherwise).
    ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", &format!("Max-Age={max_age}")].iter().map(|s| s.to_string()).collect()
}

/// The one session cookie a response sets; its value (the refresh token, percent-encoded).
fn session_cookie_set(r: &Resp, max_age: u32) -> String {
    let lines = set_cookies(r);
    assert_eq!(lines.len(), 1, "one Set-Cookie: {lines:?}");
    let (name, value, attrs) = parse(&lines[0]);
    assert_eq!(name, NAME);
    assert_eq!(attrs, expected_attributes(max_age), "{}", lines[0]);
    value
}

fn assert_cleared(r: &Resp) {
    let lines = set_cookies(r);
    assert_eq!(lines.len(), 1, "one Set-Cookie: {lines:?}");
    let (name, value, attrs) = parse(&lines[0]);
    assert_eq!((name.as_str(), value.as_str()), (NAME, ""), "{}", lines[0]);
    assert_eq!(attrs, expected_attributes(0), "{}", lines[0]);
}

/// A request as a page of `origin` sends it with `credentials: 'include'`.
struct Browser<'a> {
    api: &'a Api,
    cookie: Option<String>,
    origin: Option<&'a str>,
    csrf_header: bool,
}

impl Browser<'_> {
    async fn post(&self, path: &str, bearer: Option<&str>, body: Option<Value>) -> Resp {
        let mut req = self.api.http.post(format!("{}{path}", self.api.base));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("theme=dark; {NAME}={c}"));
        }
        if let Some(o) = self.origin {
            req = req.header("origin", o);
        }
        if self.csrf_header {
            req = req.header("x-requested-with", "fetch");
        }
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        self.api.send(req).await
    }
}

fn cognito_calls(api: &Api) -> usize {
    api.calls.lock().unwrap().len()
}

#[tokio::test]
async fn login_sets_the_cookie_refresh_and_logout_read_it_logout_clears_it() {
    let env = cookie_env().await;
    let api = &env.api;
    let max_age = pool_refresh_seconds();
    let email = email("cookie");
    api.confirmed_user(&email).await;

    // Login: access and id tokens in the body, the refresh token only in the cookie.
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert!(r.json["accessToken"].is_string() && r.json["idToken"].is_string(), "{}", r.json);
    assert!(r.json.get("refreshToken").is_none(), "no refresh token in the body: {}", r.json);
    let cookie = session_cookie_set(&r, max_age);
    assert!(cookie.len() > 20, "the cookie holds the refresh token");
    let first_access = r.json["accessToken"].as_str().unwrap().to_string();

    // The preflight of a credentialed request with the custom header is allowed for the origin.
    let pre = api
        .send(
            api.http
                .request(reqwest::Method::OPTIONS, format!("{}/auth/refresh", api.base))
                .header("origin", ALLOWED_ORIGIN)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "content-type,x-requested-with"),
        )
        .await;
    assert_eq!(pre.status, 204);
    assert_eq!(pre.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert_eq!(pre.headers["access-control-allow-credentials"], "true");
    let allowed = pre.headers["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
    assert!(allowed.split(", ").any(|h| h == "x-requested-with"), "{allowed}");

    // Refresh from the cookie (no refresh token in the body).
    let browser = Browser { api, cookie: Some(cookie.clone()), origin: Some(ALLOWED_ORIGIN), csrf_header: true };
    let r = browser.post("/auth/refresh", None, None).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert!(r.json["accessToken"].is_string(), "{}", r.json);
    assert!(r.json.get("refreshToken").is_none(), "{}", r.json);
    assert_eq!(r.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert_eq!(r.headers["access-control-allow-credentials"], "true");
    // A new refresh token (rotation) goes back into the cookie, with the same attributes.
    let cookie = match set_cookies(&r).is_empty() {
        true => cookie,
        false => session_cookie_set(&r, max_age),
    };
    let access = r.json["accessToken"].as_str().unwrap().to_string();
    assert_eq!(api.get_auth("/auth/userinfo", &access).await.status, 200);
    assert_eq!(api.get_auth("/auth/userinfo", &first_access).await.status, 200);

    // Logout revokes the cookie's refresh token and clears the cookie.
    let browser = Browser { api, cookie: Some(cookie.clone()), origin: Some(ALLOWED_ORIGIN), csrf_header: true };
    let r = browser.post("/auth/logout", Some(&access), None).await;
    assert_eq!((r.status, &r.json), (200, &json!({"signedOut": true, "everywhere": true, "refreshTokenRevoked": true})));
    assert_cleared(&r);

    // The old cookie, replayed, is refused (its token was revoked), and the answer clears it.
    let r = browser.post("/auth/refresh", None, None).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"), "{}", r.json);
    assert_cleared(&r);
}

/// Cookie tossing: a sibling subdomain's cookie of the old name (or any other) is not the session
/// cookie, and a request that carries the session cookie's name twice is refused before Cognito
/// is asked, with neither value used and nothing cleared.
#[tokio::test]
async fn a_cookie_of_another_name_is_ignored_and_the_name_twice_is_refused() {
    let env = cookie_env().await;
    let api = &env.api;
    let email = email("cookie-toss");
    api.confirmed_user(&email).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let cookie = session_cookie_set(&r, pool_refresh_seconds());
    let post = |cookies: String| {
        api.send(api.http.post(format!("{}/auth/refresh", api.base)).header("cookie", cookies).header("origin", ALLOWED_ORIGIN).header("x-requested-with", "fetch"))
    };
    let calls = cognito_calls(api);
    for twice in [format!("{NAME}=junk; {NAME}={cookie}"), format!("{NAME}={cookie}; {NAME}={cookie}"), format!("{NAME}=; {NAME}={cookie}")] {
        let r = post(twice.clone()).await;
        assert_eq!((r.status, r.error()), (400, "duplicate_session_cookie"), "{}", r.json);
        assert!(set_cookies(&r).is_empty(), "which cookie is the API's cannot be told: nothing cleared");
    }
    assert_eq!(cognito_calls(api), calls, "refused before Cognito is asked");
    // The old name, set by a sibling with a longer path, is someone else's cookie: the real one works.
    let r = post(format!("auth_refresh=attackers-token; {NAME}={cookie}")).await;
    assert_eq!(r.status, 200, "{}", r.json);
}

/// A refresh token replaced by rotation and presented after the grace period: 401
/// `refresh_token_reused` (sign in again), audited, and in cookie mode the stale cookie is cleared.
#[tokio::test]
async fn reuse_after_rotation_says_sign_in_again_and_clears_the_cookie() {
    let env = cookie_env().await;
    let api = &env.api;
    let email = email("cookie-reuse");
    api.confirmed_user(&email).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let old = session_cookie_set(&r, pool_refresh_seconds());
    let browser = |cookie: &str| Browser { api, cookie: Some(cookie.to_string()), origin: Some(ALLOWED_ORIGIN), csrf_header: true };
    let r = browser(&old).post("/auth/refresh", None, None).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let new = session_cookie_set(&r, pool_refresh_seconds());
    // Past the grace period (the emulator's clock, not a sleep).
    let grace = serde_json::from_str::<Value>(&std::fs::read_to_string(workspace_root().join("cdk/user-pool.json")).unwrap()).unwrap()["refreshTokenRotation"]["retryGracePeriodSeconds"].as_u64().unwrap();
    env.emu.faults(json!({"clockOffsetSeconds": grace + 1})).await;
    let r = browser(&old).post("/auth/refresh", None, None).await;
    assert_eq!((r.status, r.error()), (401, "refresh_token_reused"), "{}", r.json);
    assert!(r.json["message"].as_str().unwrap().contains("sign in again"), "{}", r.json);
    assert_cleared(&r);
    // The replacement still works (Cognito documents no revocation of the family on reuse).
    assert_eq!(browser(&new).post("/auth/refresh", None, None).await.status, 200);
}

#[tokio::test]
async fn a_cookie_without_an_allowed_origin_or_without_the_custom_header_is_refused() {
    let env = cookie_env().await;
    let api = &env.api;
    let email = email("csrf");
    api.confirmed_user(&email).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let cookie = session_cookie_set(&r, pool_refresh_seconds());
    let access = r.json["accessToken"].as_str().unwrap().to_string();

    let calls_before = cognito_calls(api);
    let with = |origin, csrf_header| Browser { api, cookie: Some(cookie.clone()), origin, csrf_header };
    for (what, b, code) in [
        ("no Origin", with(None, true), "origin_not_allowed"),
        ("another origin", with(Some("https://evil.example"), true), "origin_not_allowed"),
        ("an allowed origin's sibling port", with(Some("http://localhost:5174"), true), "origin_not_allowed"),
        ("no custom header", with(Some(ALLOWED_ORIGIN), false), "csrf_header_missing"),
    ] {
        let r = b.post("/auth/refresh", None, None).await;
        assert_eq!((r.status, r.error()), (403, code), "refresh, {what}: {}", r.json);
        assert!(r.json["message"].as_str().is_some_and(|m| !m.is_empty()) && r.json["requestId"].is_string(), "{}", r.json);
        assert!(set_cookies(&r).is_empty(), "a refusal leaves the cookie alone");
        let r = b.post("/auth/logout", Some(&access), None).await;
        assert_eq!((r.status, r.error()), (403, code), "logout, {what}: {}", r.json);
        assert!(set_cookies(&r).is_empty(), "a refusal leaves the cookie alone");
    }
    // A blank custom header is no header.
    let mut blank = api.http.post(format!("{}/auth/refresh", api.base));
    blank = blank.header("cookie", format!("{NAME}={cookie}")).header("origin", ALLOWED_ORIGIN).header("x-requested-with", " ");
    let r = api.send(blank).await;
    assert_eq!((r.status, r.error()), (403, "csrf_header_missing"), "{}", r.json);
    assert_eq!(cognito_calls(api), calls_before, "a refused request never reaches Cognito");

    // The session is untouched by the refusals: the same cookie still works from the page.
    let r = with(Some(ALLOWED_ORIGIN), true).post("/auth/refresh", None, None).await;
    assert_eq!(r.status, 200, "{}", r.json);
}

#[tokio::test]
async fn a_refresh_token_in_the_body_needs_no_cookie_checks_and_delete_clears_the_cookie() {
    let env = cookie_env().await;
    let api = &env.api;
    let email = email("cookie-body");
    api.confirmed_user(&email).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let cookie = session_cookie_set(&r, pool_refresh_seconds());
    let access = r.json["accessToken"].as_str().unwrap().to_string();

    // A non-browser client holding the token sends it in the body: no Origin, no custom header.
    let token = percent_decode(&cookie);
    let r = api.post("/auth/refresh", json!({"refreshToken": token})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert!(r.json.get("refreshToken").is_none(), "{}", r.json);

    // Neither in the body nor in a cookie: a 400 that names the field.
    let r = api.send(api.http.post(format!("{}/auth/refresh", api.base))).await;
    assert_eq!((r.status, r.error(), r.json["field"].as_str()), (400, "validation_error", Some("refreshToken")), "{}", r.json);

    // Deleting the account clears the cookie.
    let r = api.delete_auth("/auth/user", &access, json!({"currentPassword": PASSWORD})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_cleared(&r);
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned()
}

#[tokio::test]
async fn the_login_challenge_answer_sets_the_cookie() {
    let env = cookie_env().await;
    let api = &env.api;
    let email = email("cookie-totp");
    api.confirmed_user(&email).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let access = r.json["accessToken"].as_str().unwrap().to_string();
    let secret = api.post_auth("/auth/mfa/totp/setup", &access, json!({"currentPassword": PASSWORD})).await.json["secret"].as_str().unwrap().to_string();
    let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, Secret::Encoded(secret).to_bytes().unwrap()).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert_eq!(api.post_auth("/auth/mfa/totp/verify", &access, json!({"code": totp.generate(now)})).await.status, 200);

    // The password step answers a challenge: no tokens, no cookie yet.
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.json["challenge"], "SOFTWARE_TOKEN_MFA", "{}", r.json);
    assert!(set_cookies(&r).is_empty(), "no cookie before the challenge is answered");
    let answer = json!({"email": email, "challenge": "SOFTWARE_TOKEN_MFA", "session": r.json["session"], "answer": totp.generate(now + 30)});
    let r = api.post("/auth/login/challenge", answer).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert!(r.json["accessToken"].is_string() && r.json.get("refreshToken").is_none(), "{}", r.json);
    session_cookie_set(&r, pool_refresh_seconds());
}

#[tokio::test]
async fn with_the_mode_off_there_is_no_cookie_and_a_cookie_is_ignored() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("no-cookie");
    api.confirmed_user(&email).await;
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert!(r.json["refreshToken"].is_string(), "{}", r.json);
    assert!(set_cookies(&r).is_empty());
    let refresh = r.json["refreshToken"].as_str().unwrap().to_string();
    let browser = Browser { api, cookie: Some(refresh), origin: Some(ALLOWED_ORIGIN), csrf_header: true };
    let r = browser.post("/auth/refresh", None, None).await;
    assert_eq!((r.status, r.json["field"].as_str()), (400, Some("refreshToken")), "{}", r.json);
    let pre = api
        .send(
            api.http
                .request(reqwest::Method::OPTIONS, format!("{}/auth/refresh", api.base))
                .header("origin", ALLOWED_ORIGIN)
                .header("access-control-request-method", "POST"),
        )
        .await;
    assert!(pre.headers.get("access-control-allow-credentials").is_none());
}

/// In Lambda, API Gateway (payload 2.0) sends the request's cookies as a `cookies` array, which
/// lambda_http joins into one `Cookie` header: the cookie reader finds the session cookie there.
#[test]
fn the_cookies_of_an_http_api_event_reach_the_cookie_reader() {
    let mut event: Value = serde_json::from_str(include_str!("fixtures/apigw-v2-login.json")).unwrap();
    event["cookies"] = json!(["theme=dark", format!("{NAME}=eyJh.bGc%3B"), "other=1"]);
    let req = auth_api::lambda::to_api_request(lambda_http::request::from_str(&event.to_string()).unwrap());
    assert_eq!(auth_api::session_cookie::read(&req.headers, auth_api::session_cookie::COOKIE_NAME).unwrap().as_deref(), Some("eyJh.bGc;"));
    // Twice in the array is the name twice in the joined header.
    event["cookies"] = json!([format!("{NAME}=a"), "other=1", format!("{NAME}=b")]);
    let req = auth_api::lambda::to_api_request(lambda_http::request::from_str(&event.to_string()).unwrap());
    assert_eq!(auth_api::session_cookie::read(&req.headers, auth_api::session_cookie::COOKIE_NAME), Err(auth_api::error::ApiError::DuplicateSessionCookie));
}

/// Every route that sets, reads or clears the cookie gets the mode's settings from the stack (and
/// the origins its check compares with).
#[test]
fn the_routes_that_use_the_cookie_list_its_settings() {
    let def = auth_api::definition::definition();
    for name in ["login", "loginChallenge", "refresh", "logout", "deleteUser"] {
        let r = def.by_name(name).unwrap();
        for v in ["SESSION_COOKIE", "SESSION_COOKIE_MAX_AGE", "CORS_ORIGIN"] {
            assert!(r.env.iter().any(|e| e == v), "route {name} does not list {v}");
        }
    }
}

/// The Lambda door, through lambda_http's own adapter (the code `lambda_http::run` runs): an API
/// Gateway payload 2.0 login event, the router in cookie mode (Cognito mocked), and the function's
/// response as API Gateway receives it: the cookie in the `cookies` array, not among `headers`.
#[tokio::test]
async fn in_lambda_the_cookie_leaves_in_the_payload_v2_cookies_array() {
    use aws_sdk_cognitoidentityprovider as cip;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use lambda_http::tower::Service;
    let login = mock!(cip::Client::admin_initiate_auth).then_output(|| {
        cip::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            .authentication_result(
                cip::types::AuthenticationResultType::builder()
                    .access_token("aa.bb.cc")
                    .id_token("dd.ee.ff")
                    .refresh_token("eyJjdHkiOiJKV1QifQ.refresh-token")
                    .expires_in(3600)
                    .token_type("Bearer")
                    .build(),
            )
            .build()
    });
    let client = mock_client!(cip, RuleMode::MatchAny, [&login]);
    let state = std::sync::Arc::new(support::mocked_state(client).with_session_cookie(Some(SessionCookie { max_age_seconds: 2_592_000 })));
    let mut adapter = lambda_http::Adapter::from(lambda_http::service_fn(move |req: lambda_http::Request| {
        let state = state.clone();
        async move {
            let resp = auth_api::handle(&state, auth_api::lambda::to_api_request(req)).await;
            Ok::<_, std::convert::Infallible>(auth_api::lambda::to_lambda_response(resp))
        }
    }));
    let mut event: Value = serde_json::from_str(include_str!("fixtures/apigw-v2-login.json")).unwrap();
    event["body"] = r#"{"email":"jane@example.com","password":"Corr3ct-horse!"}"#.into();
    event["isBase64Encoded"] = false.into();
    let payload: lambda_http::request::LambdaRequest = serde_json::from_value(event).unwrap();
    let out = adapter.call(lambda_http::LambdaEvent::new(payload, lambda_http::Context::default())).await.unwrap();
    let out = serde_json::to_value(&out).unwrap();
    assert_eq!(out["statusCode"], 200, "{out}");
    assert_eq!(
        out["cookies"],
        json!([format!("{NAME}=eyJjdHkiOiJKV1QifQ.refresh-token; HttpOnly; SameSite=Strict; Secure; Path=/; Max-Age=2592000")]),
        "{out}"
    );
    let headers = out["headers"].as_object().unwrap();
    assert!(!headers.keys().any(|k| k.eq_ignore_ascii_case("set-cookie")), "{out}");
    let body: Value = serde_json::from_str(out["body"].as_str().unwrap()).unwrap();
    assert_eq!((body["accessToken"].as_str(), body.get("refreshToken")), (Some("aa.bb.cc"), None), "{body}");
}
