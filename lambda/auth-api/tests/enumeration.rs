//! No account enumeration, through the local server against the emulator: the table of docs/api.md
//! ("No account enumeration") lists every route and what it answers for an unknown address, an
//! unconfirmed account and a confirmed one; each row that takes an address is replayed here for the
//! three kinds, and the answers must be the table's. Where the table gives the same answer, the
//! bodies (without the per-request id) and the Cognito calls the emulator received must be equal
//! too: a confirmed account costs exactly what an unknown address costs. The table is replayed with
//! the emulator's per-user limits on (each probe three times, with every limit at one call), so an
//! answer only a real account can get (Cognito's LimitExceededException, TooManyFailedAttempts)
//! would show.
//!
//! The sessions of sign-in without a password are held to the same rule: a real session and a
//! stand-in, answered with every challenge name, answer alike (status, body, Cognito calls), and
//! what login/start answers has the same keys and value lengths for every address.
mod support;
use serde_json::{json, Value};
use support::authenticator::{with_bad_signature, Credential, ORIGIN};
use support::*;

/// Every per-user limit of the emulator at one call (or one wrong code) per user: the figures
/// Cognito publishes are higher (the quotas page: 5 ResendConfirmationCode, 15 ConfirmSignUp, 5 to
/// 20 ConfirmForgotPassword calls per user per hour), one makes the probes below reach them.
fn per_user_limits_on() -> Value {
    json!({
        "perUserLimits": {"ResendConfirmationCode": 1, "ForgotPassword": 1, "ConfirmForgotPassword": 1, "ConfirmSignUp": 1, "ChangePassword": 1},
        "failedAttemptLimits": {"ConfirmSignUp": 1, "ConfirmForgotPassword": 1},
    })
}

const TABLE_MARKER: &str = "<!-- enumeration-table";

/// (route key, request column, [unknown, unconfirmed, confirmed]) per table row.
fn readme_rows() -> Vec<(String, [String; 3])> {
    let text = std::fs::read_to_string(workspace_root().join("docs/api.md")).unwrap();
    let rows: Vec<&str> = text.lines().skip_while(|l| !l.contains(TABLE_MARKER)).skip(1).take_while(|l| l.starts_with('|')).collect();
    assert!(rows.len() > 3, "enumeration table not found after {TABLE_MARKER}");
    rows.iter()
        .skip(2)
        .map(|l| {
            let cells: Vec<String> = l.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect();
            assert_eq!(cells.len(), 5, "row with 5 cells expected: {l}");
            (cells[0].trim_matches('`').to_string(), [cells[2].clone(), cells[3].clone(), cells[4].clone()])
        })
        .collect()
}

/// A table cell: `202`, `400 \`invalid_code\`` or `—` (the route takes no address).
fn parse_cell(cell: &str) -> Option<(u16, String)> {
    if cell.starts_with('—') {
        return None;
    }
    let status: u16 = cell.split_whitespace().next().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("bad cell {cell:?}"));
    let code = cell.split('`').nth(1).unwrap_or("").to_string();
    Some((status, code))
}

/// The request a caller probing `email` would send to the route (wrong secrets throughout).
fn probe(route: &str, email: &str) -> Value {
    match route {
        "register" => json!({"email": email, "password": PASSWORD}),
        "verify" => json!({"email": email, "code": "000000"}),
        "resend" | "passwordForgot" => json!({"email": email}),
        "login" => json!({"email": email, "password": "Wrong-Passw0rd-42!"}),
        // The emailed code: Cognito's answer for an account differs from its answer for an
        // unknown address; the API answers both with the same shape (routes/first_factor.rs).
        "loginStart" => json!({"email": email, "preferredChallenge": "EMAIL_OTP"}),
        "loginChallenge" => json!({"email": email, "challenge": "SOFTWARE_TOKEN_MFA", "session": "s".repeat(64), "answer": "000000"}),
        "passwordReset" => json!({"email": email, "code": "000000", "newPassword": "N3w-Passw0rd-for-probe!"}),
        other => panic!("the table gives answers for {other}, which takes no address: fix the table or this test"),
    }
}

