//! The route definition is the truth about which Cognito operations each route may call (the
//! stack turns it into IAM policies). A tour of every route against the emulator records the
//! operations each handler really calls: none may be undeclared, and every declared action must
//! be used (a declared action no handler calls would be a needless IAM grant).
mod support;
use std::collections::BTreeSet;

#[tokio::test]
async fn handlers_call_exactly_the_cognito_actions_their_routes_declare() {
    let env = support::Env::start().await;
    support::tour(&env).await;
    let calls: BTreeSet<(String, String)> = env.api.calls.lock().unwrap().iter().cloned().collect();
    let def = auth_api::definition::definition();
    for (route, op) in &calls {
        let r = def.by_name(route).unwrap();
        assert!(r.cognito_actions.contains(op), "route {route} called {op}, not declared in cdk/routes.json");
    }
    for r in &def.routes {
        for a in &r.cognito_actions {
            assert!(calls.contains(&(r.name.clone(), a.clone())), "route {} declares {a} but the tour never saw it call it", r.name);
        }
    }
}

/// The same for the Cognito triggers of cdk/triggers.json: the emulator invokes the real handlers
/// (auth-local's trigger listener) on every trigger source it runs, and a federated sign-up event
/// (which only a provider sign-in sends) is handed to the listener directly. The recorder sees each
/// Cognito call under the trigger that made it.
#[tokio::test]
async fn triggers_call_exactly_the_cognito_actions_they_declare() {
    use serde_json::json;
    // Per-app token rules: pre token generation reads the pool's clients (ListUserPoolClients).
    let env = support::TriggerEnv::start_with(None, Some("example.com"), Some(r#"{"scopes":["api/read"],"apps":{"shop":{"scopes":["shop/read"]}}}"#)).await;
    let api = &env.api;
    api.post("/auth/register", json!({"email": support::email("trigger-tour"), "password": support::PASSWORD})).await;
    api.post("/auth/register", json!({"email": "someone@elsewhere.test", "password": support::PASSWORD})).await;
    let sdk = support::sdk_for(&env.emu.endpoint).await;
    let idp = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let admin_created = support::email("admin-created");
    idp.admin_create_user()
        .user_pool_id(&env.emu.user_pool_id)
        .username(&admin_created)
        .user_attributes(aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name("email").value(&admin_created).build().unwrap())
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    // A token issue (straight to the pool, so the routes' calls stay those of register).
    idp.admin_set_user_password().user_pool_id(&env.emu.user_pool_id).username(&admin_created).password(support::PASSWORD).permanent(true).send().await.unwrap();
    let hash = auth_api::cognito::secret_hash(&env.emu.client_secret, &admin_created, &env.emu.client_id);
    idp.admin_initiate_auth()
        .user_pool_id(&env.emu.user_pool_id)
        .client_id(&env.emu.client_id)
        .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &admin_created)
        .auth_parameters("PASSWORD", support::PASSWORD)
        .auth_parameters("SECRET_HASH", hash)
        .send()
        .await
        .unwrap();
    let seen: BTreeSet<String> = env.emu.invocations().await.iter().map(|i| i["triggerSource"].as_str().unwrap().to_string()).collect();
    assert_eq!(seen, ["CustomMessage_SignUp", "PreSignUp_AdminCreateUser", "PreSignUp_SignUp", "TokenGeneration_Authentication"].map(String::from).into());
    let mut federated: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(support::workspace_root().join("tests/local-cognito/trigger_events/pre-sign-up.json")).unwrap(),
    )
    .unwrap();
    federated = federated["example"].take();
    federated["triggerSource"] = json!("PreSignUp_ExternalProvider");
    federated["userPoolId"] = json!(env.emu.user_pool_id);
    federated["request"]["userAttributes"]["email_verified"] = json!("true");
    let r = reqwest::Client::new()
        .post(format!("{}/2015-03-31/functions/preSignUp/invocations", env.triggers.url))
        .json(&federated)
        .send()
        .await
        .unwrap();
    let federated_error = r.headers().get("x-amz-function-error").cloned();

    let calls: BTreeSet<(String, String)> = env.triggers.calls.lock().unwrap().iter().cloned().collect();
    let def = auth_api::definition::triggers();
    for (trigger, op) in &calls {
        let t = def.by_name(trigger).unwrap_or_else(|| panic!("{trigger} is no trigger"));
        assert!(t.cognito_actions.contains(op), "trigger {trigger} called {op}, not declared in cdk/triggers.json");
    }
    for t in &def.triggers {
        for a in &t.cognito_actions {
            assert!(calls.contains(&(t.name.clone(), a.clone())), "trigger {} declares {a} but the tour never saw it call it", t.name);
        }
    }
    assert!(federated_error.is_none(), "the federated sign-up event was answered with an error");
    // The refusal still counts as the trigger's work, not the route's: the register route called SignUp only.
    let route_calls: BTreeSet<(String, String)> = api.calls.lock().unwrap().iter().cloned().collect();
    assert_eq!(route_calls, [("register".to_string(), "SignUp".to_string())].into());
}
