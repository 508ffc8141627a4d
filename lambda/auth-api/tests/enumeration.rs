//! No account enumeration, through the local server against the emulator: the table of docs/api.md
//! ("No account enumeration") lists every route and what it answers for an unknown address, an
//! unconfirmed account and a confirmed one; each row that takes an address is replayed here for the
//! three kinds, and the answers must be the table's. Where the table gives the same answer, the
//! bodies (without the per-request id) and the Cognito calls the emulator received must be equal
//! too: a confirmed account costs exactly what an unknown address costs.
mod support;
use serde_json::{json, Value};
use support::*;

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
