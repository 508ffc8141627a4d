//! Passkeys and sign-in without a password, through the local server against the emulator (whose
//! WebAuthn checks are the `webauthn` PyPI library's), with a software authenticator
//! (support/authenticator.rs): register, list, sign in, delete, and the refusals (another origin,
//! a bad signature, a replayed challenge, another user's passkey, a deleted passkey), each a JSON
//! 4xx that logs nothing about the user beyond the audit event.
mod support;
use serde_json::{json, Value};
use support::authenticator::{with_bad_signature, Credential, ORIGIN};
use support::*;

/// A confirmed, signed-in user: (email, access token).
async fn signed_in(api: &Api, tag: &str) -> (String, String) {
    let address = email(tag);
    api.confirmed_user(&address).await;
    let t = api.login(&address, PASSWORD).await;
    (address, t["accessToken"].as_str().unwrap().to_string())
}

/// Registers a passkey for the token's user through the API.
async fn add_passkey(api: &Api, token: &str) -> Credential {
    let r = api.post_auth("/auth/passkeys/register/start", token, json!({"currentPassword": PASSWORD})).await;
    assert_eq!(r.status, 200, "register/start: {}", r.json);
    let (cred, response) = Credential::create(&r.json["options"], ORIGIN);
    let r = api.post_auth("/auth/passkeys/register/complete", token, json!({"credential": response})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"registered": true})), "register/complete");
    cred
}

/// login/start with `WEB_AUTHN`: (session, request options).
async fn passkey_challenge(api: &Api, address: &str) -> (String, Value) {
    let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "WEB_AUTHN"})).await;
    assert_eq!(r.status, 200, "login/start: {}", r.json);
    assert_eq!(r.json["challenge"], "WEB_AUTHN", "{}", r.json);
    (r.json["session"].as_str().unwrap().to_string(), r.json["credentialRequestOptions"].clone())
}

async fn answer(api: &Api, address: &str, session: &str, credential: Value) -> Resp {
    api.post("/auth/login/challenge", json!({"email": address, "challenge": "WEB_AUTHN", "session": session, "credential": credential})).await
}

fn assert_refused(r: &Resp, what: &str) {
    assert_eq!((r.status, r.error()), (401, "invalid_passkey"), "{what}: {}", r.json);
    assert_eq!(r.json["message"], "The passkey sign-in was refused: try again or choose another way to sign in", "{what}: no detail");
    assert!(r.json.get("accessToken").is_none());
}

