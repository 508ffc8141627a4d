//! Every log line of a full tour, at TRACE for every crate (ours, the SDK, hyper), must hold no
//! password, code, token, session or secret.
mod support;

#[tokio::test]
async fn a_full_flow_logs_no_secret() {
    let logs = support::capture_logs(tracing::Level::TRACE);

    let env = support::Env::start().await;
    let secrets = support::tour(&env).await;
    let logs = logs.text();

    assert!(logs.lines().count() > 50, "expected a real log to inspect, got {} lines", logs.lines().count());
    let audits = logs.lines().filter(|l| l.contains(r#""target":"audit""#)).count();
    assert!(audits >= 20, "one audit event per auth action expected, saw {audits}");
    // Audit events name the action, never the person: no email address in any of them.
    for line in logs.lines().filter(|l| l.contains(r#""target":"audit""#)) {
        assert!(!line.contains('@'), "an audit event holds an email address: {line}");
    }
    for s in secrets.iter().filter(|s| s.len() >= 6) {
        if let Some(line) = logs.lines().find(|l| holds(l, s)) {
            panic!("a secret ({}…) reached the log: {}", &s[..3], &line[..line.len().min(300)]);
        }
    }
}

/// Whether `line` holds `secret`. A numeric code counts only as a number of its own, outside the
/// line's timestamps (a 6-digit code can equal a timestamp's microseconds by chance:
/// `…10.946312Z`); every other secret counts wherever it appears.
fn holds(line: &str, secret: &str) -> bool {
    if !secret.bytes().all(|b| b.is_ascii_digit()) {
        return line.contains(secret);
    }
    let timestamps = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?").unwrap();
    let line = timestamps.replace_all(line, "<timestamp>");
    line.match_indices(secret).any(|(i, _)| {
        let before = line[..i].bytes().next_back();
        let after = line[i + secret.len()..].bytes().next();
        !before.is_some_and(|b| b.is_ascii_digit()) && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

#[test]
fn a_code_counts_as_its_own_number_only() {
    assert!(holds(r#"{"code":"123456"}"#, "123456"));
    assert!(holds(r#"{"timestamp":"2026-12-07T10:11:10.000001Z","code":"123456"}"#, "123456"));
    assert!(holds("code 123456 sent", "123456"));
    assert!(!holds(r#"{"timestamp":"2026-12-07T10:11:10.123456Z"}"#, "123456"));
    assert!(!holds("t=1234567", "123456"));
    assert!(holds("token abc.def", "abc.def"));
    assert!(holds("xabc.defx", "abc.def"));
}
