//! Federated sign-in end to end through the real handlers: the local Cognito emulator's pool
//! endpoints, real upstream providers (tests/idp/server.mjs: oidc-provider playing Google and Entra
//! ID, samlify a SAML IdP), the pool configured for them as the stack does (federation_setup.py,
//! from cdk/federation.json), and a hop-by-hop browser (support/browser.rs). The tokens a federated
//! sign-in gives are ordinary pool tokens: userinfo, refresh with rotation and logout work.
mod support;

use auth_api::federation::sealed::{self, FlowState};
use auth_api::federation::{binding, Federation};
use auth_api::session_cookie::SessionCookie;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use support::browser::{query, Browser};
use support::*;

const RETURN: &str = "http://localhost:9/app/signed-in";
const APP_HOST: &str = "http://localhost:9/";

struct Idps(Child);

impl Drop for Idps {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Fed {
    api: Api,
    emulator: Emulator,
    idp: Value,
    _idps: Idps,
}

fn start_idps(emulator: &Emulator) -> (Idps, Value) {
    let root = workspace_root();
    assert!(root.join("tests/idp/node_modules/oidc-provider").is_dir(), "run `make idp` (npm ci in tests/idp) first");
    let mut child = Command::new("node")
        .arg(root.join("tests/idp/server.mjs"))
        .args(["--cognito", &emulator.endpoint, "--user-pool-id", &emulator.user_pool_id, "--port", "0", "--exit-with-parent"])
        .env("NODE_NO_WARNINGS", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the local identity providers (node)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("identity providers said {line:?}: {e}"));
    (Idps(child), ready)
}

/// The pool configured for the local providers as the stack configures a deployed one, the API
/// started with federation on (and browser session mode when `cookie_mode`).
async fn setup(cookie_mode: bool) -> Fed {
    let emulator = Emulator::start_without_ses();
    let (idps, idp) = start_idps(&emulator);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let callback = format!("{base}/auth/federation/callback");
    let ready_file = std::env::temp_dir().join(format!("fed-idp-{}-{}.json", std::process::id(), listener.local_addr().unwrap().port()));
    std::fs::write(&ready_file, idp.to_string()).unwrap();
    let out = Command::new(test_python())
        .arg(workspace_root().join("tests/local-cognito/federation_setup.py"))
        .args(["--endpoint", &emulator.endpoint, "--user-pool-id", &emulator.user_pool_id, "--client-id", &emulator.client_id])
        .args(["--idp-ready", ready_file.to_str().unwrap(), "--callback-url", &callback])
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap();
    assert!(out.status.success(), "federation_setup.py: {}", String::from_utf8_lossy(&out.stderr));
    let federation = Federation::parse(
        &json!({
            "poolDomain": emulator.endpoint,
            "callbackUrl": callback,
            "providers": ["Google", "EntraID", "CorpSAML"],
            "returnUrls": {"default": [RETURN, "http://localhost:9/app/other?tab=1"]}
        })
        .to_string(),
    )
    .unwrap();
    let session = cookie_mode.then_some(SessionCookie { max_age_seconds: 30 * 86_400 });
    let api = Api::start_on(listener, config_for(&emulator), &emulator.endpoint, |s, _| s.with_federation(Some(federation)).with_session_cookie(session)).await;
    Fed { api, emulator, idp, _idps: idps }
}

impl Fed {
    fn start_url(&self, provider: &str, return_to: &str) -> String {
        let q: String = form_urlencoded::Serializer::new(String::new()).append_pair("provider", provider).append_pair("returnTo", return_to).finish();
        format!("{}/auth/federation/start?{q}", self.api.base)
    }

    fn password(&self) -> String {
        self.idp["password"].as_str().unwrap().to_string()
    }

    /// A whole sign-in in a fresh browser: the address the app's return page was sent to.
    async fn sign_in(&self, provider: &str, email: &str, consent: &str) -> (Browser, String) {
        let mut b = Browser::new(&[APP_HOST]);
        let url = b.sign_in(&self.start_url(provider, RETURN), email, &self.password(), consent).await;
        (b, url)
    }

