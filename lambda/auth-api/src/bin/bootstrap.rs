//! The Lambda function: every route's function runs this one binary, and so does every Cognito
//! trigger's. A route function dispatches on API Gateway's route key; a function whose environment
//! names a trigger (`COGNITO_TRIGGER`, set by the stack from cdk/triggers.json) serves that trigger's
//! Cognito events, dispatched on their `triggerSource`.
use std::sync::Arc;

// One thread: Lambda hands a sandbox one event at a time, and at the deployed 256 MB the function
// gets about 14.5% of one vCPU. On a multi-thread runtime each Cognito call crossed threads twice
// (the handler on the main thread, hyper's connection task on a worker): `make bench` measured
// about 0.12 ms of handler overhead per Cognito call that way against 0.08 ms on one thread.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::telemetry::init();
    if let Some(name) = std::env::var("COGNITO_TRIGGER").ok().filter(|v| !v.is_empty()) {
        return trigger(&name).await;
    }
    let state = match auth_api::AppState::from_env().await {
        Ok(s) => s,
        Err(e) => configuration_error(&e),
    };
    auth_api::lambda::run(Arc::new(state)).await
}

async fn trigger(name: &str) -> Result<(), lambda_http::Error> {
    let Some(trigger) = auth_api::definition::triggers().by_name(name) else {
        configuration_error(&format!("COGNITO_TRIGGER names no trigger of cdk/triggers.json: {name:?}"));
    };
    let state = match auth_api::triggers::TriggerState::from_env(&[trigger]) {
        Ok(s) => s,
        Err(e) => configuration_error(&e),
    };
    auth_api::lambda::run_trigger(Arc::new(state), trigger).await
}

fn configuration_error(e: &dyn std::fmt::Display) -> ! {
    tracing::error!(error = %e, "configuration error");
    eprintln!("configuration error: {e}");
    std::process::exit(2);
}