#[tokio::test]
async fn register_list_sign_in_delete_and_the_deleted_passkey_no_longer_signs_in() {
    let env = Env::start().await;
    let api = &env.api;
    let (address, token) = signed_in(api, "passkey").await;

    let mut cred = add_passkey(api, &token).await;
    let r = api.get_auth("/auth/passkeys", &token).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let list = r.json["passkeys"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", r.json);
    assert_eq!(list[0]["credentialId"], cred.id_b64());
    assert_eq!(list[0]["relyingPartyId"], "localhost");
    assert!(list[0]["createdAt"].as_str().unwrap().contains('T'), "{}", r.json);
    assert!(list[0]["friendlyName"].is_string() && list[0]["transports"].is_array(), "{}", r.json);

    // Sign in with it: the options name no credential, the browser finds the passkey by relying party.
    let (session, options) = passkey_challenge(api, &address).await;
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(options["allowCredentials"], json!([]));
    assert_eq!(options["userVerification"], "required"); // cdk/user-pool.json: a first factor verifies the user
    let r = answer(api, &address, &session, cred.assert(&options, ORIGIN)).await;
    assert_eq!(r.status, 200, "passkey sign-in: {}", r.json);
    let new_token = r.json["accessToken"].as_str().expect("tokens").to_string();
    assert!(r.json["refreshToken"].is_string());
    let r = api.get_auth("/auth/userinfo", &new_token).await;
    assert_eq!(r.json["email"], address.as_str());

    // Delete it: gone from the list, a second delete is a 404, and it signs in no more.
    let r = api.delete_auth("/auth/passkey", &token, json!({"credentialId": cred.id_b64()})).await;
    assert_eq!((r.status, &r.json), (200, &json!({"deleted": true})));
    let r = api.get_auth("/auth/passkeys", &token).await;
    assert_eq!(r.json["passkeys"], json!([]));
    let r = api.delete_auth("/auth/passkey", &token, json!({"credentialId": cred.id_b64()})).await;
    assert_eq!((r.status, r.error()), (404, "passkey_not_found"), "{}", r.json);
    let (session, options) = passkey_challenge(api, &address).await;
    assert_refused(&answer(api, &address, &session, cred.assert(&options, ORIGIN)).await, "deleted passkey");
}

#[tokio::test]
async fn adding_a_passkey_needs_the_current_password() {
    let env = Env::start().await;
    let api = &env.api;
    let (_, token) = signed_in(api, "passkey-reauth").await;
    let r = api.post_auth("/auth/passkeys/register/start", &token, json!({})).await;
    assert_eq!((r.status, r.error(), r.json["field"].as_str()), (400, "validation_error", Some("currentPassword")), "{}", r.json);
    env.emu.forget_calls().await;
    let r = api.post_auth("/auth/passkeys/register/start", &token, json!({"currentPassword": "Wrong-Passw0rd-42!"})).await;
    assert_eq!((r.status, r.error()), (401, "incorrect_password"), "{}", r.json);
    assert!(!env.emu.calls().await.contains(&"StartWebAuthnRegistration".to_string()), "no registration starts without the password");
    // And without a pending start, a registration response is refused.
    let (_, response) = Credential::create(
        &json!({"rp": {"id": "localhost"}, "challenge": "AAAA", "user": {"id": "dXNlcg"}}),
        ORIGIN,
    );
    let r = api.post_auth("/auth/passkeys/register/complete", &token, json!({"credential": response})).await;
    assert_eq!((r.status, r.error()), (400, "passkey_rejected"), "{}", r.json);
}

#[tokio::test]
async fn a_registration_from_another_origin_is_refused() {
    let env = Env::start().await;
    let api = &env.api;
    let (_, token) = signed_in(api, "passkey-origin").await;
    let r = api.post_auth("/auth/passkeys/register/start", &token, json!({"currentPassword": PASSWORD})).await;
    let (_, response) = Credential::create(&r.json["options"], "https://evil.example");
    let r = api.post_auth("/auth/passkeys/register/complete", &token, json!({"credential": response})).await;
    assert_eq!((r.status, r.error()), (400, "passkey_rejected"), "{}", r.json);
    assert_eq!(api.get_auth("/auth/passkeys", &token).await.json["passkeys"], json!([]));
}

#[tokio::test]
async fn refused_assertions_are_401_and_log_nothing_about_the_user() {
    let logs = capture_logs(tracing::Level::INFO);
    let env = Env::start().await;
    let api = &env.api;
    let (address, token) = signed_in(api, "passkey-neg").await;
    let mut cred = add_passkey(api, &token).await;
    let (other_address, other_token) = signed_in(api, "passkey-other").await;
    let mut other = add_passkey(api, &other_token).await;
    let sub = api.get_auth("/auth/userinfo", &token).await.json["sub"].as_str().unwrap().to_string();

    // Another origin.
    let (session, options) = passkey_challenge(api, &address).await;
    assert_refused(&answer(api, &address, &session, cred.assert(&options, "https://evil.example")).await, "wrong origin");
    // A bad signature.
    let (session, options) = passkey_challenge(api, &address).await;
    assert_refused(&answer(api, &address, &session, with_bad_signature(cred.assert(&options, ORIGIN))).await, "bad signature");
    // Another user's passkey, on this user's sign-in.
    let (session, options) = passkey_challenge(api, &address).await;
    assert_refused(&answer(api, &address, &session, other.assert(&options, ORIGIN)).await, "another user's passkey");
    // A replayed challenge: an assertion signed for an earlier challenge, on a new sign-in ...
    let (old_session, old_options) = passkey_challenge(api, &address).await;
    let old = cred.assert(&old_options, ORIGIN);
    let (session, _) = passkey_challenge(api, &address).await;
    assert_refused(&answer(api, &address, &session, old.clone()).await, "assertion for an earlier challenge");
    // ... and a successful answer sent a second time.
    let r = answer(api, &address, &old_session, old.clone()).await;
    assert_eq!(r.status, 200, "the genuine answer: {}", r.json);
    assert_refused(&answer(api, &address, &old_session, old).await, "replayed answer");
    // The other user still signs in with their own passkey.
    let (session, options) = passkey_challenge(api, &other_address).await;
    assert_eq!(answer(api, &other_address, &session, other.assert(&options, ORIGIN)).await.status, 200);

    let text = logs.text();
    let audits: Vec<&str> = text.lines().filter(|l| l.contains(r#""target":"audit""#) && l.contains("loginChallenge")).collect();
    assert!(audits.iter().filter(|l| l.contains("invalid_passkey")).count() >= 5, "one audit event per refusal: {audits:?}");
    for identifying in [address.as_str(), other_address.as_str(), sub.as_str(), &cred.id_b64(), &other.id_b64()] {
        if let Some(line) = text.lines().find(|l| l.contains(identifying)) {
            panic!("a log line identifies the user ({identifying}): {line}");
        }
    }
}

#[tokio::test]
async fn email_code_sign_in() {
    let env = Env::start().await;
    let api = &env.api;
    let (address, _) = signed_in(api, "otp").await;
    let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
    assert_eq!((r.status, r.json["challenge"].as_str()), (200, Some("EMAIL_OTP")), "{}", r.json);
    assert_eq!(r.json["codeDeliveryDestination"], "o***@e***");
    let session = r.json["session"].as_str().unwrap().to_string();
    let r = api.post("/auth/login/challenge", json!({"email": address, "challenge": "EMAIL_OTP", "session": session, "answer": "000000"})).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"), "{}", r.json);
    let r = api.post("/auth/login/challenge", json!({"email": address, "challenge": "EMAIL_OTP", "session": session, "answer": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert!(r.json["accessToken"].is_string(), "{}", r.json);
}

#[tokio::test]
async fn the_choice_is_the_same_for_every_address_and_costs_no_cognito_call() {
    let env = Env::start().await;
    let api = &env.api;
    let (known, token) = signed_in(api, "choice-known").await;
    add_passkey(api, &token).await;
    env.emu.forget_calls().await;
    for address in [known.clone(), email("choice-unknown")] {
        let r = api.post("/auth/login/start", json!({"email": address})).await;
        assert_eq!(r.status, 200, "{}", r.json);
        assert_eq!(r.json["challenge"], "SELECT_CHALLENGE");
        assert_eq!(r.json["availableChallenges"], json!(["WEB_AUTHN", "EMAIL_OTP", "PASSWORD"]));
        let mut keys: Vec<_> = r.json.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["availableChallenges", "challenge", "session"]);
    }
    assert_eq!(env.emu.calls().await, Vec::<String>::new());
    // The choice is answered by asking again with the factor; login/challenge says so.
    let r = api.post("/auth/login/challenge", json!({"email": known, "challenge": "SELECT_CHALLENGE", "session": "v1.a.b.c", "answer": "WEB_AUTHN"})).await;
    assert_eq!((r.status, r.error(), r.json["field"].as_str()), (400, "validation_error", Some("challenge")), "{}", r.json);
    let r = api.post("/auth/login/start", json!({"email": known, "preferredChallenge": "PASSWORD"})).await;
    assert_eq!((r.status, r.json["field"].as_str()), (400, Some("preferredChallenge")), "{}", r.json);
}

#[tokio::test]
async fn a_pool_without_ses_offers_no_email_codes_and_refuses_them_alike_for_every_address() {
    // Cognito's default sender cannot send sign-in codes (cdk/user-pool.json firstAuthFactorsNeedingSes): the
    // pool leaves EMAIL_OTP out, the API lists what the pool was given and refuses the rest before any call.
    let env = Env::start_without_ses().await;
    let api = &env.api;
    assert_eq!(env.emu.first_auth_factors, "PASSWORD,WEB_AUTHN");
    let (known, _) = signed_in(api, "no-ses-known").await;
    env.emu.forget_calls().await;
    let mut answers = vec![];
    for address in [known.clone(), email("no-ses-unknown")] {
        let r = api.post("/auth/login/start", json!({"email": address})).await;
        assert_eq!((r.status, &r.json["availableChallenges"]), (200, &json!(["WEB_AUTHN", "PASSWORD"])), "{}", r.json);
        let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
        assert_eq!((r.status, r.error(), r.json["field"].as_str()), (400, "validation_error", Some("preferredChallenge")), "{}", r.json);
        answers.push(r.json["message"].clone());
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(env.emu.calls().await, Vec::<String>::new());
}

/// The shape of a login/start answer: its keys, and the keys of its passkey options.
fn shape(v: &Value) -> Value {
    let keys = |o: &Value| {
        let mut k: Vec<String> = o.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        k.sort();
        k
    };
    json!({
        "keys": keys(v),
        "challenge": v["challenge"],
        "options": keys(&v["credentialRequestOptions"]),
        "allowCredentials": v["credentialRequestOptions"]["allowCredentials"],
        "destination": v["codeDeliveryDestination"],
        "sessionPrefix": v["session"].as_str().map(|s| s.split('.').next().unwrap().to_string()),
    })
}

#[tokio::test]
async fn unknown_addresses_get_the_same_answers_as_known_ones() {
    let env = Env::start().await;
    let api = &env.api;
    let (with_passkey, token) = signed_in(api, "same-a").await;
    let mut cred = add_passkey(api, &token).await;
    let (without_passkey, _) = signed_in(api, "same-b").await;
    let unconfirmed = email("same-c");
    api.post("/auth/register", json!({"email": unconfirmed, "password": PASSWORD})).await;
    let unknown = [email("same-d"), email("same-e"), email("same-f"), email("same-g")];

    for factor in ["WEB_AUTHN", "EMAIL_OTP"] {
        let mut seen = vec![];
        for address in [&with_passkey, &without_passkey, &unconfirmed].into_iter().chain(unknown.iter()) {
            env.emu.forget_calls().await;
            let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": factor})).await;
            assert_eq!(r.status, 200, "{factor} {address}: {}", r.json);
            assert_eq!(env.emu.calls().await, vec!["AdminInitiateAuth"], "{factor} {address}");
            seen.push((address.clone(), shape(&r.json), r.json.clone()));
        }
        for (address, s, _) in &seen {
            assert_eq!(s, &seen[0].1, "{factor}: {address} answers another shape than an account with a passkey");
        }
        // Answering: a wrong answer and a decoy fail alike.
        for (address, _, answer_json) in &seen {
            let session = answer_json["session"].as_str().unwrap();
            let r = if factor == "WEB_AUTHN" {
                let options = &answer_json["credentialRequestOptions"];
                answer(api, address, session, with_bad_signature(cred.assert(options, ORIGIN))).await
            } else {
                api.post("/auth/login/challenge", json!({"email": address, "challenge": "EMAIL_OTP", "session": session, "answer": "000000"})).await
            };
            let expected = if factor == "WEB_AUTHN" { (401, "invalid_passkey") } else { (400, "invalid_code") };
            assert_eq!((r.status, r.error()), expected, "{factor} {address}: {}", r.json);
        }
    }
}

#[tokio::test]
async fn the_passkey_count_limit_is_a_clear_answer_that_waiting_does_not_change() {
    // Cognito's LimitExceededException on Start/CompleteWebAuthnRegistration is the user's passkey
    // count (the emulator's passkeyLimit, 1 here): 409 passkey_limit_reached, no Retry-After, one call.
    let env = Env::start().await;
    let api = &env.api;
    env.emu.faults(json!({"passkeyLimit": 1})).await;
    let (_, token) = signed_in(api, "pklimit").await;
    let first = add_passkey(api, &token).await;
    env.emu.forget_calls().await;
    let r = api.post_auth("/auth/passkeys/register/start", &token, json!({"currentPassword": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (409, "passkey_limit_reached"), "{}", r.json);
    assert!(r.headers.get("retry-after").is_none());
    assert_eq!(r.json["message"], "This account has as many passkeys as it may have: delete one before adding another");
    assert_eq!(env.emu.calls().await.iter().filter(|c| *c == "StartWebAuthnRegistration").count(), 1, "not retried");
    // Deleting one makes room again.
    let r = api.delete_auth("/auth/passkey", &token, json!({"credentialId": first.id_b64()})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    add_passkey(api, &token).await;
}

/// The API in front of an emulator whose pool's relying-party id is `rp_id` (the stack passes the
/// same id to the functions as `PASSKEY_RP_ID`).
async fn env_for_relying_party(rp_id: &str) -> Env {
    let emu = Emulator::start_with(&["--relying-party-id", rp_id]);
    let mut cfg = config_for(&emu);
    cfg.passkeys.rp_id = Some(rp_id.into());
    let api = Api::start(cfg, &emu.endpoint).await;
    Env { emu, api }
}

/// Registers from `origin`: the API's answer to register/complete, and the credential.
async fn register_from(api: &Api, token: &str, origin: &str) -> (Resp, Credential) {
    let r = api.post_auth("/auth/passkeys/register/start", token, json!({"currentPassword": PASSWORD})).await;
    assert_eq!(r.status, 200, "register/start: {}", r.json);
    let (cred, response) = Credential::create(&r.json["options"], origin);
    (api.post_auth("/auth/passkeys/register/complete", token, json!({"credential": response})).await, cred)
}

/// Origins that only look like the relying party's, and the relying party's own origins (itself and
/// sub-domains, which WebAuthn's scope and origin rules allow:
/// <https://www.w3.org/TR/webauthn-3/#sctn-validating-origin>, section 13.4.9, "require that the URL
/// scheme is https and that the authority equals or is any subdomain of the RP ID"). Each
/// look-alike is refused at registration (400 `passkey_rejected`, nothing registered) and at sign-in
/// (401 `invalid_passkey`), and the same user then succeeds from an accepted origin, so it was the
/// origin that was refused.
async fn look_alikes_are_refused_and_own_origins_accepted(env: &Env, rp_id: &str, accepted: &[&str], look_alikes: &[&str]) {
    let api = &env.api;
    let (address, token) = signed_in(api, "passkey-lookalike").await;
    for origin in look_alikes {
        let (r, _) = register_from(api, &token, origin).await;
        assert_eq!((r.status, r.error()), (400, "passkey_rejected"), "registration from {origin} (relying party {rp_id}): {}", r.json);
        assert_eq!(api.get_auth("/auth/passkeys", &token).await.json["passkeys"], json!([]), "registered from {origin}");
    }
    let (r, mut cred) = register_from(api, &token, accepted[0]).await;
    assert_eq!((r.status, &r.json), (200, &json!({"registered": true})), "registration from {}", accepted[0]);
    for origin in look_alikes {
        let (session, options) = passkey_challenge(api, &address).await;
        assert_eq!(options["rpId"], rp_id);
        assert_refused(&answer(api, &address, &session, cred.assert(&options, origin)).await, &format!("sign-in from {origin} (relying party {rp_id})"));
    }
    for origin in accepted {
        let (session, options) = passkey_challenge(api, &address).await;
        let r = answer(api, &address, &session, cred.assert(&options, origin)).await;
        assert_eq!(r.status, 200, "sign-in from {origin} (relying party {rp_id}): {}", r.json);
        // And a registration from it.
        let other = signed_in(api, "passkey-own-origin").await.1;
        let (r, _) = register_from(api, &other, origin).await;
        assert_eq!(r.status, 200, "registration from {origin} (relying party {rp_id}): {}", r.json);
    }
}

#[tokio::test]
async fn look_alikes_of_localhost_are_refused() {
    let env = Env::start().await;
    look_alikes_are_refused_and_own_origins_accepted(
        &env,
        "localhost",
        &[ORIGIN, "https://localhost", "http://app.localhost:5173"],
        &["https://evil-localhost", "https://evillocalhost:5173", "https://localhost.evil.test", "https://evil.test@localhost"],
    )
    .await;
}

#[tokio::test]
async fn look_alikes_of_a_configured_relying_party_are_refused_and_its_sub_domains_accepted() {
    let env = env_for_relying_party("example.com").await;
    look_alikes_are_refused_and_own_origins_accepted(
        &env,
        "example.com",
        &["https://example.com", "https://login.example.com", "https://a.b.example.com:8443"],
        &["https://evilexample.com", "https://example.com.evil.test", "https://evil-example.com", "http://example.com", "https://evil.test@example.com"],
    )
    .await;
}

/// Cognito's `USER_AUTH` challenges may carry no `USERNAME` (no AWS page lists it): the API then
/// answers with the address as the user typed it, as Amplify does, and the passkey and the emailed
/// code still sign in. With the parameter (the emulator's default) the API answers Cognito's. Both
/// paths, switched by the emulator's `omitUserAuthUsername`.
#[tokio::test]
async fn passkey_and_email_code_sign_in_with_and_without_cognitos_username() {
    let env = Env::start().await;
    let api = &env.api;
    let (address, token) = signed_in(api, "omit-username").await;
    let mut cred = add_passkey(api, &token).await;
    for omit in [false, true] {
        env.emu.faults(json!({"omitUserAuthUsername": omit})).await;
        let (session, options) = passkey_challenge(api, &address).await;
        let r = answer(api, &address, &session, cred.assert(&options, ORIGIN)).await;
        assert_eq!(r.status, 200, "passkey, USERNAME omitted: {omit}: {}", r.json);
        let who = api.get_auth("/auth/userinfo", r.json["accessToken"].as_str().unwrap()).await;
        assert_eq!(who.json["email"], address.as_str());
        let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
        let session = r.json["session"].as_str().unwrap().to_string();
        let r = api.post("/auth/login/challenge", json!({"email": address, "challenge": "EMAIL_OTP", "session": session, "answer": DEV_CODE})).await;
        assert_eq!(r.status, 200, "emailed code, USERNAME omitted: {omit}: {}", r.json);
    }
}
