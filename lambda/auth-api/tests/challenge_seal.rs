//! The sealed challenge session (routes/challenge_session.rs) through the local server against the
//! emulator: a value that differs from a real one in any single byte (nonce, ciphertext of the
//! header, challenge name, username, Cognito session and padding, tag) is refused before Cognito
//! is asked; the older `v1.` format is refused; a session past the authentication-session validity
//! is refused alike for a real and a stand-in session, before Cognito is asked; and Cognito's
//! longest sessions are sealed and answered.
mod support;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};
use support::*;

/// A confirmed account's emailed-code session (a real one: Cognito's, for the account's sub).
async fn real_email_code_session(env: &Env, address: &str) -> String {
    env.api.confirmed_user(address).await;
    let r = env.api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    r.json["session"].as_str().unwrap().to_string()
}

fn answer(address: &str, session: &str) -> Value {
    json!({"email": address, "challenge": "EMAIL_OTP", "session": session, "answer": "000000"})
}

/// Where byte `i` of the decoded value lies (the layout of challenge_session.rs: a 24-byte nonce,
/// the ciphertext of version, kind, issue time, the challenge name, the username and Cognito's
/// session with their lengths, zero padding, then the 16-byte tag).
fn region(i: usize, total: usize, challenge: usize, username: usize, session: usize) -> &'static str {
    let c = |n: usize| 24 + n;
    let header_end = c(1 + 1 + 8 + 1);
    let challenge_end = header_end + challenge;
    let username_end = challenge_end + 2 + username;
    let session_end = username_end + 2 + session;
    match i {
        _ if i < 24 => "nonce",
        _ if i >= total - 16 => "tag",
        _ if i < header_end => "header (version, kind, issue time)",
        _ if i < challenge_end => "challenge name",
        _ if i < username_end => "username",
        _ if i < session_end => "Cognito session",
        _ => "padding",
    }
}

#[tokio::test]
async fn a_value_differing_from_a_real_one_in_any_single_byte_is_refused_before_cognito() {
    let env = Env::start().await;
    let address = email("seal-bytes");
    let session = real_email_code_session(&env, &address).await;
    let raw = B64.decode(session.strip_prefix("v2.").expect("the v2 format")).unwrap();

    env.emu.forget_calls().await;
    let mut refused_per_region = std::collections::BTreeMap::<&str, usize>::new();
    for i in 0..raw.len() {
        // Every byte of the tag with two flips, every other byte with one.
        let flips: &[u8] = if i >= raw.len() - 16 { &[0x01, 0x80] } else { &[0x01] };
        for &flip in flips {
            let mut altered = raw.clone();
            altered[i] ^= flip;
            let value = format!("v2.{}", B64.encode(&altered));
            let r = env.api.post("/auth/login/challenge", answer(&address, &value)).await;
            // The emulator's USERNAME is the account's sub (36 characters), its sessions 128 characters.
            let at = region(i, raw.len(), "EMAIL_OTP".len(), 36, 128);
            assert_eq!((r.status, r.error()), (401, "invalid_session"), "byte {i} ({at}) ^ {flip:#04x}: {}", r.json);
            *refused_per_region.entry(at).or_default() += 1;
        }
    }
    assert_eq!(env.emu.calls().await, Vec::<String>::new(), "every altered value must be refused before Cognito is asked");
    for at in ["nonce", "header (version, kind, issue time)", "challenge name", "username", "Cognito session", "padding", "tag"] {
        assert!(refused_per_region.get(at).copied().unwrap_or(0) > 0, "no byte of the {at} was altered: {refused_per_region:?}");
    }

    // The unaltered value is a real session: Cognito is asked, and a wrong code is only that.
    let r = env.api.post("/auth/login/challenge", answer(&address, &session)).await;
    assert_eq!((r.status, r.error()), (400, "invalid_code"), "{}", r.json);
    assert_eq!(env.emu.calls().await, vec!["AdminRespondToAuthChallenge"]);
    // Shorter, longer, in the standard base64 alphabet, or another prefix: refused too.
    let standard = format!("v2.{}", base64::engine::general_purpose::STANDARD_NO_PAD.encode(&raw));
    assert_ne!(standard, session);
    for value in [session[..session.len() - 1].to_string(), format!("{session}A"), standard, session.replacen("v2.", "v1.", 1)] {
        let r = env.api.post("/auth/login/challenge", answer(&address, &value)).await;
        assert_eq!((r.status, r.error()), (401, "invalid_session"), "{}…{}: {}", &value[..8], &value[value.len() - 4..], r.json);
    }
}

