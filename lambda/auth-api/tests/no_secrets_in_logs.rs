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
        if let Some(line) = logs.lines().find(|l| l.contains(s.as_str())) {
            panic!("a secret ({}…) reached the log: {}", &s[..3], &line[..line.len().min(300)]);
        }
    }
}
