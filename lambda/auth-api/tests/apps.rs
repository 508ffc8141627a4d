//! Many apps on one pool, through the real router, SDK and local server against the emulator: the
//! calling app is named by X-App-Id (none: the first app, the API's own), each app's Cognito calls
//! use its own app client (its tokens carry its client id), and an unknown or mismatched app is
//! refused before any Cognito call.
mod support;

use auth_api::apps::{self, AppConfig};
use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, RefreshTokenRotationType, FeatureType};
use serde_json::{json, Value};
use support::*;

const SHOP_ORIGIN: &str = "http://localhost:5175";

/// The emulator with a second app client ("shop"), and the API serving both apps.
async fn two_apps() -> (Emulator, Api, String) {
    two_apps_with(None).await
}

/// The same, in browser session mode when `cookie` is given.
async fn two_apps_with(cookie: Option<auth_api::session_cookie::SessionCookie>) -> (Emulator, Api, String) {
    let emu = Emulator::start();
    let sdk = sdk_for(&emu.endpoint).await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let shop = idp
        .create_user_pool_client()
        .user_pool_id(&emu.user_pool_id)
        .client_name("shop")
        .generate_secret(true)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserAuth)
        .refresh_token_rotation(RefreshTokenRotationType::builder().feature(FeatureType::Enabled).retry_grace_period_seconds(10).build().unwrap())
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    let shop_id = shop.client_id.unwrap();
    let list = vec![
        AppConfig { id: "notes".into(), client_id: emu.client_id.clone(), client_secret: Some(emu.client_secret.clone()), client_secret_arn: None, origins: vec![ALLOWED_ORIGIN.into()] },
        AppConfig { id: "shop".into(), client_id: shop_id.clone(), client_secret: shop.client_secret, client_secret_arn: None, origins: vec![SHOP_ORIGIN.into()] },
    ];
    let mut cfg = config_for(&emu);
    cfg.cors_origins = vec![];
    let api = Api::start_with(cfg, &emu.endpoint, |state, sdk| state.with_session_cookie(cookie).with_apps(&list, sdk)).await;
    (emu, api, shop_id)
}

fn claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

