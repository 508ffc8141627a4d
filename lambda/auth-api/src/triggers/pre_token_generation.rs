//! Pre token generation, event version V2_0 (`TokenGeneration_*` sources): "Because Amazon Cognito
//! invokes this trigger before token generation, you can customize the claims in user pool tokens.
//! ... In user pools with the Essentials or Plus feature plan, you can generate the version two or
//! V2_0 trigger event with access token customization"
//! (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
//! The stack's pool is on Essentials (Plus with threat protection), and wires this function as
//! `PreTokenGenerationConfig` with `LambdaVersion: V2_0` (cdk/triggers.json `lambdaVersion`).
//!
//! What it does, from `TOKEN_CLAIMS` (the `tokenClaims` prop, [`TokenClaims`]):
//! - a roles claim (default name `roles`) in the ID and access tokens: the roles of every group in
//!   `request.groupConfiguration.groupsToOverride` (the user's groups) that a rule names, sorted,
//!   present (possibly empty) whenever the config has group rules;
//! - scopes added to the access token (`scopesToAdd`): the config's `scopes` for every user and
//!   each matching group's `scopes`;
//! - per app client (`clients`, keyed by `callerContext.clientId`): a config that replaces the
//!   default for that client's tokens, which may also leave `aws.cognito.signin.user.admin` out of
//!   the access token (`scopesToSuppress`). Only per client: this API's bearer routes and Cognito's
//!   self-service operations need that scope, so a client whose tokens come back to the API must
//!   keep it (docs/security.md). The stack does not fill `clients` yet (an app client's id in the
//!   function's environment would be a CloudFormation cycle: the pool refers to the function); it is
//!   the hook for per-app claims (issue 24).
//!
//! Nothing else is read or changed; no Cognito call is made.
use super::{TriggerCtx, TriggerError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The scope Cognito's self-service operations (GetUser, ChangePassword, ...) require.
pub const USER_ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Claims the trigger may not set: those Cognito keeps for itself ("You can't add, suppress, or
/// modify" them: the page above) and Cognito's own `cognito:` names, plus the access token's
/// `scope`, `client_id` and `username`, which the trigger changes only through the scope lists.
pub const RESERVED_CLAIMS: &[&str] = &[
    "acr", "amr", "aud", "auth_time", "azp", "exp", "iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "sub",
    "token_use", "at_hash", "event_id", "scope", "client_id", "username", "cognito:username",
];

/// One group's rule: the roles its members get and the scopes added to their access tokens.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupRule {
    pub group: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// The claims config of one client (or the default).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClaimRules {
    /// The roles claim's name (default `roles`).
    #[serde(default)]
    pub roles_claim: Option<String>,
    #[serde(default)]
    pub groups: Vec<GroupRule>,
    /// Scopes added to every access token.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Leave `aws.cognito.signin.user.admin` out of the access token (per client only).
    #[serde(default)]
    pub drop_user_admin_scope: bool,
}

/// `TOKEN_CLAIMS`: the default rules (top-level keys), and rules per app client id (`clients`)
/// that replace them for that client's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenClaims {
    pub default: ClaimRules,
    pub clients: BTreeMap<String, ClaimRules>,
}

/// A claim name the tokens may carry: letters, digits and `_ : . -`, at most 64, not reserved.
fn check_claim_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-'));
    if !ok {
        return Err(format!("rolesClaim {name:?} must be 1-64 letters, digits, _ : . - starting with a letter"));
    }
    if RESERVED_CLAIMS.contains(&name) || name.starts_with("cognito:") {
        return Err(format!("rolesClaim {name:?} is a claim Cognito sets itself"));
    }
    Ok(())
}

/// An OAuth scope token (RFC 6749 3.3: printable ASCII except space, `"` and `\`), at most 256.
fn check_scope(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 256 || !s.bytes().all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b)) {
        return Err(format!("scope {s:?} is not an OAuth scope (printable ASCII, no space, quote or backslash)"));
    }
    if s == USER_ADMIN_SCOPE {
        return Err(format!("scope {USER_ADMIN_SCOPE} is Cognito's own; it cannot be added"));
    }
    Ok(())
}

