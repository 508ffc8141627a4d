//! The example verifier against tokens the local emulator issues (tests/local-cognito: RS256 tokens
//! signed with the pool's own keys, its JWKS served over HTTP): a trusted machine client's token with
//! and without the route's scope, another app's tokens, a user's ID token offered as an access token,
//! an expired token, a forged one, and the JWKS fetched once.
use base64::Engine;
use resource_server_example::{Refused, Verifier};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

struct Emulator {
    child: Child,
    ready: Value,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Emulator {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = std::env::var("LOCAL_COGNITO_PYTHON").map(PathBuf::from).unwrap_or_else(|_| root.join(".venv/bin/python"));
    let mut child = Command::new(python)
        .arg(root.join("tests/local-cognito/local_cognito.py"))
        .args(["--port", "0", "--bootstrap", "--exit-with-parent"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the emulator (make venv)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    Emulator { ready: serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}")), child }
}

impl Emulator {
    fn s(&self, k: &str) -> String {
        self.ready[k].as_str().unwrap().to_string()
    }

    fn machine(&self, app: &str, id: &str) -> (String, String) {
        let apps = self.ready["apps"].as_array().unwrap();
        let a = apps.iter().find(|a| a["id"] == app).unwrap();
        let m = a["machineClients"].as_array().unwrap().iter().find(|m| m["id"] == id).unwrap();
        (m["clientId"].as_str().unwrap().into(), m["clientSecret"].as_str().unwrap().into())
    }

    /// The verifier an app backend builds, its keys fetched from the emulator.
    fn verifier(&self, client_ids: &[&str]) -> Verifier {
        let pool = self.s("userPoolId");
        Verifier::new("us-east-1", &pool, client_ids).with_jwks_url(&format!("{}/{pool}/.well-known/jwks.json", self.s("endpoint")))
    }

    async fn machine_token(&self, app: &str, id: &str, scope: &str) -> String {
        let (client, secret) = self.machine(app, id);
        let r = reqwest::Client::new()
            .post(self.s("tokenEndpoint"))
            .basic_auth(client, Some(secret))
            .form(&[("grant_type", "client_credentials"), ("scope", scope)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string()
    }

    async fn cognito(&self, op: &str, body: Value) -> Value {
        let r = reqwest::Client::new()
            .post(self.s("endpoint"))
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{op}"))
            .header("authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/cognito-idp/aws4_request")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{op}");
        r.json().await.unwrap()
    }

    /// (access token, id token) of a confirmed user signed in with the API's own app client.
    async fn user_tokens(&self) -> (String, String) {
        let email = format!("rs.{}@example.com", std::process::id());
        let (pool, client) = (self.s("userPoolId"), self.s("clientId"));
        let hash = |u: &str| secret_hash(&self.s("clientSecret"), u, &client);
        let password = "Corr3ct-Horse-Battery!";
        self.cognito("SignUp", json!({"ClientId": client, "Username": email, "Password": password, "SecretHash": hash(&email), "UserAttributes": [{"Name": "email", "Value": email}]})).await;
        self.cognito("AdminConfirmSignUp", json!({"UserPoolId": pool, "Username": email})).await;
        let r = self
            .cognito("AdminInitiateAuth", json!({"UserPoolId": pool, "ClientId": client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": email, "PASSWORD": password, "SECRET_HASH": hash(&email)}}))
            .await;
        let t = &r["AuthenticationResult"];
        (t["AccessToken"].as_str().unwrap().into(), t["IdToken"].as_str().unwrap().into())
    }
}

/// SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id)): the test signs a user in
/// with the API's own client, which has a secret.
fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

const REPORTS: &str = "reports-api/reports.read";

#[tokio::test]
async fn machine_tokens_other_apps_id_tokens_expiry_and_forgeries() {
    let emu = start();
    let (exporter, _) = emu.machine("reports", "exporter");
    let reports = emu.verifier(&[&exporter]);

    // A trusted machine client with the route's scope: accepted.
    let token = emu.machine_token("reports", "exporter", REPORTS).await;
    let claims = reports.verify(&token, Some(REPORTS)).await.expect("accepted");
    assert_eq!((claims.client_id.as_str(), claims.sub.as_str(), claims.username), (exporter.as_str(), exporter.as_str(), None));

    // The same client, without that scope: refused.
    let other_scope = emu.machine_token("reports", "exporter", "demo-api/notes.read").await;
    assert_eq!(reports.verify(&other_scope, Some(REPORTS)).await, Err(Refused::MissingScope));

    // Another app's machine client, and a user token of the API's own client: refused by client id.
    let worker = emu.machine_token("demo", "worker", "demo-api/notes.read").await;
    assert_eq!(reports.verify(&worker, None).await, Err(Refused::WrongClient));
    let (access, id) = emu.user_tokens().await;
    assert_eq!(reports.verify(&access, None).await, Err(Refused::WrongClient));

    // The API's backend accepts the user's access token, not the ID token of the same sign-in.
    let api = emu.verifier(&[&emu.s("clientId")]);
    assert_eq!(api.verify(&access, None).await.expect("accepted").client_id, emu.s("clientId"));
    assert_eq!(api.verify(&id, None).await, Err(Refused::NotAnAccessToken));

    // A changed payload fails the signature; a made-up key id is unknown, and fetches no keys again within
    // REFETCH_AFTER of the last fetch (the keys were fetched once, for the first token).
    let parts: Vec<&str> = token.split('.').collect();
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    payload["scope"] = json!("reports-api/reports.read demo-api/notes.write");
    let forged = format!("{}.{}.{}", parts[0], b64.encode(payload.to_string()), parts[2]);
    assert!(matches!(reports.verify(&forged, None).await, Err(Refused::Invalid(_))));
    let fetches = reports.jwks_fetches().await;
    let mut header: Value = serde_json::from_slice(&b64.decode(parts[0]).unwrap()).unwrap();
    header["kid"] = json!("made-up");
    let other_kid = format!("{}.{}.{}", b64.encode(header.to_string()), parts[1], parts[2]);
    for _ in 0..3 {
        assert_eq!(reports.verify(&other_kid, None).await, Err(Refused::UnknownKey));
    }
    assert_eq!((fetches, reports.jwks_fetches().await), (1, 1), "the JWKS is fetched once, not for each unknown key id");
    assert_eq!(reports.verify("not-a-jwt", None).await, Err(Refused::Malformed));

    // Expired: the emulator's short validity, then a wait past it.
    let r = reqwest::Client::new().post(format!("{}/_local/faults", emu.s("endpoint"))).body(r#"{"accessTokenTtlSeconds": 1}"#).send().await.unwrap();
    assert!(r.status().is_success());
    let short = emu.machine_token("reports", "exporter", REPORTS).await;
    reqwest::Client::new().delete(format!("{}/_local/faults", emu.s("endpoint"))).send().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    match reports.verify(&short, Some(REPORTS)).await {
        Err(Refused::Invalid(why)) => assert!(why.contains("Expired"), "{why}"),
        other => panic!("an expired token was not refused as expired: {other:?}"),
    }
}
