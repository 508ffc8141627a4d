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
//! - per app (`apps`, keyed by the app id of cdk/apps.json and the `apps` prop): rules that replace
//!   the default for the tokens of that app's user client, which may also leave
//!   `aws.cognito.signin.user.admin` out of the access token (`scopesToSuppress`). Only per app: this
//!   API's bearer routes and Cognito's self-service operations need that scope, so the API's own app
//!   (`default`, the top-level rules) keeps it (docs/security.md).
//!
//! Which app a token is for: the event names the app client (`callerContext.clientId`), not the app.
//! The client id cannot travel in this function's environment (the pool refers to the function, and
//! the function's environment naming a client of the pool would be a CloudFormation cycle), so the
//! rules are keyed by app id and the function learns each client's app from the pool itself: an app's
//! user client is named by its app id (`ClientName`, lib/auth-api-user-pool.ts), and
//! ListUserPoolClients answers every client's id and name, and nothing else (no secret, unlike
//! DescribeUserPoolClient, whose UserPoolClientType carries ClientSecret:
//! https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUserPoolClients.html,
//! https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html).
//! The map is read on the first event that needs it and kept for the warm function ([`ClientApps`]);
//! an unknown client id reads it again at most once a minute (a client added since). The call is made
//! only when the config has `apps`; it is granted on the pool ARN through the trigger's separate
//! Cognito policy, which no cycle reaches (lib/auth-api-triggers.ts). A client whose name is no
//! configured app id gets the default rules. When the pool cannot be read, the token issue fails
//! (the function's error: Cognito refuses the sign-in, the API answers 503 and the caller retries)
//! rather than issue an app's tokens under another app's rules.
//!
//! Nothing else is read or changed; no other Cognito call is made.
use super::{TriggerCtx, TriggerError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    /// Leave `aws.cognito.signin.user.admin` out of the access token (per app only).
    #[serde(default)]
    pub drop_user_admin_scope: bool,
}

/// `TOKEN_CLAIMS`: the default rules (top-level keys: the API's own app, `default`, and every client
/// named by no configured app), and rules per app id (`apps`) that replace them for that app's tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenClaims {
    pub default: ClaimRules,
    pub apps: BTreeMap<String, ClaimRules>,
}