impl ClaimRules {
    fn check(&self, per_client: bool) -> Result<(), String> {
        if let Some(name) = &self.roles_claim {
            check_claim_name(name)?;
        }
        if self.drop_user_admin_scope && !per_client {
            return Err(format!(
                "dropUserAdminScope is only for one app client's tokens (clients.<id>): this API's bearer routes need {USER_ADMIN_SCOPE}"
            ));
        }
        let mut seen = BTreeSet::new();
        for g in &self.groups {
            if g.group.is_empty() || g.group.len() > 128 || g.group.chars().any(char::is_control) {
                return Err(format!("group name {:?} is not a Cognito group name (1-128 characters)", g.group));
            }
            if !seen.insert(g.group.as_str()) {
                return Err(format!("group {:?} has two rules", g.group));
            }
            if g.roles.is_empty() && g.scopes.is_empty() {
                return Err(format!("group {:?} gives neither roles nor scopes", g.group));
            }
            for r in &g.roles {
                if r.is_empty() || r.len() > 128 || r.chars().any(char::is_control) {
                    return Err(format!("role {r:?} of group {:?} must be 1-128 printable characters", g.group));
                }
            }
            g.scopes.iter().try_for_each(|s| check_scope(s))?;
        }
        self.scopes.iter().try_for_each(|s| check_scope(s))
    }

    fn roles_claim(&self) -> &str {
        self.roles_claim.as_deref().unwrap_or("roles")
    }
}

