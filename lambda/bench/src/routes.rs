//! Every route in cdk/routes.json, as a request the warm-overhead loop sends through the router.
//! The list is read from the definition at run time, so a new route without a sample here stops
//! the benchmark (and `make bench-smoke`, in `make test`) with a message naming it.
use crate::stubs;
use http::{HeaderMap, HeaderValue, Method};

pub struct Route {
    pub name: String,
    pub request: auth_api::http::ApiRequest,
}

/// A valid body for each route (bodies are JSON; `None`: no body).
fn body(name: &str) -> Option<Option<serde_json::Value>> {
    use serde_json::json;
    let refresh = format!("eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.{}", "r".repeat(1500));
    Some(match name {
        "register" => Some(json!({"email": stubs::EMAIL, "password": stubs::PASSWORD})),
        "verify" => Some(json!({"email": stubs::EMAIL, "code": "123456"})),
        "resend" => Some(json!({"email": stubs::EMAIL})),
        "login" => Some(json!({"email": stubs::EMAIL, "password": stubs::PASSWORD})),
        // The session login hands out: Cognito's session sealed with the account's username and the
        // challenge name, under a key derived from the client secret (routes/challenge_session.rs);
        // a bare one is refused. Issued now: valid for the 3 minutes a run takes at most.
        "loginChallenge" => {
            use auth_api::routes::challenge_session::{now, seal, Kind, SealKey, Sealed};
            let sealed = Sealed { kind: Kind::Cognito, challenge: "SOFTWARE_TOKEN_MFA".into(), username: stubs::USERNAME.into(), session: "AYABe".repeat(150), issued_at: now() };
            let session = seal(&SealKey::for_sessions(stubs::CLIENT_SECRET), &sealed).expect("a bounded session seals");
            Some(json!({"email": stubs::EMAIL, "challenge": "SOFTWARE_TOKEN_MFA", "session": session, "answer": "123456"}))
        }
        "refresh" => Some(json!({"refreshToken": refresh})),
        "userinfo" => None,
        "logout" => Some(json!({"refreshToken": refresh})),
        "passwordForgot" => Some(json!({"email": stubs::EMAIL})),
        "passwordReset" => Some(json!({"email": stubs::EMAIL, "code": "123456", "newPassword": "N3w-Horse-Battery!"})),
        "passwordChange" => Some(json!({"currentPassword": stubs::PASSWORD, "newPassword": "N3w-Horse-Battery!"})),
        "totpSetup" => Some(json!({"currentPassword": stubs::PASSWORD})),
        "totpVerify" => Some(json!({"code": "123456", "deviceName": "phone"})),
        "deleteUser" => Some(json!({"currentPassword": stubs::PASSWORD})),
        // Without a preference: the API's own SELECT_CHALLENGE (the canned AdminInitiateAuth answers
        // tokens, which is no USER_AUTH answer).
        "loginStart" => Some(json!({"email": stubs::EMAIL})),
        "passkeyRegisterStart" => Some(json!({"currentPassword": stubs::PASSWORD})),
        "passkeyRegisterComplete" => Some(json!({"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "e30", "attestationObject": "oA"}}})),
        "passkeysList" => None,
        "passkeyDelete" => Some(json!({"credentialId": "AAAA"})),
        "openapi" => None,
        _ => return None,
    })
}

/// Routes the benchmark does not measure, and why.
pub const NOT_MEASURED: &[(&str, &str)] = &[
    // Federated sign-in: its calls go to the pool domain's token endpoint (plain HTTPS, not the SDK the stubs answer),
    // and two of the three answer redirects; their cost is a seal, a hash and one HTTPS exchange.
    ("federationStart", "a browser redirect; no Cognito call"),
    ("federationCallback", "a browser redirect; its code exchange goes to the pool domain, which the benchmark does not stub"),
    ("federationToken", "its code exchange goes to the pool domain, which the benchmark does not stub"),
];

/// The routes of cdk/routes.json (less NOT_MEASURED), each with its sample request; an error names any route or
/// Cognito action the benchmark has no sample or canned answer for.
pub fn all(canned: &stubs::Canned) -> Result<Vec<Route>, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../cdk/routes.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let def: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let routes = def["routes"].as_array().ok_or("cdk/routes.json has no routes")?;
    let access = stubs::fake_jwt("access");
    let mut out = Vec::new();
    for r in routes {
        let field = |k: &str| r[k].as_str().map(str::to_string).ok_or(format!("a route in cdk/routes.json has no {k}"));
        let (name, method, path) = (field("name")?, field("method")?, field("path")?);
        if NOT_MEASURED.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let body = body(&name).ok_or(format!("route {name} has no sample request in lambda/bench/src/routes.rs: add one"))?;
        for a in r["cognitoActions"].as_array().into_iter().flatten().filter_map(|a| a.as_str()) {
            if !canned.has_action(a) {
                return Err(format!("Cognito action {a} (route {name}) has no canned answer in lambda/bench/src/stubs.rs: add one"));
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("abc123.execute-api.us-east-1.amazonaws.com"));
        headers.insert("user-agent", HeaderValue::from_static("auth-bench/1.0"));
        headers.insert("origin", HeaderValue::from_static("https://app.example.com"));
        headers.insert("accept", HeaderValue::from_static("application/json"));
        if body.is_some() {
            headers.insert("content-type", HeaderValue::from_static("application/json"));
        }
        if r["bearerToken"].as_bool() == Some(true) {
            headers.insert("authorization", HeaderValue::from_str(&format!("Bearer {access}")).map_err(|e| e.to_string())?);
        }
        let method: Method = method.parse().map_err(|_| format!("route {name}: bad method"))?;
        let route_key = format!("{method} {path}");
        out.push(Route {
            name,
            request: auth_api::http::ApiRequest {
                method,
                path,
                query: String::new(),
                route_key: Some(route_key),
                headers,
                body: bytes::Bytes::from(body.map(|b| b.to_string()).unwrap_or_default()),
                peer_ip: "203.0.113.7".into(),
                request_id: "bench-request".into(),
            },
        });
    }
    Ok(out)
}