/// An app id, as cdk/apps.json and the `apps` prop spell it (lib/apps-definition.ts).
fn is_app_id(id: &str) -> bool {
    let mut chars = id.chars();
    id.len() <= 32
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
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
    fn check(&self, per_app: bool) -> Result<(), String> {
        if let Some(name) = &self.roles_claim {
            check_claim_name(name)?;
        }
        if self.drop_user_admin_scope && !per_app {
            return Err(format!(
                "dropUserAdminScope is only for one app's tokens (apps.<id>): this API's bearer routes need {USER_ADMIN_SCOPE}"
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
        let apps = match raw.remove("apps") {
            Some(v) => serde_json::from_value(v).map_err(|e| format!("apps: {e}"))?,
            None => BTreeMap::new(),
        };
        let default: ClaimRules = serde_json::from_value(Value::Object(raw)).map_err(|e| format!("not the tokenClaims JSON: {e}"))?;
        let c = TokenClaims { default, apps };
        c.default.check(false)?;
        for (id, rules) in &c.apps {
            if !is_app_id(id) {
                return Err(format!("apps key {id:?} is not an app id (lower-case letters, digits and '-', starting with a letter, at most 32)"));
            }
            if id == crate::apps::DEFAULT_APP_ID {
                return Err("apps.default: the top-level rules are the default app's".into());
            }
            rules.check(true).map_err(|e| format!("apps.{id}: {e}"))?;
        }
        Ok(c)
    }

    /// The rules of the app (`None`: a client of no configured app, or the API's own).
    pub fn for_app(&self, app: Option<&str>) -> &ClaimRules {
        app.and_then(|a| self.apps.get(a)).unwrap_or(&self.default)
    }
}

/// The app each client of the pool belongs to (its `ClientName`, when that is a configured app id),
/// read with ListUserPoolClients and kept for the warm function.
#[derive(Debug, Default)]
pub struct ClientApps {
    inner: Mutex<Option<Known>>,
}

#[derive(Debug)]
struct Known {
    pool: String,
    names: HashMap<String, String>,
    read_at: Instant,
}

/// How soon an unknown client id reads the pool's clients again.
const REREAD_AFTER: Duration = Duration::from_secs(60);

impl ClientApps {
    /// The client's name as recorded, if the map is current enough for it; `Err(())`: read the pool.
    fn cached(&self, pool: &str, client_id: &str) -> Result<Option<String>, ()> {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(k) if k.pool == pool => match k.names.get(client_id) {
                Some(name) => Ok(Some(name.clone())),
                None if k.read_at.elapsed() < REREAD_AFTER => Ok(None),
                None => Err(()),
            },
            _ => Err(()),
        }
    }

    fn store(&self, pool: &str, names: HashMap<String, String>) {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) = Some(Known { pool: pool.to_string(), names, read_at: Instant::now() });
    }
}

/// The name of the app client `client_id` of `pool`, from the cache or the pool.
async fn client_name(ctx: &TriggerCtx<'_>, pool: &str, client_id: &str) -> Result<Option<String>, TriggerError> {
    let apps = &ctx.state.client_apps;
    if let Ok(name) = apps.cached(pool, client_id) {
        return Ok(name);
    }
    let idp = ctx.cognito()?;
    let mut names = HashMap::new();
    let mut next: Option<String> = None;
    // A pool has at most 1,000 app clients; 60 a page (the operation's MaxResults).
    for _ in 0..20 {
        let page = idp
            .list_user_pool_clients()
            .user_pool_id(pool)
            .max_results(60)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|e| {
                let code = aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata::code(&e).unwrap_or("unknown").to_string();
                tracing::error!(trigger = %ctx.trigger.name, error_code = %code, "ListUserPoolClients failed: the app of the token's client is unknown");
                TriggerError::Failed(format!("cannot read the pool's app clients ({code})"))
            })?;
        for c in page.user_pool_clients() {
            if let (Some(id), Some(name)) = (c.client_id(), c.client_name()) {
                names.insert(id.to_string(), name.to_string());
            }
        }
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    let name = names.get(client_id).cloned();
    apps.store(pool, names);
    Ok(name)
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

/// The `response` for these groups under these rules: `None` when nothing changes.
pub fn overrides(rules: &ClaimRules, groups: &[String]) -> Option<Value> {
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
        Some(config) => {
            let app = if config.apps.is_empty() {
                None
            } else {
                let c = &ctx.event.common;
                client_name(ctx, &c.user_pool_id, &c.caller_context.client_id).await?.filter(|n| config.apps.contains_key(n))
            };
            overrides(config.for_app(app.as_deref()), &groups)
        }
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
        let r = overrides(c.for_app(None), &["staff".into(), "admins".into(), "other".into()]).unwrap();
        let d = &r["claimsAndScopeOverrideDetails"];
        assert_eq!(d["accessTokenGeneration"]["claimsToAddOrOverride"], json!({"roles": ["admin", "editor"]}));
        assert_eq!(d["idTokenGeneration"]["claimsToAddOrOverride"], json!({"roles": ["admin", "editor"]}));
        assert_eq!(d["accessTokenGeneration"]["scopesToAdd"], json!(["api/admin", "api/read"]));
        assert!(d["accessTokenGeneration"].get("scopesToSuppress").is_none());
        // No matching group: an empty roles claim, the everyone-scopes only.
        let r = overrides(c.for_app(Some("unconfigured")), &[]).unwrap();
        assert_eq!(r["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["claimsToAddOrOverride"], json!({"roles": []}));
        assert_eq!(r["claimsAndScopeOverrideDetails"]["accessTokenGeneration"]["scopesToAdd"], json!(["api/read"]));
    }

    #[test]
    fn an_app_entry_replaces_the_default_and_may_drop_the_user_admin_scope() {
        let c = cfg(r#"{"scopes":["api/read"],"apps":{"shop":{"rolesClaim":"app:roles","groups":[{"group":"g","roles":["r"]}],"dropUserAdminScope":true}}}"#);
        let r = overrides(c.for_app(Some("shop")), &["g".into()]).unwrap();
        let a = &r["claimsAndScopeOverrideDetails"]["accessTokenGeneration"];
        assert_eq!(a["claimsToAddOrOverride"], json!({"app:roles": ["r"]}));
        assert_eq!(a["scopesToSuppress"], json!([USER_ADMIN_SCOPE]));
        assert!(a.get("scopesToAdd").is_none());
        let other = overrides(c.for_app(Some("blog")), &["g".into()]).unwrap();
        assert_eq!(other["claimsAndScopeOverrideDetails"]["accessTokenGeneration"], json!({"scopesToAdd": ["api/read"]}));
        assert_eq!(overrides(TokenClaims::default().for_app(None), &["g".into()]), None);
    }

    #[test]
    fn the_client_map_is_reread_only_for_an_unknown_client_and_not_within_a_minute() {
        let apps = ClientApps::default();
        assert_eq!(apps.cached("pool", "c1"), Err(()));
        apps.store("pool", HashMap::from([("c1".to_string(), "shop".to_string())]));
        assert_eq!(apps.cached("pool", "c1"), Ok(Some("shop".into())));
        assert_eq!(apps.cached("pool", "c2"), Ok(None));
        assert_eq!(apps.cached("other-pool", "c1"), Err(()));
        apps.inner.lock().unwrap().as_mut().unwrap().read_at -= REREAD_AFTER;
        assert_eq!(apps.cached("pool", "c2"), Err(()));
        assert_eq!(apps.cached("pool", "c1"), Ok(Some("shop".into())));
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
            r#"{"apps":{"Bad_Id":{}}}"#,
            r#"{"apps":{"default":{"scopes":["a/b"]}}}"#,
            r#"{"apps":{"shop":{"dropUserAdminScope":true,"extra":1}}}"#,
            r#"{"clients":{"abc":{}}}"#,
            r#"{"unknown":1}"#,
            "[]",
        ] {
            assert!(TokenClaims::parse(bad).is_err(), "accepted {bad}");
        }
    }
}
