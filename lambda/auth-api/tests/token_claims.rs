//! The pre token generation trigger end to end: the API in front of the emulator, whose pool runs
//! this crate's own handler (auth-local's trigger listener) on every token issue with the V2_0 event.
//! The roles claim from groups and the added scopes in the tokens the API answers, recomputed on
//! refresh; an app's own rules for the tokens of its client (found with ListUserPoolClients, once per
//! warm function); the documented event answered; what the API answers when the trigger fails.
mod support;

use serde_json::{json, Value};
use support::{email, TriggerEnv, TriggerListener, PASSWORD};

const CLAIMS: &str = r#"{
  "groups": [{"group": "admins", "roles": ["admin", "editor"], "scopes": ["api/admin"]}, {"group": "staff", "roles": ["editor"]}],
  "scopes": ["api/read"],
  "apps": {"shop": {"rolesClaim": "shop:roles", "groups": [{"group": "buyers", "roles": ["buyer"]}], "dropUserAdminScope": true}}
}"#;

fn payload(jwt: &str) -> Value {
    use base64::Engine;
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

fn scopes(access: &Value) -> Vec<String> {
    let mut s: Vec<String> = access["scope"].as_str().unwrap().split(' ').map(String::from).collect();
    s.sort();
    s
}

async fn idp(env: &TriggerEnv) -> aws_sdk_cognitoidentityprovider::Client {
    aws_sdk_cognitoidentityprovider::Client::new(&support::sdk_for(&env.emu.endpoint).await)
}

async fn join(env: &TriggerEnv, address: &str, group: &str) {
    let idp = idp(env).await;
    let _ = idp.create_group().user_pool_id(&env.emu.user_pool_id).group_name(group).send().await;
    idp.admin_add_user_to_group().user_pool_id(&env.emu.user_pool_id).username(address).group_name(group).send().await.unwrap();
}

#[tokio::test]
async fn the_api_answers_tokens_with_the_roles_and_scopes_of_the_users_groups_recomputed_on_refresh() {
    let env = TriggerEnv::start_with(None, None, Some(CLAIMS)).await;
    let admin = email("roles-admin");
    env.api.confirmed_user(&admin).await;
    join(&env, &admin, "admins").await;
    join(&env, &admin, "staff").await;
    let t = env.api.login(&admin, PASSWORD).await;
    let (access, id) = (payload(t["accessToken"].as_str().unwrap()), payload(t["idToken"].as_str().unwrap()));
    assert_eq!(access["roles"], json!(["admin", "editor"]));
    assert_eq!(id["roles"], json!(["admin", "editor"]));
    assert_eq!(scopes(&access), ["api/admin", "api/read", "aws.cognito.signin.user.admin"]);
    // The token still works on the API's own bearer routes (the admin scope kept).
    let me = env.api.get_auth("/auth/userinfo", t["accessToken"].as_str().unwrap()).await;
    assert_eq!(me.status, 200, "{}", me.json);

    // A member of no configured group: an empty roles claim, the everyone-scope only.
    let plain = email("roles-plain");
    env.api.confirmed_user(&plain).await;
    let p = payload(env.api.login(&plain, PASSWORD).await["accessToken"].as_str().unwrap());
    assert_eq!(p["roles"], json!([]));
    assert_eq!(scopes(&p), ["api/read", "aws.cognito.signin.user.admin"]);

    // Out of admins, then a refresh: the new tokens say so.
    idp(&env).await.admin_remove_user_from_group().user_pool_id(&env.emu.user_pool_id).username(&admin).group_name("admins").send().await.unwrap();
    let r = env.api.post("/auth/refresh", json!({"refreshToken": t["refreshToken"]})).await;
    assert_eq!(r.status, 200, "{}", r.json);
    let refreshed = payload(r.json["accessToken"].as_str().unwrap());
    assert_eq!(refreshed["roles"], json!(["editor"]));
    assert_eq!(scopes(&refreshed), ["api/read", "aws.cognito.signin.user.admin"]);
    let sources: Vec<String> = env.emu.invocations().await.iter().filter_map(|i| i["triggerSource"].as_str().filter(|s| s.starts_with("TokenGeneration_")).map(String::from)).collect();
    assert_eq!(sources, ["TokenGeneration_Authentication", "TokenGeneration_Authentication", "TokenGeneration_RefreshTokens"]);
    // No per-app rule applied to the API's own client: the pool's clients were read, not its secrets.
    let calls: Vec<(String, String)> = env.triggers.calls.lock().unwrap().clone();
    assert!(calls.iter().all(|(t, op)| t == "preTokenGeneration" && op == "ListUserPoolClients"), "{calls:?}");
    assert_eq!(calls.len(), 1, "the client map is read once per warm function: {calls:?}");
}

/// A second app client of the bootstrap pool, named as the construct names an app's user client.
async fn app_client(env: &TriggerEnv, name: &str) -> (String, String) {
    let c = idp(env)
        .await
        .create_user_pool_client()
        .user_pool_id(&env.emu.user_pool_id)
        .client_name(name)
        .generate_secret(true)
        .explicit_auth_flows(aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    (c.client_id.unwrap(), c.client_secret.unwrap())
}

async fn sign_in_with(env: &TriggerEnv, client: &(String, String), address: &str) -> Result<Value, String> {
    let hash = auth_api::cognito::secret_hash(&client.1, address, &client.0);
    idp(env)
        .await
        .admin_initiate_auth()
        .user_pool_id(&env.emu.user_pool_id)
        .client_id(&client.0)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", address)
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("SECRET_HASH", hash)
        .send()
        .await
        .map(|o| payload(o.authentication_result.unwrap().access_token.unwrap().as_str()))
        .map_err(|e| aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata::code(&e).unwrap_or("?").to_string())
}

#[tokio::test]
async fn an_apps_client_gets_that_apps_rules_and_the_others_the_default() {
    let env = TriggerEnv::start_with(None, None, Some(CLAIMS)).await;
    let buyer = email("app-buyer");
    env.api.confirmed_user(&buyer).await;
    join(&env, &buyer, "buyers").await;
    join(&env, &buyer, "admins").await;
    let shop = app_client(&env, "shop").await;
    let blog = app_client(&env, "blog").await; // no rules of its own
    let s = sign_in_with(&env, &shop, &buyer).await.unwrap();
    assert_eq!(s["shop:roles"], json!(["buyer"]));
    assert!(s.get("roles").is_none(), "{s}");
    assert_eq!(s["scope"], json!(""), "the shop's rules add no scope and drop the admin scope");
    let b = sign_in_with(&env, &blog, &buyer).await.unwrap();
    assert_eq!(b["roles"], json!(["admin", "editor"]));
    assert_eq!(scopes(&b), ["api/admin", "api/read", "aws.cognito.signin.user.admin"]);
}

#[tokio::test]
async fn a_failing_trigger_or_an_unreadable_pool_is_a_503_and_no_tokens() {
    let env = TriggerEnv::start_with(None, None, Some(CLAIMS)).await;
    let address = email("fail-tokens");
    env.api.confirmed_user(&address).await;
    // The pool's clients cannot be read: the trigger fails rather than apply the wrong app's rules.
    env.emu.faults(json!({"errors": {"ListUserPoolClients": "InternalErrorException"}})).await;
    let r = env.api.post("/auth/login", json!({"email": address, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
    assert!(r.json.get("accessToken").is_none());
    env.emu.faults(json!({})).await;
    // The function cannot be reached at all.
    env.emu.lambda(json!({"endpoint": "http://127.0.0.1:9"})).await;
    let r = env.api.post("/auth/login", json!({"email": address, "password": PASSWORD})).await;
    assert_eq!((r.status, r.error()), (503, "service_unavailable"), "{}", r.json);
    assert_eq!(r.headers.get("retry-after").map(|v| v.to_str().unwrap()), Some("5"));
    let outcomes: Vec<String> = env.emu.invocations().await.iter().map(|i| i["outcome"].as_str().unwrap().to_string()).collect();
    assert_eq!(outcomes, ["UnexpectedLambdaException"]);
    // Back: the same login works.
    env.emu.lambda(json!({"endpoint": env.triggers.url})).await;
    env.api.login(&address, PASSWORD).await;
}

fn documented_event() -> Value {
    let text = std::fs::read_to_string(support::workspace_root().join("tests/local-cognito/trigger_events/pre-token-generation-v2.json")).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["example"].clone()
}

async fn invoke(listener: &str, body: &str) -> (u16, Option<String>, Value) {
    let r = reqwest::Client::new().post(format!("{listener}/2015-03-31/functions/preTokenGeneration/invocations")).body(body.to_string()).send().await.unwrap();
    let status = r.status().as_u16();
    let err = r.headers().get("x-amz-function-error").map(|v| v.to_str().unwrap().to_string());
    (status, err, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_handler_answers_the_documented_v2_event_and_refuses_what_is_not_one() {
    let emu = support::Emulator::start();
    let t = TriggerListener::start_with(None, Some(r#"{"groups":[{"group":"group-1","roles":["one"]}],"scopes":["api/read"]}"#), &emu.endpoint).await;
    let event = documented_event();
    let (status, err, out) = invoke(&t.url, &event.to_string()).await;
    assert_eq!((status, err), (200, None), "{out}");
    let mut expected = event.clone();
    expected["response"] = json!({"claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {"roles": ["one"]}},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"roles": ["one"]}, "scopesToAdd": ["api/read"]},
    }});
    assert_eq!(out, expected);
    // Without a config: the event back unchanged.
    let bare = TriggerListener::start(None, &emu.endpoint).await;
    let (_, err, out) = invoke(&bare.url, &event.to_string()).await;
    assert_eq!((err, &out), (None, &event));

    let mut v1 = event.clone();
    v1["version"] = json!("1");
    let mut bad_groups = event.clone();
    bad_groups["request"]["groupConfiguration"] = json!({"groupsToOverride": "admins"});
    let mut foreign = event.clone();
    foreign["triggerSource"] = json!("PreSignUp_SignUp");
    let mut unknown = event.clone();
    unknown["triggerSource"] = json!("TokenGeneration_Nope");
    let mut no_caller = event.clone();
    no_caller.as_object_mut().unwrap().remove("callerContext");
    for (label, ev, kind, needle) in [
        ("a V1_0 event", &v1, "MalformedEvent", "needs the V2_0 event"),
        ("groups not a list", &bad_groups, "MalformedEvent", "request: field"),
        ("another trigger's source", &foreign, "UnknownTriggerSource", "PreSignUp_SignUp"),
        ("an unknown source", &unknown, "UnknownTriggerSource", "TokenGeneration_Nope"),
        ("no callerContext", &no_caller, "MalformedEvent", "callerContext"),
    ] {
        let (status, err, out) = invoke(&t.url, &ev.to_string()).await;
        assert_eq!((status, err.as_deref()), (200, Some("Unhandled")), "{label}: {out}");
        assert_eq!(out["errorType"], kind, "{label}: {out}");
        let message = out["errorMessage"].as_str().unwrap();
        assert!(message.contains(needle), "{label}: {message}");
        assert!(!message.contains("testuser@"), "{label}: the message quotes the address: {message}");
    }
}
