//! Logging: `tracing`, JSON (one object per line, fields at the top level) in Lambda when
//! `AWS_LAMBDA_LOG_FORMAT=JSON` or anywhere with `LOG_FORMAT=json`; readable text otherwise.
//! Level from `RUST_LOG`, else `AWS_LAMBDA_LOG_LEVEL`, else `info`.
use tracing_subscriber::EnvFilter;

/// Quiet defaults for the SDK and HTTP stack; our own crate at the chosen level.
pub fn filter() -> EnvFilter {
    if let Ok(f) = std::env::var("RUST_LOG") {
        if let Ok(f) = EnvFilter::try_new(f) {
            return f;
        }
    }
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL").unwrap_or_else(|_| "info".into()).to_lowercase();
    EnvFilter::new(format!("warn,auth_api={level},audit={level},lambda_runtime=warn"))
}

pub fn json_wanted() -> bool {
    let eq = |k: &str, v: &str| std::env::var(k).map(|x| x.eq_ignore_ascii_case(v)).unwrap_or(false);
    eq("AWS_LAMBDA_LOG_FORMAT", "JSON") || eq("LOG_FORMAT", "json")
}

pub fn init() {
    let builder = tracing_subscriber::fmt().with_env_filter(filter()).with_writer(std::io::stderr);
    let result = if json_wanted() {
        builder.json().flatten_event(true).with_current_span(false).with_span_list(false).try_init()
    } else {
        builder.with_ansi(false).try_init()
    };
    let _ = result; // already initialised (tests): keep the existing subscriber
}