    /// Up to Cognito's redirect to the API's callback, not visited: (the browser, the callback URL).
    async fn until_callback(&self, provider: &str, email: &str) -> (Browser, String) {
        let mut b = Browser::new(&[&format!("{}/auth/federation/callback", self.api.base), APP_HOST]);
        let url = b.sign_in(&self.start_url(provider, RETURN), email, &self.password(), "allow").await;
        assert!(url.contains("/auth/federation/callback?"), "{url}");
        (b, url)
    }

    /// A GET as a browser sends it, without following the answer's redirect.
    async fn get(&self, url: String) -> Resp {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        self.api.send(http.get(url)).await
    }

    async fn redeem(&self, handoff: &str) -> Resp {
        self.api.post("/auth/federation/token", json!({"handoff": handoff})).await
    }
}

fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let p = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).unwrap()).unwrap()
}

fn error_of(url: &str) -> String {
    assert!(url.starts_with(RETURN) || url.starts_with(APP_HOST), "ended elsewhere: {url}");
    let q = query(url);
    assert!(!q.contains_key("handoff") && !q.contains_key("code"), "{url}");
    q.get("error").cloned().unwrap_or_else(|| panic!("no error on {url}"))
}

#[tokio::test]
async fn google_sign_in_hand_off_userinfo_refresh_rotation_and_logout() {
    let fed = setup(false).await;
    let (b, url) = fed.sign_in("Google", "ada@example.com", "allow").await;
    // The start redirect: Cognito's authorize endpoint with PKCE S256 and the provider; the state
    // carries nothing readable (no return address, no verifier).
    let authorize = b.hops.iter().find(|h| h.contains("/oauth2/authorize?")).expect("went through authorize");
    let a = query(authorize);
    assert_eq!(a["code_challenge_method"], "S256");
    assert_eq!(a["identity_provider"], "Google");
    assert_eq!(a["client_id"], fed.emulator.client_id);
    assert_eq!(a["redirect_uri"], format!("{}/auth/federation/callback", fed.api.base));
    assert_eq!(a["scope"], "openid email profile aws.cognito.signin.user.admin");
    assert!(a["state"].starts_with("fs1.") && !a["state"].contains("localhost"), "{}", a["state"]);
    // The browser binding was set, then cleared by the callback.
    assert!(b.cookie(&fed.api.base, binding::COOKIE_NAME).is_none());

    let q = query(&url);
    assert!(url.starts_with(&format!("{RETURN}?handoff=")), "{url}");
    assert_eq!(q.len(), 1, "only the hand-off: {url}");
    let handoff = &q["handoff"];
    assert!(!handoff.contains("eyJ"), "no token in the URL");

    let r = fed.redeem(handoff).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let access = r.json["accessToken"].as_str().unwrap().to_string();
    let refresh = r.json["refreshToken"].as_str().unwrap().to_string();
    assert_eq!(r.json["username"], "Google_108204268033311374519");
    assert_eq!(claims(r.json["idToken"].as_str().unwrap())["email"], "ada@example.com");

    // Single use: the same hand-off again is refused (Cognito's code is spent).
    let again = fed.redeem(handoff).await;
    assert_eq!((again.status, again.error()), (401, "invalid_handoff"), "{}", again.json);

    // Ordinary pool tokens.
    let me = fed.api.get_auth("/auth/userinfo", &access).await;
    assert_eq!(me.status, 200, "{}", me.json);
    assert_eq!(me.json["email"], "ada@example.com");
    let r2 = fed.api.post("/auth/refresh", json!({"refreshToken": refresh})).await;
    assert_eq!(r2.status, 200, "{}", r2.json);
    let rotated = r2.json["refreshToken"].as_str().expect("rotation gives a new refresh token").to_string();
    assert_ne!(rotated, refresh);
    let out = fed.api.post_auth("/auth/logout", r2.json["accessToken"].as_str().unwrap(), json!({"refreshToken": rotated})).await;
    assert!(out.status == 200 || out.status == 204, "{} {}", out.status, out.json);
    let after = fed.api.post("/auth/refresh", json!({"refreshToken": rotated})).await;
    assert_eq!((after.status, after.error()), (401, "invalid_refresh_token"), "{}", after.json);
}