impl TokenClaims {
    /// Reads and checks `TOKEN_CLAIMS`.
    pub fn parse(json: &str) -> Result<Self, String> {
        let mut raw: serde_json::Map<String, Value> = serde_json::from_str(json).map_err(|e| format!("not the tokenClaims JSON object: {e}"))?;
        let clients = match raw.remove("clients") {
            Some(v) => serde_json::from_value(v).map_err(|e| format!("clients: {e}"))?,
            None => BTreeMap::new(),
        };
        let default: ClaimRules = serde_json::from_value(Value::Object(raw)).map_err(|e| format!("not the tokenClaims JSON: {e}"))?;
        let c = TokenClaims { default, clients };
        c.default.check(false)?;
        for (id, rules) in &c.clients {
            if id.is_empty() || id.len() > 128 || !id.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                return Err(format!("clients key {id:?} is not an app client id"));
            }
            rules.check(true).map_err(|e| format!("clients.{id}: {e}"))?;
        }
        Ok(c)
    }

    fn for_client(&self, client_id: &str) -> &ClaimRules {
        self.clients.get(client_id).unwrap_or(&self.default)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[serde(default)]
    group_configuration: Option<GroupConfiguration>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupConfiguration {
    #[serde(default)]
    groups_to_override: Option<Vec<String>>,
}

/// The `response` for these groups and client: `None` when nothing changes.
pub fn overrides(config: &TokenClaims, client_id: &str, groups: &[String]) -> Option<Value> {
    let rules = config.for_client(client_id);
    let mut roles = BTreeSet::new();
    let mut scopes: BTreeSet<&str> = rules.scopes.iter().map(String::as_str).collect();
    for g in rules.groups.iter().filter(|g| groups.contains(&g.group)) {
        roles.extend(g.roles.iter().map(String::as_str));
        scopes.extend(g.scopes.iter().map(String::as_str));
    }
    let has_roles = rules.groups.iter().any(|g| !g.roles.is_empty());
    if !has_roles && scopes.is_empty() && !rules.drop_user_admin_scope {
        return None;
    }
    let mut access = serde_json::Map::new();
    let mut id = serde_json::Map::new();
    if has_roles {
        let claims = json!({ rules.roles_claim(): roles.iter().collect::<Vec<_>>() });
        access.insert("claimsToAddOrOverride".into(), claims.clone());
        id.insert("claimsToAddOrOverride".into(), claims);
    }
    if !scopes.is_empty() {
        access.insert("scopesToAdd".into(), json!(scopes.iter().collect::<Vec<_>>()));
    }
    if rules.drop_user_admin_scope {
        access.insert("scopesToSuppress".into(), json!([USER_ADMIN_SCOPE]));
    }
    let mut details = serde_json::Map::new();
    if !id.is_empty() {
        details.insert("idTokenGeneration".into(), Value::Object(id));
    }
    details.insert("accessTokenGeneration".into(), Value::Object(access));
    Some(json!({ "claimsAndScopeOverrideDetails": details }))
}

pub async fn handle(ctx: &TriggerCtx<'_>) -> Result<Value, TriggerError> {
    let request: Request = ctx
        .event
        .request()
        .map_err(|reason| TriggerError::MalformedEvent { trigger: ctx.trigger.name.clone(), reason })?;
    if ctx.event.common.version != "2" {
        // A V1_0 event cannot change access tokens: the pool is wired with the wrong LambdaVersion.
        return Err(TriggerError::MalformedEvent {
            trigger: ctx.trigger.name.clone(),
            reason: format!("event version {:?}; this trigger needs the V2_0 event (LambdaVersion V2_0)", ctx.event.common.version.chars().take(8).collect::<String>()),
        });
    }
    let groups = request.group_configuration.and_then(|g| g.groups_to_override).unwrap_or_default();
    let response = match &ctx.state.token_claims {
        Some(config) => overrides(config, &ctx.event.common.caller_context.client_id, &groups),
        None => None,
    };
    Ok(match response {
        Some(r) => ctx.event.answer(r),
        // Nothing to change: the event back as received (its default response).
        None => ctx.event.answer(json!({ "claimsAndScopeOverrideDetails": null })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(json: &str) -> TokenClaims {
        TokenClaims::parse(json).unwrap()
    }

    #[test]
    fn roles_from_groups_and_scopes_for_everyone_and_per_group() {
        let c = cfg(r#"{"groups":[{"group":"admins","roles":["admin","editor"],"scopes":["api/admin"]},{"group":"staff","roles":["editor"]}],"scopes":["api/read"]}"#);
        let r = overrides(&c, "client1", &["staff".into(), "admins".into(), "other".into()]).unwrap();
        let d = &r["claimsAndScopeOverrideDetails"];
        assert_eq!(d["accessTokenGeneration"]["claimsToAddOrOverride"], json!({"roles": ["admin", "editor"]}));
        assert_eq!(d["idTokenGeneration"]["claimsToAddOrOverride"], json!({"roles": ["admin", "editor"]}));
        assert_eq!(d["accessTokenGeneration"]["scopesToAdd"], json!(["api/admin", "api/read"]));
        assert!(d["accessTokenGeneration"].get("scopesToSuppress").is_none());
        // No matching group: an empty roles claim, the everyone-scopes only.
        let r = overrides(&c, "client1", &[]).unwrap();
        assert_eq!(r["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["claimsToAddOrOverride"], json!({"roles": []}));
        assert_eq!(r["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["scopesToAdd"], json!(["api/read"]));
    }

    #[test]
    fn a_client_entry_replaces_the_default_and_may_drop_the_user_admin_scope() {
        let c = cfg(r#"{"scopes":["api/read"],"clients":{"abc123":{"rolesClaim":"app:roles","groups":[{"group":"g","roles":["r"]}],"dropUserAdminScope":true}}}"#);
        let r = overrides(&c, "abc123", &["g".into()]).unwrap();
        let a = &r["claimsAndScopeOverrideDetails"]["accessTokenGeneration"];
        assert_eq!(a["claimsToAddOrOverride"], json!({"app:roles": ["r"]}));
        assert_eq!(a["scopesToSuppress"], json!([USER_ADMIN_SCOPE]));
        assert!(a.get("scopesToAdd").is_none());
        let other = overrides(&c, "zzz", &["g".into()]).unwrap();
        assert_eq!(other["claimsAndScopeOverrideDetails"]["accessTokenGeneration"], json!({"scopesToAdd": ["api/read"]}));
        assert_eq!(overrides(&TokenClaims::default(), "x", &["g".into()]), None);
    }

    #[test]
    fn bad_configs_are_refused() {
        for bad in [
            r#"{"dropUserAdminScope":true}"#,
            r#"{"rolesClaim":"sub"}"#,
            r#"{"rolesClaim":"cognito:groups"}"#,
            r#"{"rolesClaim":"has space"}"#,
            r#"{"scopes":["two words"]}"#,
            r#"{"scopes":["aws.cognito.signin.user.admin"]}"#,
            r#"{"groups":[{"group":"a","roles":["x"]},{"group":"a","roles":["y"]}]}"#,
            r#"{"groups":[{"group":"a"}]}"#,
            r#"{"groups":[{"group":"a","roles":["x"],"extra":1}]}"#,
            r#"{"clients":{"bad-id!":{}}}"#,
            r#"{"unknown":1}"#,
            "[]",
        ] {
            assert!(TokenClaims::parse(bad).is_err(), "accepted {bad}");
        }
    }
}
