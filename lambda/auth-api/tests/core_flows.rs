//! The core routes end to end: the real router over HTTP (local server), the real SDK, the local
//! Cognito emulator. Happy paths and failure paths of register, verify, resend, login, refresh,
//! userinfo, logout, and CORS.
mod support;
use serde_json::json;
use support::*;

#[tokio::test]
async fn register_verify_login_userinfo_refresh_logout() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("story");

    let r = api.post("/auth/register", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    assert_eq!(r.json["codeDelivery"]["medium"], "EMAIL");
    assert_eq!(r.json["codeDelivery"]["destination"], "s***@e***");

    // Unconfirmed: a distinct answer with the right password, the generic 401 with a wrong one.
    let r = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (403, "user_not_confirmed"));
    let r = api.post("/auth/login", json!({"email": email, "password": "Wrong-passw0rd!"})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_credentials"));

    let r = api.post("/auth/verify", json!({"email": email, "code": "000000"})).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"));
    let r = api.post("/auth/verify", json!({"email": email, "code": DEV_CODE})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"confirmed": true})));
    // Confirmed already: the answer an unknown address gets (see tests/enumeration.rs).
    let r = api.post("/auth/verify", json!({"email": email, "code": DEV_CODE})).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"));

    let t = api.login(&email, PASSWORD).await;
    assert_eq!(t["tokenType"], "Bearer");
    assert!(t["expiresIn"].as_i64().unwrap() > 0);
    for k in ["accessToken", "idToken", "refreshToken", "username"] {
        assert!(t[k].as_str().is_some_and(|s| !s.is_empty()), "{k} missing: {t}");
    }
    let access = t["accessToken"].as_str().unwrap();
    let refresh = t["refreshToken"].as_str().unwrap();
    let username = t["username"].as_str().unwrap();
    assert_ne!(username, email, "the Cognito username is the sub, not the email");

    let r = api.get_auth("/auth/userinfo", access).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json["email"], email.as_str());
    assert_eq!(r.json["emailVerified"], true);
    assert_eq!(r.json["sub"], username);
    assert_eq!(r.json["attributes"]["email"], email.as_str());
    assert_eq!(r.json["mfaEnabled"], false);

    // Refresh: the refresh token alone (rotation: tests/rotation.rs).
    let r = api.post("/auth/refresh", json!({"refreshToken": refresh})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let new_access = r.json["accessToken"].as_str().unwrap().to_string();
    let refresh = r.json["refreshToken"].as_str().unwrap().to_string();
    let refresh = refresh.as_str();
    assert!(r.json["idToken"].is_string());
    assert_eq!(api.get_auth("/auth/userinfo", &new_access).await.status, 200);

    let r = api.post_auth("/auth/logout", access, json!({"refreshToken": refresh})).await;
    // Whether RevokeToken accepts a refresh token GlobalSignOut has just ended is not documented
    // (the emulator accepts it): the revocation itself is held by the next test.
    assert_eq!((r.status, r.json["signedOut"].as_bool(), r.json["refreshTokenRevoked"].is_boolean()), (200, Some(true), true), "{}", r.json);
    for token in [access, new_access.as_str()] {
        let r = api.get_auth("/auth/userinfo", token).await;
        assert_eq!((r.status, r.error()), (401, "invalid_token"));
        assert_eq!(r.headers["www-authenticate"], "Bearer");
    }
    let r = api.post("/auth/refresh", json!({"refreshToken": refresh})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"));
}

/// Logout revokes exactly the refresh token it is given, and says so. Shown with a refresh token of
/// another user (B), whose sessions the caller's (A's) GlobalSignOut cannot touch: B's given refresh
/// token and the access tokens issued from it stop working, B's other session keeps working (what
/// RevokeToken is documented to revoke: the token and its access/ID tokens, nothing else).
#[tokio::test]
async fn logout_revokes_exactly_the_given_refresh_token() {
    let env = Env::start().await;
    let api = &env.api;
    let (a, b) = (email("logout-a"), email("logout-b"));
    api.confirmed_user(&a).await;
    api.confirmed_user(&b).await;
    let b1 = api.login(&b, PASSWORD).await;
    let b2 = api.login(&b, PASSWORD).await;
    let refresh = |t: &serde_json::Value| json!({"refreshToken": t["refreshToken"]});

    let a1 = api.login(&a, PASSWORD).await;
    let r = api.post_auth("/auth/logout", a1["accessToken"].as_str().unwrap(), json!({"refreshToken": b1["refreshToken"]})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"signedOut": true, "everywhere": true, "refreshTokenRevoked": true})));

    let r = api.post("/auth/refresh", refresh(&b1)).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"), "the given refresh token must be revoked");
    let r = api.get_auth("/auth/userinfo", b1["accessToken"].as_str().unwrap()).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"), "the access token issued with the revoked refresh token");
    assert_eq!(api.get_auth("/auth/userinfo", b2["accessToken"].as_str().unwrap()).await.status, 200, "B's other session is untouched");
    let r = api.post("/auth/refresh", refresh(&b2)).await;
    assert_eq!(r.status, 200, "B's other refresh token is untouched: {}", r.json);
    let b2 = r.json; // rotation: the new refresh token replaces the one sent
    let r = api.get_auth("/auth/userinfo", a1["accessToken"].as_str().unwrap()).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"), "the caller is signed out (GlobalSignOut)");

    // A token Cognito refuses (not one it issued to this client): still signed out, and the answer
    // says nothing was revoked; B's remaining session is not affected.
    let a2 = api.login(&a, PASSWORD).await;
    let wrong = format!("{}X", b2["refreshToken"].as_str().unwrap());
    let r = api.post_auth("/auth/logout", a2["accessToken"].as_str().unwrap(), json!({"refreshToken": wrong})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"signedOut": true, "everywhere": true, "refreshTokenRevoked": false})));
    assert_eq!(api.get_auth("/auth/userinfo", a2["accessToken"].as_str().unwrap()).await.status, 401);
    assert_eq!(api.post("/auth/refresh", refresh(&b2)).await.status, 200);
}

