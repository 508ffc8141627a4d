//! The Lambda function: every route's function runs this one binary; the router dispatches on
//! API Gateway's route key.
use std::sync::Arc;

#[tokio::main]
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
