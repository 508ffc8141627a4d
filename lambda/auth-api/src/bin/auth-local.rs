//! The local server for `make dev`: the same router as Lambda, over HTTP on 127.0.0.1:$PORT.
use std::sync::Arc;

#[tokio::main]
async fn main() {
    auth_api::telemetry::init();
    let state = match auth_api::AppState::from_env().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration error: {e}");
            std::process::exit(2);
        }
    };
    let port: u16 = match std::env::var("PORT").ok().filter(|p| !p.is_empty()).map(|p| p.parse()) {
        None => 3000,
        Some(Ok(p)) => p,
        Some(Err(_)) => {
            eprintln!("configuration error: environment variable PORT must be a port number");
            std::process::exit(2);
        }
    };
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let listener = match tokio::net::TcpListener::bind((host.as_str(), port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on {host}:{port}: {e}");
            std::process::exit(1);
        }
    };
    let addr = listener.local_addr().expect("bound socket has an address");
    println!("auth API listening on http://{addr}");
    tokio::select! {
        _ = auth_api::local::serve(listener, Arc::new(state)) => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
