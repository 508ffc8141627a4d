//! Every log line of a full tour, at TRACE for every crate (ours, the SDK, hyper), must hold no
//! password, code, token, session or secret.
mod support;
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_full_flow_logs_no_secret() {
    let buf = Buf::default();
    let writer = buf.clone();
    tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .init();

    let env = support::Env::start().await;
    let secrets = support::tour(&env).await;
    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();

    assert!(logs.lines().count() > 50, "expected a real log to inspect, got {} lines", logs.lines().count());
    let audits = logs.lines().filter(|l| l.contains(r#""target":"audit""#)).count();
    assert!(audits >= 20, "one audit event per auth action expected, saw {audits}");
    for s in secrets.iter().filter(|s| s.len() >= 6) {
        if let Some(line) = logs.lines().find(|l| l.contains(s.as_str())) {
            panic!("a secret ({}…) reached the log: {}", &s[..3], &line[..line.len().min(300)]);
        }
    }
}
