//! The local server for `make dev`: the same router as Lambda, over HTTP on 127.0.0.1:$PORT; with
//! `TRIGGER_PORT` set, also the Cognito triggers behind Lambda's Invoke API on 127.0.0.1:$TRIGGER_PORT
//! (0: a free port), which the local Cognito emulator invokes as Cognito invokes the functions.
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
    let port = port_var("PORT").unwrap_or(3000);
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let triggers = match port_var("TRIGGER_PORT") {
        None => None,
        Some(trigger_port) => {
            let all: Vec<_> = auth_api::definition::triggers().triggers.iter().collect();
            let state = match auth_api::triggers::TriggerState::from_env(&all) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("configuration error: {e}");
                    std::process::exit(2);
                }
            };
            let listener = match tokio::net::TcpListener::bind((host.as_str(), trigger_port)).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("cannot listen on {host}:{trigger_port}: {e}");
                    std::process::exit(1);
                }
            };
            println!("triggers listening on http://{}", listener.local_addr().expect("bound socket has an address"));
            Some(tokio::spawn(auth_api::local::serve_triggers(listener, Arc::new(state))))
        }
    };
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
    if let Some(t) = triggers {
        t.abort();
    }
}

/// A port number from the environment (`None` when unset or empty); anything else stops start-up.
fn port_var(name: &str) -> Option<u16> {
    match std::env::var(name).ok().filter(|p| !p.is_empty()).map(|p| p.parse()) {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => {
            eprintln!("configuration error: environment variable {name} must be a port number");
            std::process::exit(2);
        }
    }
}