/// The format the API gave before this one (`v1.<base64url username>.<base64url HMAC>.<Cognito
/// session>`, HMAC-SHA256 keyed by the app client secret), made here as the old code made it:
/// refused now, whatever its MAC.
#[tokio::test]
async fn the_older_format_is_refused() {
    use hmac::{Hmac, Mac};
    let env = Env::start().await;
    let address = email("seal-v1");
    env.api.confirmed_user(&address).await;
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(env.emu.client_secret.as_bytes()).unwrap();
    m.update(b"auth-api challenge session\0");
    m.update(address.as_bytes());
    m.update(b"\0");
    m.update(b"cognito-session-value-of-twenty");
    let v1 = format!("v1.{}.{}.cognito-session-value-of-twenty", B64.encode(&address), B64.encode(m.finalize().into_bytes()));
    env.emu.forget_calls().await;
    let r = env.api.post("/auth/login/challenge", answer(&address, &v1)).await;
    assert_eq!((r.status, r.error()), (401, "invalid_session"), "{}", r.json);
    assert_eq!(env.emu.calls().await, Vec::<String>::new());
}

/// After the authentication-session validity a real session and a stand-in answer alike: 401
/// `invalid_session`, no Cognito call (before the issue time was sealed, the real one answered 401
/// from Cognito and the stand-in 400 `invalid_code`).
#[tokio::test]
async fn real_and_stand_in_sessions_expire_alike() {
    let emu = Emulator::start();
    let validity = std::time::Duration::from_secs(2);
    let cfg = auth_api::config::Config { auth_session_validity: validity, ..config_for(&emu) };
    let api = Api::start(cfg, &emu.endpoint).await;
    // Cognito's sessions (the emulator's) expire with the API's.
    emu.faults(json!({"sessionTtlSeconds": validity.as_secs()})).await;
    let confirmed = email("expire-real");
    api.confirmed_user(&confirmed).await;
    let unconfirmed = email("expire-stand-in");
    api.post("/auth/register", json!({"email": unconfirmed, "password": PASSWORD})).await;
    let mut sessions = vec![];
    for address in [&confirmed, &unconfirmed] {
        let r = api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
        assert_eq!(r.status, 200, "{}", r.json);
        sessions.push((address.clone(), r.json["session"].as_str().unwrap().to_string()));
    }
    // Within the validity: a wrong code for both.
    for (address, session) in &sessions {
        let r = api.post("/auth/login/challenge", answer(address, session)).await;
        assert_eq!((r.status, r.error()), (400, "invalid_code"), "{address}: {}", r.json);
    }
    tokio::time::sleep(validity + std::time::Duration::from_millis(1100)).await;
    let mut seen = vec![];
    for (address, session) in &sessions {
        emu.forget_calls().await;
        let r = api.post("/auth/login/challenge", answer(address, session)).await;
        assert_eq!((r.status, r.error()), (401, "invalid_session"), "{address}: {}", r.json);
        seen.push((r.body_without_request_id(), emu.calls().await));
    }
    assert_eq!(seen[0], seen[1], "a real and a stand-in session must expire alike");
    assert_eq!(seen[0].1, Vec::<String>::new(), "refused before Cognito is asked");
}

/// The longest session the service model allows (SessionType, 2048 characters), from the
/// emulator's `sessionLength` switch, is sealed to the same length as a short one and answered.
#[tokio::test]
async fn the_longest_cognito_sessions_are_sealed_and_answered() {
    let env = Env::start().await;
    let address = email("seal-long");
    env.api.confirmed_user(&address).await;
    let short = real_email_code_session(&env, &email("seal-short")).await;
    env.emu.faults(json!({"sessionLength": 2048})).await;
    let r = env.api.post("/auth/login/start", json!({"email": address, "preferredChallenge": "EMAIL_OTP"})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let long = r.json["session"].as_str().unwrap().to_string();
    assert_eq!(long.len(), short.len(), "a 2048-character Cognito session seals to the usual length");
    let r = env.api.post("/auth/login/challenge", json!({"email": address, "challenge": "EMAIL_OTP", "session": long, "answer": DEV_CODE})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    assert!(r.json["accessToken"].is_string());
}
