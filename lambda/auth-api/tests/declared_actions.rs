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