#[tokio::test]
async fn logout_without_refresh_token_still_ends_every_session() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("logout");
    api.confirmed_user(&email).await;
    let t = api.login(&email, PASSWORD).await;
    let access = t["accessToken"].as_str().unwrap();
    let r = api.send(api.http.post(format!("{}/auth/logout", api.base)).bearer_auth(access)).await;
    assert_eq!((r.status, r.json["refreshTokenRevoked"].as_bool()), (200, Some(false)), "{}", r.json);
    let r = api.post("/auth/refresh", json!({"refreshToken": t["refreshToken"]})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"), "GlobalSignOut revokes refresh tokens too");
    let r = api.post_auth("/auth/logout", access, json!({})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"));
}

#[tokio::test]
async fn no_account_enumeration_through_login_register_or_resend() {
    let env = Env::start().await;
    let api = &env.api;
    let known = email("known");
    api.confirmed_user(&known).await;
    let unknown = email("nobody");

    let wrong = api.post("/auth/login", json!({"email": known, "password": "Wrong-passw0rd!"})).await;
    let nobody = api.post("/auth/login", json!({"email": unknown, "password": "Wrong-passw0rd!"})).await;
    assert_eq!((wrong.status, nobody.status), (401, 401));
    assert_eq!(wrong.body_without_request_id(), nobody.body_without_request_id());
    assert_eq!(wrong.bytes.len(), nobody.bytes.len());

    // Registering a taken address answers exactly like a new one (same first letters).
    let taken = api.post("/auth/register", json!({"email": known, "password": PASSWORD})).await;
    let fresh_email = known.replacen("known", "kn0wn", 1);
    let fresh = api.post("/auth/register", json!({"email": fresh_email, "password": PASSWORD})).await;
    assert_eq!((taken.status, fresh.status), (202, 202));
    assert_eq!(taken.body_without_request_id(), fresh.body_without_request_id());

    // Resend: unknown, confirmed and unconfirmed addresses all look the same.
    let a = api.post("/auth/resend", json!({"email": unknown})).await;
    let b = api.post("/auth/resend", json!({"email": known})).await;
    let c = api.post("/auth/resend", json!({"email": fresh_email})).await;
    assert_eq!((a.status, b.status, c.status), (202, 202, 202));
    assert_eq!(a.json["message"], b.json["message"]);
    assert_eq!(b.body_without_request_id(), c.body_without_request_id());

    // A wrong code for an unknown address is just a wrong code.
    let r = api.post("/auth/verify", json!({"email": unknown, "code": DEV_CODE})).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"));
}

#[tokio::test]
async fn resend_gives_a_working_code_to_an_unconfirmed_user() {
    let env = Env::start().await;
    let api = &env.api;
    let email = email("resend");
    assert_eq!(api.post("/auth/register", json!({"email": email, "password": PASSWORD})).await.status, 202);
    let r = api.post("/auth/resend", json!({"email": email})).await;
    assert_eq!(r.status, 202);
    let r = api.post("/auth/verify", json!({"email": email, "code": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);
}

#[tokio::test]
async fn weak_password_is_refused_with_the_policy_reason() {
    let env = Env::start().await;
    let r = env.api.post("/auth/register", json!({"email": email("weak"), "password": "short"})).await;
    assert_eq!((r.status, r.error()), (400, "invalid_password"));
    assert!(r.json["message"].as_str().unwrap().contains("Password"), "{}", r.json);
}

#[tokio::test]
async fn cors_preflight_and_responses_follow_the_allow_list() {
    let env = Env::start().await;
    let api = &env.api;
    let preflight = |origin: &'static str| {
        api.http
            .request(reqwest::Method::OPTIONS, format!("{}/auth/login", api.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
    };
    let r = api.send(preflight(ALLOWED_ORIGIN)).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert!(r.headers["access-control-allow-methods"].to_str().unwrap().contains("POST"));
    assert!(r.headers["access-control-allow-headers"].to_str().unwrap().to_lowercase().contains("content-type"));
    assert!(r.headers["access-control-allow-headers"].to_str().unwrap().to_lowercase().contains("authorization"));

    let r = api.send(preflight("https://evil.example")).await;
    assert!(r.headers.get("access-control-allow-origin").is_none());
    assert!(r.headers.get("access-control-allow-methods").is_none());

    let login = |origin: &'static str| {
        api.http.post(format!("{}/auth/login", api.base)).header("origin", origin).json(&json!({"email": "a@b.io", "password": "x"}))
    };
    let r = api.send(login(ALLOWED_ORIGIN)).await;
    assert_eq!(r.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
    assert!(r.headers["access-control-expose-headers"].to_str().unwrap().contains("Retry-After"));
    let r = api.send(login("https://evil.example")).await;
    assert!(r.headers.get("access-control-allow-origin").is_none());
    assert_eq!(r.headers["vary"], "Origin");
}

#[tokio::test]
async fn bad_input_over_http_gets_clear_json_4xx() {
    let env = Env::start().await;
    let api = &env.api;
    let url = |p: &str| format!("{}{p}", api.base);
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        (api.http.post(url("/auth/login")), 400, "invalid_json"),
        (api.http.post(url("/auth/login")).header("content-type", "application/json").body("{nope"), 400, "invalid_json"),
        (api.http.post(url("/auth/login")).header("content-type", "text/plain").body("{}"), 415, "unsupported_media_type"),
        (api.http.post(url("/auth/login")).json(&json!({"email": 5, "password": "x"})), 400, "validation_error"),
        (api.http.post(url("/auth/login")).json(&json!({"email": "a@b.io"})), 400, "validation_error"),
        (api.http.post(url("/auth/login")).json(&json!({"email": "not-an-email", "password": "x"})), 400, "validation_error"),
        (api.http.post(url("/auth/login")).json(&json!({"email": "a@b.io", "password": "x".repeat(257)})), 400, "validation_error"),
        (api.http.post(url("/auth/login")).header("content-type", "application/json").body(vec![b' '; 20_000]), 413, "payload_too_large"),
        (api.http.get(url("/auth/userinfo")), 401, "missing_token"),
        (api.http.get(url("/auth/userinfo")).header("authorization", "Basic dXNlcjpwYXNz"), 401, "invalid_token"),
        (api.http.get(url("/auth/userinfo")).header("authorization", "Bearer not-a-jwt"), 401, "invalid_token"),
        (api.http.get(url("/auth/userinfo")).header("authorization", "Bearer a.b.c"), 401, "invalid_token"),
        (api.http.get(url("/auth/login")), 405, "method_not_allowed"),
        (api.http.post(url("/auth/nowhere")).json(&json!({})), 404, "not_found"),
        (api.http.get(url("/")), 404, "not_found"),
    ];
    for (i, (req, status, code)) in cases.into_iter().enumerate() {
        let r = api.send(req).await;
        assert_eq!((r.status, r.error()), (status, code), "case {i}: {}", String::from_utf8_lossy(&r.bytes));
        assert_eq!(r.headers["content-type"], "application/json", "case {i}");
        assert!(r.json["message"].is_string() && r.json["requestId"].is_string(), "case {i}");
    }
}

/// Every bearer-token route refuses a request without a usable token first (401 `missing_token`, or
/// `invalid_token` for a JWT-shaped token under another scheme or over the length bound), before
/// reading the body, and without calling Cognito (junk never spends a Cognito quota).
#[tokio::test]
async fn every_bearer_route_refuses_a_missing_or_malformed_token_first_without_calling_cognito() {
    let env = Env::start().await;
    let api = &env.api;
    let long = format!("aa.{}.cc", "b".repeat(8192));
    let cases: [(Option<String>, &str); 4] = [
        (None, "missing_token"),
        (Some("Basic aa.bb.cc".into()), "invalid_token"),
        (Some("Bearer not-a-jwt".into()), "invalid_token"),
        (Some(format!("Bearer {long}")), "invalid_token"),
    ];
    for route in auth_api::definition::definition().routes.iter().filter(|r| r.bearer_token) {
        let method = reqwest::Method::from_bytes(route.method.as_bytes()).unwrap();
        for (authorization, code) in &cases {
            // An empty JSON object: a body the route would refuse, were the token looked at second.
            let mut req = api.http.request(method.clone(), format!("{}{}", api.base, route.path)).json(&json!({}));
            if let Some(a) = authorization {
                req = req.header("authorization", a);
            }
            let before = api.calls.lock().unwrap().len();
            let r = api.send(req).await;
            let shown: String = authorization.as_deref().unwrap_or("none").chars().take(20).collect();
            assert_eq!((r.status, r.error()), (401, *code), "{} {} with authorization {shown}: {}", route.method, route.path, r.json);
            assert_eq!(api.calls.lock().unwrap().len(), before, "{} {}: Cognito was called", route.method, route.path);
        }
    }
}

/// The local server stops reading a body at the limit: a request whose body goes on without end
/// (chunked, never finished) is answered 413 while it is still being sent, not after it ends.
#[tokio::test]
async fn the_local_server_answers_413_before_an_endless_body_ends() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let env = Env::start().await;
    let mut s = tokio::net::TcpStream::connect(env.api.base.trim_start_matches("http://")).await.unwrap();
    let head = "POST /auth/login HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; auth_api::config::MAX_BODY_BYTES + 1];
    s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
    s.write_all(&chunk).await.unwrap();
    s.write_all(b"\r\n").await.unwrap();
    // No last chunk: the body never ends. A server that waits for its end never answers; the
    // bound is generous, against a machine under load (the answer takes milliseconds).
    let mut answer = vec![0u8; 12];
    tokio::time::timeout(std::time::Duration::from_secs(60), s.read_exact(&mut answer))
        .await
        .expect("no answer while the body was still being sent")
        .unwrap();
    assert_eq!(&answer, b"HTTP/1.1 413");
}

/// The headers every answer carries (docs/api.md: `Cache-Control: no-store`, `X-Request-Id`,
/// `X-Content-Type-Options: nosniff`), checked on real answers of many routes, successes and
/// errors alike, and the `Allow` header of a 405.
#[tokio::test]
async fn every_answer_carries_the_standard_headers() {
    let env = Env::start().await;
    let api = &env.api;
    let url = |p: &str| format!("{}{p}", api.base);
    let email = email("headers");
    let mut answers = vec![];
    answers.push(("register", api.post("/auth/register", json!({"email": email, "password": PASSWORD})).await));
    answers.push(("verify", api.post("/auth/verify", json!({"email": email, "code": DEV_CODE})).await));
    let login = api.post("/auth/login", json!({"email": email, "password": PASSWORD})).await;
    let (access, refresh) = (login.json["accessToken"].as_str().unwrap().to_string(), login.json["refreshToken"].clone());
    answers.push(("login", login));
    answers.push(("userinfo", api.get_auth("/auth/userinfo", &access).await));
    answers.push(("refresh", api.post("/auth/refresh", json!({"refreshToken": refresh})).await));
    answers.push(("forgot", api.post("/auth/password/forgot", json!({"email": email})).await));
    answers.push(("openapi", api.send(api.http.get(url("/auth/openapi.json"))).await));
    answers.push(("bad login", api.post("/auth/login", json!({"email": email, "password": "Wrong-passw0rd!"})).await));
    answers.push(("no token", api.send(api.http.get(url("/auth/userinfo"))).await));
    answers.push(("not found", api.send(api.http.get(url("/nowhere"))).await));
    answers.push(("logout", api.post_auth("/auth/logout", &access, json!({})).await));
    let wrong_method = api.send(api.http.get(url("/auth/login"))).await;
    assert_eq!((wrong_method.status, wrong_method.headers.get("allow").and_then(|v| v.to_str().ok())), (405, Some("POST")));
    answers.push(("405", wrong_method));
    let preflight = api
        .send(api.http.request(reqwest::Method::OPTIONS, url("/auth/login")).header("origin", ALLOWED_ORIGIN).header("access-control-request-method", "POST"))
        .await;
    answers.push(("preflight", preflight));

    let mut ids = std::collections::HashSet::new();
    for (what, r) in &answers {
        let h = |k: &str| r.headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(r.status < 500, "{what}: {}", r.status);
        assert_eq!(h("cache-control"), "no-store", "{what}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
        let id = h("x-request-id");
        assert!(!id.is_empty(), "{what}: no X-Request-Id");
        assert!(ids.insert(id.to_string()), "{what}: X-Request-Id {id} repeated");
        if r.status >= 400 {
            assert_eq!(r.json["requestId"], id, "{what}: the body's requestId is the header's");
        }
    }
}
