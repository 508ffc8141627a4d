//! The Lambda function: every route's function runs this one binary; the router dispatches on
//! API Gateway's route key.
use std::sync::Arc;

// One thread: Lambda hands a sandbox one event at a time, and at the deployed 256 MB the function
// gets about 14.5% of one vCPU. On a multi-thread runtime each Cognito call crossed threads twice
// (the handler on the main thread, hyper's connection task on a worker): `make bench` measured
// about 0.12 ms of handler overhead per Cognito call that way against 0.08 ms on one thread.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::telemetry::init();
    let state = match auth_api::AppState::from_env().await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "configuration error");
            eprintln!("configuration error: {e}");
            std::process::exit(2);
        }
    };
    auth_api::lambda::run(Arc::new(state)).await
}
