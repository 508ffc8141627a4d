//! Every route that asks for the current password (found from the code: the request types whose
//! OpenAPI schema has `currentPassword`) refuses a blank one before anything happens (issue 29): a
//! missing, `null` or empty `currentPassword` is 400 `validation_error` naming the field with no
//! Cognito call at all; a blank but well-formed one (`" "`) is checked like any other password, so
//! it is 401 `incorrect_password` after the password check alone, never reaching the operation
//! the password protects; and the account is untouched afterwards. Against the emulator, with the
//! support recorder of which Cognito operation each route calls.
mod support;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use support::*;

/// The operations that check a password (the re-authentication's AdminInitiateAuth; ChangePassword,
/// which checks PreviousPassword itself) and GetUser, which the routes use to read the account or
/// to tell a dead token from a wrong password. Anything else is what the password protects.
const PASSWORD_CHECKS: &[&str] = &["AdminInitiateAuth", "ChangePassword", "GetUser"];

/// Values for the other fields such a request may require (a route that adds one must add it here).
fn other_field(name: &str) -> Value {
    match name {
        "newPassword" => json!("An0ther-Long-Passw0rd!"),
        _ => panic!("a re-authenticating route requires {name}: give it a valid value here"),
    }
}

struct Route {
    name: String,
    method: String,
    path: String,
    /// The required fields other than currentPassword, with valid values.
    others: Map<String, Value>,
}

/// The routes whose request body has `currentPassword`, from the OpenAPI document the code generates.
fn reauthenticating_routes() -> Vec<Route> {
    let doc = auth_api::openapi::document();
    let mut out = vec![];
    for r in &auth_api::definition::definition().routes {
        let op = &doc["paths"][&r.path][r.method.to_lowercase()];
        let Some(reference) = op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str() else { continue };
        let schema = &doc["components"]["schemas"][reference.rsplit('/').next().unwrap()];
        if schema["properties"].get("currentPassword").is_none() {
            continue;
        }
        let required: Vec<&str> = schema["required"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        assert!(required.contains(&"currentPassword"), "{}: currentPassword is optional", r.name);
        let others = required.iter().filter(|f| **f != "currentPassword").map(|f| (f.to_string(), other_field(f))).collect();
        out.push(Route { name: r.name.clone(), method: r.method.clone(), path: r.path.clone(), others });
    }
    out
}

async fn send(api: &Api, route: &Route, token: &str, body: Value) -> Resp {
    let url = format!("{}{}", api.base, route.path);
    let method = reqwest::Method::from_bytes(route.method.as_bytes()).unwrap();
    api.send(api.http.request(method, url).bearer_auth(token).json(&body)).await
}

fn calls_of(api: &Api, route: &Route, from: usize) -> Vec<String> {
    api.calls.lock().unwrap()[from..].iter().filter(|(r, _)| *r == route.name).map(|(_, op)| op.clone()).collect()
}

#[test]
fn the_routes_that_ask_for_the_current_password_are_found() {
    let found: BTreeSet<String> = reauthenticating_routes().into_iter().map(|r| r.name).collect();
    // At least these (a route that adds currentPassword joins the tests below by itself).
    for name in ["deleteUser", "totpSetup", "passkeyRegisterStart", "passwordChange"] {
        assert!(found.contains(name), "{name} not found among {found:?}");
    }
}

#[tokio::test]
async fn a_blank_current_password_is_refused_before_anything_happens_on_every_route_that_asks_for_it() {
    let env = Env::start().await;
    let api = &env.api;
    for route in reauthenticating_routes() {
        let address = email(&format!("blank-{}", route.name));
        let token = api.signed_in(&address).await;
        let body = |current: Option<Value>| {
            let mut b = route.others.clone();
            if let Some(v) = current {
                b.insert("currentPassword".into(), v);
            }
            Value::Object(b)
        };
        let what = |case: &str| format!("{} {} with {case}", route.method, route.path);

        // Missing, null, empty: the documented 400, no Cognito call.
        for (case, current) in [("no currentPassword", None), ("currentPassword null", Some(Value::Null)), ("currentPassword \"\"", Some(json!("")))] {
            let from = api.calls.lock().unwrap().len();
            let r = send(api, &route, &token, body(current)).await;
            assert_eq!((r.status, r.error(), r.json["field"].as_str()), (400, "validation_error", Some("currentPassword")), "{}: {}", what(case), r.json);
            assert_eq!(calls_of(api, &route, from), Vec::<String>::new(), "{}: Cognito was called", what(case));
        }
        // Blank but well-formed: Cognito checks it as the password it is not; the operation the
        // password protects is never called.
        for current in [" ", "        "] {
            let case = format!("currentPassword {current:?}");
            let from = api.calls.lock().unwrap().len();
            let r = send(api, &route, &token, body(Some(json!(current)))).await;
            assert_eq!((r.status, r.error()), (401, "incorrect_password"), "{}: {}", what(&case), r.json);
            let calls = calls_of(api, &route, from);
            assert!(calls.iter().all(|op| PASSWORD_CHECKS.contains(&op.as_str())), "{}: called {calls:?}", what(&case));
        }
        // Nothing happened to the account: the password still signs in, no passkey, no TOTP.
        api.login(&address, PASSWORD).await;
        assert_eq!(api.get_auth("/auth/passkeys", &token).await.json["passkeys"], json!([]), "{}", route.name);
        assert_eq!(api.get_auth("/auth/userinfo", &token).await.json["mfaEnabled"], json!(false), "{}", route.name);
        // And the same request with the current password succeeds: only the password was wrong.
        let r = send(api, &route, &token, body(Some(json!(PASSWORD)))).await;
        assert_eq!(r.status, 200, "{} with the current password: {}", route.name, r.json);
    }
}