struct Answer {
    status: u16,
    error: String,
    body: Value,
    cognito_calls: Vec<String>,
}

async fn ask(env: &Env, route: &auth_api::definition::Route, email: &str) -> Answer {
    env.emu.forget_calls().await;
    let r = env.api.post(&route.path, probe(&route.name, email)).await;
    let mut body = r.body_without_request_id();
    // login/start's session is new on every call (like the request id), for every address.
    if let Some(o) = body.as_object_mut() {
        o.remove("session");
    }
    Answer { status: r.status, error: r.error().to_string(), body, cognito_calls: env.emu.calls().await }
}

#[tokio::test]
async fn every_route_answers_as_the_readme_table_says_and_confirmed_looks_unknown() {
    let env = Env::start().await;
    env.emu.faults(per_user_limits_on()).await;
    let rows = readme_rows();
    let def = auth_api::definition::definition();
    for r in &def.routes {
        assert!(rows.iter().any(|(k, _)| k == r.key()), "the enumeration table of docs/api.md lacks {}", r.key());
    }
    let mut checked = 0;
    for (key, cells) in &rows {
        let route = def.by_key(key).unwrap_or_else(|| panic!("the enumeration table of docs/api.md names an unknown route {key}"));
        let expected: Vec<Option<(u16, String)>> = cells.iter().map(|c| parse_cell(c)).collect();
        if expected.iter().all(Option::is_none) {
            continue;
        }
        let (unknown, unconfirmed, confirmed) = (email("enum-unknown"), email("enum-unconfirmed"), email("enum-confirmed"));
        let r = env.api.post("/auth/register", json!({"email": unconfirmed, "password": PASSWORD})).await;
        assert_eq!(r.status, 202);
        env.api.confirmed_user(&confirmed).await;

        let answers = [ask(&env, route, &unknown).await, ask(&env, route, &unconfirmed).await, ask(&env, route, &confirmed).await];
        // Again, past every per-user limit: each address answers as it did the first time.
        for _ in 0..2 {
            for (address, first) in [&unknown, &unconfirmed, &confirmed].iter().zip(&answers) {
                let again = ask(&env, route, address).await;
                assert_eq!((again.status, &again.body, &again.cognito_calls), (first.status, &first.body, &first.cognito_calls), "{key}: a repeated probe of {address} answers otherwise (a per-user limit shows)");
            }
        }
        for ((kind, exp), got) in ["unknown", "unconfirmed", "confirmed"].iter().zip(&expected).zip(&answers) {
            let (status, code) = exp.clone().unwrap_or_else(|| panic!("{key}: every column needs an answer"));
            assert_eq!((got.status, got.error.as_str()), (status, code.as_str()), "{key} for a {kind} address: {}", got.body);
        }
        for (i, kind) in [(1, "unconfirmed"), (2, "confirmed")] {
            if expected[i] == expected[0] {
                assert_eq!(answers[i].body, answers[0].body, "{key}: a {kind} account's body differs from an unknown address's");
                assert_eq!(
                    answers[i].cognito_calls, answers[0].cognito_calls,
                    "{key}: a {kind} account costs other Cognito calls than an unknown address"
                );
            }
        }
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} rows with answers");
}

#[tokio::test]
async fn register_makes_the_same_single_cognito_call_for_new_and_existing_addresses() {
    let env = Env::start().await;
    let existing = email("taken");
    env.api.confirmed_user(&existing).await;
    let mut seen = vec![];
    for address in [email("fresh"), existing] {
        env.emu.forget_calls().await;
        let r = env.api.post("/auth/register", json!({"email": address, "password": PASSWORD})).await;
        assert_eq!(r.status, 202, "{}", r.json);
        seen.push(env.emu.calls().await);
    }
    assert_eq!(seen[0], vec!["SignUp"]);
    assert_eq!(seen[1], seen[0], "an existing address must cost the same Cognito calls as a new one");
}