async fn post(api: &Api, path: &str, app: Option<&str>, origin: Option<&str>, token: Option<&str>, body: Value) -> Resp {
    let mut req = api.http.post(format!("{}{path}", api.base)).json(&body);
    if let Some(a) = app {
        req = req.header(apps::APP_ID_HEADER, a);
    }
    if let Some(o) = origin {
        req = req.header("origin", o);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    api.send(req).await
}

#[tokio::test]
async fn each_app_signs_in_with_its_own_client_and_others_are_refused() {
    let (emu, api, shop_id) = two_apps().await;
    let email = email("apps");

    // An unknown or mismatched app is refused before any Cognito call; no header is the API's own app,
    // so a page of another app that forgets it is refused for its Origin.
    emu.forget_calls().await;
    let r = post(&api, "/auth/register", None, Some(SHOP_ORIGIN), None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (403, "app_mismatch"));
    let r = post(&api, "/auth/register", Some("blog"), None, None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (400, "unknown_app"));
    // A page of one app cannot call as another.
    let r = post(&api, "/auth/register", Some("shop"), Some(ALLOWED_ORIGIN), None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (403, "app_mismatch"));
    assert_eq!(emu.calls().await, Vec::<String>::new(), "refused before any Cognito call");

    let r = post(&api, "/auth/register", None, Some(ALLOWED_ORIGIN), None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    let r = post(&api, "/auth/verify", Some("notes"), None, None, json!({"email": email, "code": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);

    // One account, a session per app: each app's tokens carry its own client id.
    let notes = post(&api, "/auth/login", Some("notes"), Some(ALLOWED_ORIGIN), None, json!({"email": email, "password": PASSWORD})).await;
    let shop = post(&api, "/auth/login", Some("shop"), Some(SHOP_ORIGIN), None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((notes.status, shop.status), (200, 200), "{} {}", notes.json, shop.json);
    let notes_access = notes.json["accessToken"].as_str().unwrap();
    let shop_access = shop.json["accessToken"].as_str().unwrap();
    assert_eq!(claims(notes_access)["client_id"], json!(emu.client_id));
    assert_eq!(claims(shop_access)["client_id"], json!(shop_id));
    assert_eq!(claims(shop.json["idToken"].as_str().unwrap())["aud"], json!(shop_id));

    // A token of another app is refused by this API for that app; its own app's works.
    let get = |app: &'static str, token: String| {
        let req = api.http.get(format!("{}/auth/userinfo", api.base)).header(apps::APP_ID_HEADER, app).bearer_auth(token);
        api.send(req)
    };
    let r = get("shop", notes_access.to_string()).await;
    assert_eq!((r.status, r.error()), (403, "app_mismatch"));
    let r = get("shop", shop_access.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.json);

    // A refresh token works only with its own app's client (Cognito's check of the client).
    let shop_refresh = shop.json["refreshToken"].as_str().unwrap();
    let r = post(&api, "/auth/refresh", Some("notes"), None, None, json!({"refreshToken": shop_refresh})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"));
    let r = post(&api, "/auth/refresh", Some("shop"), None, None, json!({"refreshToken": shop_refresh})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(claims(r.json["accessToken"].as_str().unwrap())["client_id"], json!(shop_id));
}

#[tokio::test]
async fn cors_answers_every_apps_origins_and_allows_the_app_header() {
    let (_emu, api, _) = two_apps().await;
    for origin in [ALLOWED_ORIGIN, SHOP_ORIGIN] {
        let req = api
            .http
            .request(reqwest::Method::OPTIONS, format!("{}/auth/login", api.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, x-app-id");
        let r = api.send(req).await;
        assert_eq!(r.headers.get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some(origin));
        let allowed = r.headers.get("access-control-allow-headers").and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        assert!(allowed.split(", ").any(|h| h == apps::APP_ID_HEADER), "{allowed}");
    }
    // The OpenAPI document serves every app alike: no header needed.
    let r = api.send(api.http.get(format!("{}/auth/openapi.json", api.base))).await;
    assert_eq!(r.status, 200);
}

/// A confirmed user signed in on both apps: (notes' login answer, shop's).
async fn signed_in_on_both(api: &Api, email: &str) -> (Resp, Resp) {
    let r = post(api, "/auth/register", Some("notes"), None, None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    let r = post(api, "/auth/verify", Some("notes"), None, None, json!({"email": email, "code": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let notes = post(api, "/auth/login", Some("notes"), None, None, json!({"email": email, "password": PASSWORD})).await;
    let shop = post(api, "/auth/login", Some("shop"), None, None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((notes.status, shop.status), (200, 200), "{} {}", notes.json, shop.json);
    (notes, shop)
}

fn field<'a>(r: &'a Resp, name: &str) -> &'a str {
    r.json[name].as_str().unwrap()
}

#[tokio::test]
async fn sign_out_of_one_app_leaves_the_others_and_everywhere_ends_them_all() {
    let (emu, api, _) = two_apps().await;
    let (notes, shop) = signed_in_on_both(&api, &email("one-app-out")).await;

    // everywhere: false needs the app's refresh token (the session that ends), and no Cognito call without it.
    emu.forget_calls().await;
    let r = post(&api, "/auth/logout", Some("shop"), None, Some(field(&shop, "accessToken")), json!({"everywhere": false})).await;
    assert_eq!((r.status, r.error()), (400, "validation_error"), "{}", r.json);
    assert_eq!(emu.calls().await, Vec::<String>::new());
    // Another app's refresh token is not this app's session: refused, nothing signed out.
    let r = post(&api, "/auth/logout", Some("shop"), None, Some(field(&shop, "accessToken")), json!({"everywhere": false, "refreshToken": field(&notes, "refreshToken")})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"), "{}", r.json);

    // Out of shop only: RevokeToken, no GlobalSignOut; shop's session ends, notes' stays.
    emu.forget_calls().await;
    let r = post(&api, "/auth/logout", Some("shop"), None, Some(field(&shop, "accessToken")), json!({"everywhere": false, "refreshToken": field(&shop, "refreshToken")})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(r.json, json!({"signedOut": true, "everywhere": false, "refreshTokenRevoked": true}));
    assert_eq!(emu.calls().await, vec!["RevokeToken".to_string()]);
    let r = post(&api, "/auth/refresh", Some("shop"), None, None, json!({"refreshToken": field(&shop, "refreshToken")})).await;
    assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"));
    let r = api.send(api.http.get(format!("{}/auth/userinfo", api.base)).header(apps::APP_ID_HEADER, "shop").bearer_auth(field(&shop, "accessToken"))).await;
    assert_eq!((r.status, r.error()), (401, "invalid_token"), "the access token issued from the revoked refresh token ends with it");
    let r = post(&api, "/auth/refresh", Some("notes"), None, None, json!({"refreshToken": field(&notes, "refreshToken")})).await;
    assert_eq!(r.status, 200, "notes stays signed in: {}", r.json);

    // Everywhere (the default) from notes ends shop's new session too.
    let (notes, shop) = signed_in_on_both(&api, &email("everywhere-out")).await;
    let r = post(&api, "/auth/logout", Some("notes"), None, Some(field(&notes, "accessToken")), json!({})).await;
    assert_eq!(r.json["everywhere"], json!(true), "{}", r.json);
    for (app, login) in [("notes", &notes), ("shop", &shop)] {
        let r = post(&api, "/auth/refresh", Some(app), None, None, json!({"refreshToken": field(login, "refreshToken")})).await;
        assert_eq!((r.status, r.error()), (401, "invalid_refresh_token"), "{app}");
    }
}

/// `Set-Cookie` lines of an answer.
fn set_cookies(r: &Resp) -> Vec<String> {
    r.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn in_browser_session_mode_each_app_has_its_own_cookie() {
    // One cookie per app on the API's host: signing in on shop does not overwrite notes' session,
    // each app's refresh reads its own cookie, and signing out of one clears only its cookie.
    let (_emu, api, _) = two_apps_with(Some(auth_api::session_cookie::SessionCookie { max_age_seconds: 3600 })).await;
    let email = email("apps-cookies");
    let r = post(&api, "/auth/register", Some("notes"), None, None, json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(r.status, 202, "{}", r.json);
    let r = post(&api, "/auth/verify", Some("notes"), None, None, json!({"email": email, "code": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let notes = post(&api, "/auth/login", Some("notes"), Some(ALLOWED_ORIGIN), None, json!({"email": email, "password": PASSWORD})).await;
    let shop = post(&api, "/auth/login", Some("shop"), Some(SHOP_ORIGIN), None, json!({"email": email, "password": PASSWORD})).await;
    let pair = |r: &Resp, name: &str| -> String {
        let lines = set_cookies(r);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with(&format!("{name}=")), "{lines:?}");
        assert!(lines[0].contains("HttpOnly") && lines[0].contains("Secure") && lines[0].contains("SameSite=Strict") && lines[0].contains("Path=/"));
        assert!(!lines[0].to_ascii_lowercase().contains("domain="), "{lines:?}");
        lines[0].split(';').next().unwrap().to_string()
    };
    let notes_cookie = pair(&notes, "__Host-auth_refresh-notes");
    let shop_cookie = pair(&shop, "__Host-auth_refresh-shop");
    // The browser sends both to the API's host; each app's refresh uses its own.
    let both = format!("{notes_cookie}; {shop_cookie}");
    let refresh = |app: &'static str, origin: &'static str, cookie: String| {
        let req = api.http.post(format!("{}/auth/refresh", api.base)).header(apps::APP_ID_HEADER, app).header("origin", origin).header("x-requested-with", "fetch").header("cookie", cookie);
        api.send(req)
    };
    let r = refresh("shop", SHOP_ORIGIN, both.clone()).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(claims(r.json["accessToken"].as_str().unwrap())["client_id"], claims(shop.json["accessToken"].as_str().unwrap())["client_id"]);
    let shop_cookie = pair(&r, "__Host-auth_refresh-shop");
    let r = refresh("notes", ALLOWED_ORIGIN, format!("{notes_cookie}; {shop_cookie}")).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let notes_cookie = pair(&r, "__Host-auth_refresh-notes");
    // Without its own cookie an app has no cookie session, whatever other apps' cookies are sent.
    let r = refresh("notes", ALLOWED_ORIGIN, shop_cookie.clone()).await;
    assert_eq!((r.status, r.error()), (400, "validation_error"), "{}", r.json);
    // Signing out of shop only: its cookie is cleared (Max-Age=0), notes' is untouched and still works.
    let req = api
        .http
        .post(format!("{}/auth/logout", api.base))
        .header(apps::APP_ID_HEADER, "shop")
        .header("origin", SHOP_ORIGIN)
        .header("x-requested-with", "fetch")
        .header("cookie", format!("{notes_cookie}; {shop_cookie}"))
        .bearer_auth(claims_token(&shop))
        .json(&json!({"everywhere": false}));
    let r = api.send(req).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let cleared = set_cookies(&r);
    assert_eq!(cleared.len(), 1, "{cleared:?}");
    assert!(cleared[0].starts_with("__Host-auth_refresh-shop=;") && cleared[0].contains("Max-Age=0"), "{cleared:?}");
    let r = refresh("notes", ALLOWED_ORIGIN, notes_cookie).await;
    assert_eq!(r.status, 200, "{}", r.json);
}

fn claims_token(r: &Resp) -> String {
    r.json["accessToken"].as_str().unwrap().to_string()
}
