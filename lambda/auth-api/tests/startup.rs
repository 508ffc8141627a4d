//! Both binaries refuse to start without their configuration, naming the missing variable.
use std::process::Command;

fn run(bin: &str, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = Command::new(bin);
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn missing_configuration_stops_start_up_with_the_variable_named() {
    for bin in [env!("CARGO_BIN_EXE_bootstrap"), env!("CARGO_BIN_EXE_auth-local")] {
        let (code, err) = run(bin, &[("AWS_REGION", "us-east-1")]);
        assert_eq!(code, Some(2), "{bin}: {err}");
        assert!(err.contains("COGNITO_USER_POOL_ID"), "{bin}: {err}");
        let (code, err) = run(bin, &[("AWS_REGION", "us-east-1"), ("COGNITO_USER_POOL_ID", "us-east-1_x")]);
        assert_eq!(code, Some(2), "{bin}: {err}");
        assert!(err.contains("COGNITO_APP_CLIENT_ID"), "{bin}: {err}");
        let (code, err) = run(bin, &[("COGNITO_USER_POOL_ID", "us-east-1_x"), ("COGNITO_APP_CLIENT_ID", "c")]);
        assert_eq!(code, Some(2), "{bin}: {err}");
        assert!(err.contains("AWS_REGION"), "{bin}: {err}");
    }
}

#[test]
fn the_local_server_refuses_a_bad_port() {
    let (code, err) = run(
        env!("CARGO_BIN_EXE_auth-local"),
        &[("AWS_REGION", "us-east-1"), ("COGNITO_USER_POOL_ID", "p"), ("COGNITO_APP_CLIENT_ID", "c"), ("PORT", "http")],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("PORT"), "{err}");
}