#[tokio::test]
async fn a_per_user_limit_on_resend_or_forgot_answers_as_usual() {
    let env = Env::start().await;
    let unconfirmed = email("limit-unconfirmed");
    env.api.post("/auth/register", json!({"email": unconfirmed, "password": PASSWORD})).await;
    let confirmed = email("limit-confirmed");
    env.api.confirmed_user(&confirmed).await;
    for (path, operation, account) in
        [("/auth/resend", "ResendConfirmationCode", &unconfirmed), ("/auth/password/forgot", "ForgotPassword", &confirmed)]
    {
        // The usual answer for this account.
        let usual = env.api.post(path, json!({"email": account})).await;
        assert_eq!(usual.status, 202, "{}", usual.json);
        // Cognito refuses the real account for its per-user limit.
        env.emu.faults(json!({"errors": {operation: "LimitExceededException"}})).await;
        env.emu.forget_calls().await;
        let limited = env.api.post(path, json!({"email": account})).await;
        assert_eq!(env.emu.calls().await, vec![operation], "the limit must come from Cognito");
        env.emu.faults(json!({})).await;
        assert_eq!((limited.status, limited.body_without_request_id()), (usual.status, usual.body_without_request_id()), "{path}");
        assert!(limited.headers.get("retry-after").is_none(), "{path}");
    }
    // Request-rate throttling does not depend on the address: still a 429.
    env.emu.faults(json!({"throttle": true})).await;
    for path in ["/auth/resend", "/auth/password/forgot"] {
        let r = env.api.post(path, json!({"email": confirmed})).await;
        assert_eq!((r.status, r.error()), (429, "too_many_requests"), "{path}");
    }
}

#[tokio::test]
async fn the_email_rule_is_the_documented_one() {
    let env = Env::start().await;
    let long_local = "a".repeat(64);
    let at_max = format!("{long_local}@{}.{}.{}.io", "b".repeat(63), "c".repeat(63), "d".repeat(58));
    assert_eq!(at_max.chars().count(), 254);
    for path in ["/auth/resend", "/auth/password/forgot"] {
        let r = env.api.post(path, json!({"email": at_max})).await;
        assert_eq!(r.status, 202, "{path}: {}", r.json);
        // Longer than the documented maxLength once surrounding white space counts, as a fuzzer sent it.
        for bad in [format!(" {at_max}"), format!("{at_max}\t"), "a@exa/mple.com".to_string(), "a@exa}mple.com".to_string()] {
            let r = env.api.post(path, json!({"email": bad})).await;
            assert_eq!((r.status, r.error(), r.json["field"].as_str()), (400, "validation_error", Some("email")), "{path} {bad:?}");
        }
    }
}

/// The challenge names login/challenge takes, each with a wrong answer.
fn wrong_answer(challenge: &str, address: &str, session: &str, credential: &Value) -> Value {
    match challenge {
        "WEB_AUTHN" => json!({"email": address, "challenge": challenge, "session": session, "credential": credential}),
        "NEW_PASSWORD_REQUIRED" => json!({"email": address, "challenge": challenge, "session": session, "answer": "An0ther-Long-Passw0rd!"}),
        _ => json!({"email": address, "challenge": challenge, "session": session, "answer": "000000"}),
    }
}

/// Each value of a JSON object by key, as the length of its JSON text: what an observer compares.
fn value_lengths(v: &Value) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = v.as_object().map(|o| o.iter().map(|(k, x)| (k.clone(), x.to_string().len())).collect()).unwrap_or_default();
    out.sort();
    out
}

