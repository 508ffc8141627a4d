//! The OpenAPI document's account of the federation routes: the browser routes answer `302 Found`
//! (no body) to Cognito or to the app's return address, with the error codes the return address may
//! receive ([`super::outcome::CODES`]) as data (`x-redirect-error-codes`); their query parameters;
//! and the hand-off route's `X-App-Id`.
use serde_json::{json, Value};

fn query(name: &str, required: bool, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": required, "schema": {"type": "string", "maxLength": 4096}, "description": description})
}

pub fn document_operation(route: &str, op: &mut Value) {
    let codes: Vec<&str> = super::outcome::CODES.iter().map(|(c, _)| *c).collect();
    let meanings = super::outcome::CODES.iter().map(|(c, m)| format!("`{c}`: {m}")).collect::<Vec<_>>().join("; ");
    let (description, params, cookie) = match route {
        "federationStart" => (
            "Redirect to the pool's authorize endpoint for the provider (PKCE S256, a sealed state), setting the browser binding cookie. \
             A provider the API does not have ends on the return address with `error=provider_not_allowed`.",
            vec![
                query("provider", true, "The identity provider's name on the pool (e.g. `Google`)"),
                query("returnTo", true, "Exactly one of the app's return addresses (no prefix match): where the sign-in ends"),
                query("app", false, "The app's id (default: the API's own app, `default`)"),
            ],
            "Sets `__Host-auth_federation` (the browser binding of the state: HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=stateTtlSeconds)",
        ),
        "federationCallback" => (
            "Redirect to the app's return address: with `handoff=<value>` (redeem it with POST /auth/federation/token), with nothing in \
             browser session mode (the refresh cookie is set), or with `error=<code>`.",
            vec![
                query("state", true, "The state the start route sealed, as Cognito passes it back"),
                query("code", false, "Cognito's authorization code"),
                query("error", false, "Cognito's or the provider's error (e.g. `access_denied`)"),
            ],
            "Clears `__Host-auth_federation`; in browser session mode also sets the app's refresh cookie",
        ),
        "federationToken" => {
            let mut params = op["parameters"].as_array().cloned().unwrap_or_default();
            params.push(json!({"name": "X-App-Id", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,31}$"},
                "description": "The calling app's id; it must be the app the hand-off was given to"}));
            op["parameters"] = json!(params);
            return;
        }
        _ => return,
    };
    op["parameters"] = json!(params);
    op["responses"]["302"] = json!({
        "description": format!("{description} Error codes on the return address: {meanings}."),
        "headers": {
            "Location": {"schema": {"type": "string", "format": "uri"}, "description": "Where the browser goes next"},
            "Set-Cookie": {"schema": {"type": "string"}, "description": cookie}
        },
        "x-redirect-error-codes": codes
    });
}