#[tokio::test]
async fn entra_and_saml_sign_ins_give_their_federated_users() {
    let fed = setup(false).await;
    for (provider, email, prefix) in [("EntraID", "linus@example.com", "EntraID_"), ("CorpSAML", "ken@example.com", "CorpSAML_ken@example.com")] {
        let (_, url) = fed.sign_in(provider, email, "allow").await;
        let r = fed.redeem(&query(&url)["handoff"]).await;
        assert_eq!(r.status, 200, "{provider}: {}", r.json);
        assert!(r.json["username"].as_str().unwrap().starts_with(prefix), "{provider}: {}", r.json);
    }
}

#[tokio::test]
async fn browser_session_mode_sets_the_refresh_cookie_and_no_hand_off() {
    let fed = setup(true).await;
    let (b, url) = fed.sign_in("Google", "grace@example.com", "allow").await;
    assert_eq!(url, RETURN, "nothing on the return address in browser session mode");
    let cookie = b.cookie(&fed.api.base, "__Host-auth_refresh").expect("the refresh cookie is set").clone();
    let r = fed
        .api
        .send(
            fed.api
                .http
                .post(format!("{}/auth/refresh", fed.api.base))
                .header("cookie", format!("__Host-auth_refresh={cookie}"))
                .header("origin", ALLOWED_ORIGIN)
                .header("x-requested-with", "fetch"),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert_eq!(claims(r.json["accessToken"].as_str().unwrap())["username"], "Google_117009912345678901234");
}

#[tokio::test]
async fn a_callback_in_another_browser_is_refused_login_csrf() {
    let fed = setup(false).await;
    // The attacker signs in with their own account and stops at the callback...
    let (_, callback) = fed.until_callback("Google", "grace@example.com").await;
    // ...and makes the victim's browser finish it: no binding cookie.
    let mut victim = Browser::new(&[APP_HOST]);
    let end = victim.go(callback.clone(), None).await.err().expect("ends on the app");
    assert_eq!(error_of(&end), "state_mismatch");
    // A victim with a sign-in of their own under way has another nonce: refused too.
    let mut victim = Browser::new(&[&format!("{}/auth/federation/callback", fed.api.base), APP_HOST, &fed.emulator.endpoint]);
    let _ = victim.go(fed.start_url("Google", RETURN), None).await;
    assert!(victim.cookie(&fed.api.base, binding::COOKIE_NAME).is_some());
    victim.stop_at = vec![APP_HOST.into()];
    let end = victim.go(callback, None).await.err().unwrap();
    assert_eq!(error_of(&end), "state_mismatch");
}

#[tokio::test]
async fn a_replayed_callback_code_is_refused_and_ends_on_the_app() {
    let fed = setup(true).await;
    let (mut b, callback) = fed.until_callback("Google", "ada@example.com").await;
    let nonce = b.cookie(&fed.api.base, binding::COOKIE_NAME).unwrap().clone();
    b.stop_at = vec![APP_HOST.into()];
    assert_eq!(b.go(callback.clone(), None).await.err().unwrap(), RETURN);
    // The same callback again, with the binding restored: Cognito's code is spent.
    b.set_cookie(&fed.api.base, binding::COOKIE_NAME, &nonce);
    let end = b.go(callback, None).await.err().unwrap();
    assert_eq!(error_of(&end), "code_rejected");
}

#[tokio::test]
async fn refused_consent_tampered_and_expired_state_end_on_the_return_address() {
    let fed = setup(false).await;
    let (_, url) = fed.sign_in("Google", "ada@example.com", "deny").await;
    assert_eq!(error_of(&url), "access_denied");
    let (_, url) = fed.sign_in("CorpSAML", "ken@example.com", "deny").await;
    assert!(["access_denied", "idp_error"].contains(&error_of(&url).as_str()), "{url}");

    let mut b = Browser::new(&[APP_HOST]);
    let cb = format!("{}/auth/federation/callback", fed.api.base);
    let end = b.go(format!("{cb}?code=x&state=fs1.AAAA"), None).await.err().unwrap();
    assert_eq!(error_of(&end), "invalid_state");
    let end = b.go(format!("{cb}?code=x"), None).await.err().unwrap();
    assert_eq!(error_of(&end), "invalid_state");

    // A state the API sealed, older than its lifetime, from the browser it is bound to.
    let nonce = binding::new_nonce();
    let issued = auth_api::seal::now() - auth_api::federation::state_ttl().as_secs();
    let old = FlowState { app: "default".into(), return_to: RETURN.into(), provider: "Google".into(), verifier: "v".repeat(43), nonce_hash: binding::nonce_hash(&nonce), issued_at: issued }
        .seal(&sealed::state_key(&fed.emulator.client_secret));
    b.set_cookie(&fed.api.base, binding::COOKIE_NAME, &nonce);
    let end = b.go(format!("{cb}?code=x&state={old}"), None).await.err().unwrap();
    assert_eq!(error_of(&end), "expired_state");
}

#[tokio::test]
async fn the_return_address_must_be_exactly_the_apps() {
    let fed = setup(false).await;
    for trick in [
        "http://localhost:9/app/signed-in/",
        "http://localhost:9/app/signed-in/../../evil",
        "http://localhost:9/app/signed-in?next=https://evil.test",
        "http://localhost:9/app/signed-inx",
        "http://localhost:9/app/signed-in#frag",
        "http://localhost:9.evil.test/app/signed-in",
        "http://localhost:9@evil.test/app/signed-in",
        "http://LOCALHOST:9/app/signed-in",
        "https://localhost:9/app/signed-in",
        "//evil.test/app/signed-in",
        "http://localhost:9/app/other",
        "https://evil.test",
        "",
    ] {
        let r = fed.get(fed.start_url("Google", trick)).await;
        assert_eq!((r.status, r.error()), (400, "return_address_not_allowed"), "{trick:?}: {}", r.json);
        assert!(r.headers.get("location").is_none() && r.headers.get("set-cookie").is_none(), "{trick:?}");
    }
    // An exact address with its own query is kept as it is.
    let r = fed.get(fed.start_url("Google", "http://localhost:9/app/other?tab=1")).await;
    assert_eq!(r.status, 302);
    let state = query(r.headers["location"].to_str().unwrap())["state"].clone();
    assert!(state.starts_with("fs1."), "{state}");
    // An unknown provider ends on the (allowed) return address.
    let r = fed.get(fed.start_url("Facebook", RETURN)).await;
    assert_eq!(r.status, 302);
    assert_eq!(r.headers["location"], format!("{RETURN}?error=provider_not_allowed"));
    // An unknown app, a missing returnTo: JSON 400s.
    let r = fed.get(format!("{}/auth/federation/start?provider=Google&returnTo={RETURN}&app=nope", fed.api.base)).await;
    assert_eq!((r.status, r.error()), (400, "unknown_app"));
    let r = fed.get(format!("{}/auth/federation/start?provider=Google", fed.api.base)).await;
    assert_eq!((r.status, r.error()), (400, "validation_error"));
}

#[tokio::test]
async fn hand_offs_that_are_not_the_apis_are_refused() {
    let fed = setup(false).await;
    for bad in ["fh1.AAAA", "nope", "fs1.AAAA"] {
        let r = fed.redeem(bad).await;
        assert_eq!((r.status, r.error()), (401, "invalid_handoff"), "{bad}");
    }
    let r = fed.api.post("/auth/federation/token", json!({})).await;
    assert_eq!((r.status, r.error()), (400, "validation_error"));
}

#[tokio::test]
async fn without_federation_the_routes_answer_404_json() {
    let emu = Emulator::start_without_ses();
    let api = Api::start(config_for(&emu), &emu.endpoint).await;
    for r in [
        api.send(api.http.get(format!("{}/auth/federation/start?provider=Google&returnTo={RETURN}", api.base))).await,
        api.send(api.http.get(format!("{}/auth/federation/callback?code=x&state=y", api.base))).await,
        api.post("/auth/federation/token", json!({"handoff": "fh1.AAAA"})).await,
    ] {
        assert_eq!((r.status, r.error()), (404, "federation_not_configured"), "{}", r.json);
    }
}