#[tokio::test]
async fn real_and_stand_in_sessions_answer_every_challenge_name_alike() {
    let env = Env::start().await;
    let api = &env.api;
    let with_passkey = email("names-passkey");
    let token = api.signed_in(&with_passkey).await;
    let r = api.post_auth("/auth/passkeys/register/start", &token, json!({"currentPassword": PASSWORD})).await;
    let (mut cred, registration) = Credential::create(&r.json["options"], ORIGIN);
    assert_eq!(api.post_auth("/auth/passkeys/register/complete", &token, json!({"credential": registration})).await.status, 200);
    let confirmed = email("names-confirmed");
    api.confirmed_user(&confirmed).await;
    let unconfirmed = email("names-unconfirmed");
    api.post("/auth/register", json!({"email": unconfirmed, "password": PASSWORD})).await;
    let unknown = [email("names-unknown-a"), email("names-unknown-b"), email("names-unknown-c")];

    // The first address of each list gets a real session from Cognito; the others get the
    // stand-ins (or, for some unknown addresses, the emulator's own answer for a username that
    // does not exist).
    let started: [(Option<&str>, Vec<&String>); 3] = [
        (Some("WEB_AUTHN"), [&with_passkey, &confirmed, &unconfirmed].into_iter().chain(&unknown).collect()),
        (Some("EMAIL_OTP"), [&confirmed, &unconfirmed].into_iter().chain(&unknown).collect()),
        (None, [&confirmed, &unconfirmed].into_iter().chain(&unknown).collect()),
    ];
    let names = ["SOFTWARE_TOKEN_MFA", "NEW_PASSWORD_REQUIRED", "EMAIL_OTP", "WEB_AUTHN"];
    let mut session_lengths = vec![];
    for (preferred, addresses) in &started {
        let start_body = |a: &str| match preferred {
            Some(p) => json!({"email": a, "preferredChallenge": p}),
            None => json!({"email": a}),
        };
        let mut start_shapes = vec![];
        for name in names {
            let mut seen = vec![];
            for address in addresses {
                let r = api.post("/auth/login/start", start_body(address)).await;
                assert_eq!(r.status, 200, "{preferred:?} {address}: {}", r.json);
                let session = r.json["session"].as_str().unwrap().to_string();
                session_lengths.push(session.len());
                let options = &r.json["credentialRequestOptions"];
                start_shapes.push((value_lengths(&r.json), value_lengths(options)));
                // A passkey assertion (with a bad signature) for this session's options, or for
                // another challenge's where the session has none.
                let credential = if options.is_object() {
                    with_bad_signature(cred.assert(options, ORIGIN))
                } else {
                    with_bad_signature(cred.assert_challenge("c3RhbmQtaW4tY2hhbGxlbmdl", ORIGIN))
                };
                env.emu.forget_calls().await;
                let r = api.post("/auth/login/challenge", wrong_answer(name, address, &session, &credential)).await;
                seen.push(((r.status, r.error().to_string()), r.body_without_request_id(), env.emu.calls().await, address.to_string()));
            }
            let sealed_for = preferred.unwrap_or("SELECT_CHALLENGE");
            let (expected, calls): ((u16, &str), Vec<&str>) = match (sealed_for, name) {
                ("WEB_AUTHN", "WEB_AUTHN") => ((401, "invalid_passkey"), vec!["AdminRespondToAuthChallenge"]),
                ("EMAIL_OTP", "EMAIL_OTP") => ((400, "invalid_code"), vec!["AdminRespondToAuthChallenge"]),
                // Answered with another challenge name than the one sealed: refused before Cognito.
                _ => ((401, "invalid_session"), vec![]),
            };
            for (answer, body, cognito_calls, address) in &seen {
                assert_eq!((answer.0, answer.1.as_str()), expected, "{sealed_for} session of {address} answered as {name}: {body}");
                assert_eq!(cognito_calls, &calls, "{sealed_for} session of {address} answered as {name}");
                assert_eq!(body, &seen[0].1, "{sealed_for} session of {address} answered as {name}: another body than a real session's");
            }
        }
        for (i, shape) in start_shapes.iter().enumerate() {
            assert_eq!(shape, &start_shapes[0], "{preferred:?}: answer {i} has other keys or value lengths than a real one's");
        }
    }
    assert!(session_lengths.iter().all(|l| *l == session_lengths[0]), "every session has the same length: {session_lengths:?}");
}
