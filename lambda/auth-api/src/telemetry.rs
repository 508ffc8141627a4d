//! Logging: `tracing`, JSON (one object per line, fields at the top level) in Lambda when
//! `AWS_LAMBDA_LOG_FORMAT=JSON` or anywhere with `LOG_FORMAT=json`; readable text otherwise.
//! Level from `RUST_LOG` (`target=level,...`), else `AWS_LAMBDA_LOG_LEVEL`, else `info`.
use std::str::FromStr;
use tracing_subscriber::filter::{LevelFilter, Targets};

/// Quiet defaults for the SDK and HTTP stack; our own crate and the audit events at the chosen
/// level. `RUST_LOG` takes `target=level` directives (no regular expressions: a smaller binary).
pub fn filter() -> Targets {
    if let Some(f) = std::env::var("RUST_LOG").ok().and_then(|v| Targets::from_str(&v).ok()) {
        return f;
    }
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .ok()
        .and_then(|l| LevelFilter::from_str(&l).ok())
        .unwrap_or(LevelFilter::INFO);
    Targets::new().with_default(LevelFilter::WARN).with_target("auth_api", level).with_target("audit", level)
}

pub fn json_wanted() -> bool {
    let eq = |k: &str, v: &str| std::env::var(k).map(|x| x.eq_ignore_ascii_case(v)).unwrap_or(false);
    eq("AWS_LAMBDA_LOG_FORMAT", "JSON") || eq("LOG_FORMAT", "json")
}

pub fn init() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let result = if json_wanted() {
        let json = fmt.json().flatten_event(true).with_current_span(false).with_span_list(false);
        tracing_subscriber::registry().with(filter()).with(json).try_init()
    } else {
        tracing_subscriber::registry().with(filter()).with(fmt).try_init()
    };
    let _ = result; // already initialised (tests): keep the existing subscriber
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;
    use tracing_subscriber::layer::Filter;

    #[test]
    fn default_filter_keeps_our_info_and_audit_and_quiets_dependencies() {
        let f = filter();
        let on = |target: &str, level: Level| f.would_enable(target, &level);
        assert!(on("auth_api::router", Level::INFO));
        assert!(on("audit", Level::INFO));
        assert!(!on("auth_api::router", Level::DEBUG));
        assert!(!on("aws_smithy_runtime", Level::INFO));
        assert!(on("aws_smithy_runtime", Level::WARN));
        let _ = <Targets as Filter<tracing_subscriber::Registry>>::max_level_hint(&f);
    }
}
