//! The definitions shared with CDK and the OpenAPI document, embedded at compile time so the binary
//! and the stack can never disagree: the routes (`cdk/routes.json`) and the Cognito triggers
//! (`cdk/triggers.json`).
use serde::Deserialize;
use std::sync::OnceLock;

/// The JSON file, as written in `cdk/routes.json`.
pub const ROUTES_JSON: &str = include_str!("../../../cdk/routes.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// Stable identifier; also the audit `action` and the handler module.
    pub name: String,
    pub method: String,
    pub path: String,
    /// True when the route needs `Authorization: Bearer <access token>`.
    pub bearer_token: bool,
    /// Cognito API operations the handler may call (IAM: `cognito-idp:<name>`).
    pub cognito_actions: Vec<String>,
    /// Environment variables the stack gives this route's function.
    pub env: Vec<String>,
    pub throttle: Throttle,
    pub summary: String,
    #[serde(skip)]
    key: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Throttle {
    /// Requests per second (API Gateway takes fractions).
    pub rate_limit: f64,
    pub burst_limit: u32,
}

impl Route {
    /// The API Gateway route key, e.g. `POST /auth/login`.
    pub fn key(&self) -> &str {
        &self.key
    }
}

#[derive(Debug, Deserialize)]
pub struct Definition {
    pub routes: Vec<Route>,
}

/// How a method and path relate to the definition.
#[derive(Debug)]
pub enum Lookup<'a> {
    Found(&'a Route),
    /// The path exists, with these methods only.
    MethodNotAllowed(Vec<&'a str>),
    NotFound,
}

impl Definition {
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        let mut def: Definition = serde_json::from_str(json)?;
        for r in &mut def.routes {
            r.key = format!("{} {}", r.method, r.path);
        }
        Ok(def)
    }

    pub fn by_key(&self, key: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.key == key)
    }

    pub fn by_name(&self, name: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.name == name)
    }

    pub fn lookup(&self, method: &str, path: &str) -> Lookup<'_> {
        let path = normalise_path(path);
        let mut methods = Vec::new();
        for r in self.routes.iter().filter(|r| r.path == path) {
            if r.method.eq_ignore_ascii_case(method) {
                return Lookup::Found(r);
            }
            methods.push(r.method.as_str());
        }
        if methods.is_empty() {
            Lookup::NotFound
        } else {
            Lookup::MethodNotAllowed(methods)
        }
    }

    /// Methods served on `path` (for CORS preflight and `Allow`).
    pub fn methods_for(&self, path: &str) -> Vec<&str> {
        let path = normalise_path(path);
        self.routes.iter().filter(|r| r.path == path).map(|r| r.method.as_str()).collect()
    }
}

/// A trailing slash is tolerated (`/auth/login/` is `/auth/login`); nothing else is rewritten.
fn normalise_path(path: &str) -> &str {
    if path.len() > 1 {
        path.strip_suffix('/').unwrap_or(path)
    } else {
        path
    }
}

/// One Cognito trigger, as written in `cdk/triggers.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// Stable identifier: the function's `COGNITO_TRIGGER`, the audit `action`, the handler module.
    pub name: String,
    /// The user pool's `LambdaConfig` key this function is wired to (`PreSignUp`, ...); also how
    /// Cognito names the trigger in its errors ("PreSignUp failed with error ...").
    pub cognito_trigger: String,
    /// The `triggerSource` values of the events Cognito sends this trigger.
    pub trigger_sources: Vec<String>,
    /// The Cognito operations that run it (a route calling one of them is affected: `callerEffect`).
    pub runs_on: Vec<String>,
    /// Cognito API operations the handler may call (IAM: `cognito-idp:<name>`).
    pub cognito_actions: Vec<String>,
    /// Environment variables the stack gives this trigger's function.
    pub env: Vec<String>,
    /// The function's timeout; Cognito waits at most 5 s for a trigger.
    pub timeout_seconds: u64,
    /// The event version the pool sends (`LambdaVersion`: `V2_0` for pre token generation's
    /// access-token customization); none for triggers with one version.
    #[serde(default)]
    pub lambda_version: Option<String>,
    pub summary: String,
    /// The construct prop that turns it on.
    pub prop: String,
    /// What it changes for a caller of the routes that run it (the OpenAPI document says it).
    pub caller_effect: String,
}

/// The JSON file, as written in `cdk/triggers.json`.
pub const TRIGGERS_JSON: &str = include_str!("../../../cdk/triggers.json");

/// Cognito's wait for a trigger: "your Lambda function must respond within 5 seconds. If it doesn't,
/// Amazon Cognito retries the call. After 3 unsuccessful attempts, the function times out"
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html).
pub const COGNITO_TRIGGER_WAIT_SECONDS: u64 = 5;

#[derive(Debug, Deserialize)]
pub struct Triggers {
    pub triggers: Vec<Trigger>,
}

impl Triggers {
    pub fn parse(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    pub fn by_name(&self, name: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.name == name)
    }

    /// The trigger whose events carry this `triggerSource`.
    pub fn by_source(&self, source: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.trigger_sources.iter().any(|s| s == source))
    }
}

/// The embedded trigger definition, parsed once (a unit test proves it parses).
pub fn triggers() -> &'static Triggers {
    static DEF: OnceLock<Triggers> = OnceLock::new();
    DEF.get_or_init(|| Triggers::parse(TRIGGERS_JSON).expect("cdk/triggers.json is valid (unit-tested)"))
}

/// The embedded definition, parsed once. A unit test proves it parses, so this cannot fail at run time.
pub fn definition() -> &'static Definition {
    static DEF: OnceLock<Definition> = OnceLock::new();
    DEF.get_or_init(|| Definition::parse(ROUTES_JSON).expect("cdk/routes.json is valid (unit-tested)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_definition_parses_and_keys_are_unique() {
        let def = Definition::parse(ROUTES_JSON).unwrap();
        assert!(def.routes.len() >= 8);
        let mut keys: Vec<_> = def.routes.iter().map(|r| r.key().to_string()).collect();
        let mut names: Vec<_> = def.routes.iter().map(|r| r.name.clone()).collect();
        keys.sort();
        names.sort();
        let (k, n) = (keys.len(), names.len());
        keys.dedup();
        names.dedup();
        assert_eq!(keys.len(), k, "duplicate route key");
        assert_eq!(names.len(), n, "duplicate route name");
    }

    #[test]
    fn every_route_is_well_formed() {
        for r in &definition().routes {
            assert!(["GET", "POST", "DELETE", "PUT", "PATCH"].contains(&r.method.as_str()), "{}", r.name);
            assert!(r.path.starts_with("/auth/"), "{}", r.name);
            assert!(r.throttle.rate_limit > 0.0 && f64::from(r.throttle.burst_limit) >= r.throttle.rate_limit, "{}", r.name);
            for a in &r.cognito_actions {
                assert!(a.chars().next().unwrap().is_ascii_uppercase() && !a.contains(':'), "{}: {a}", r.name);
            }
            for e in &r.env {
                assert!(e.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{}: {e}", r.name);
            }
        }
    }

    #[test]
    fn every_route_gets_the_configuration_the_binary_requires() {
        // One binary serves every route and refuses to start without these (config.rs).
        for r in &definition().routes {
            for v in ["COGNITO_USER_POOL_ID", "COGNITO_APP_CLIENT_ID"] {
                assert!(r.env.iter().any(|e| e == v), "route {} does not list {v}", r.name);
            }
            // Not required to start, but every function must get the deadline derived from its timeout.
            assert!(r.env.iter().any(|e| e == "REQUEST_DEADLINE_MS"), "route {} does not list REQUEST_DEADLINE_MS", r.name);
        }
    }

    #[test]
    fn every_trigger_is_well_formed_and_sources_are_unique() {
        let def = Triggers::parse(TRIGGERS_JSON).unwrap();
        assert!(!def.triggers.is_empty());
        let mut sources = Vec::new();
        for t in &def.triggers {
            assert_eq!(def.triggers.iter().filter(|x| x.name == t.name).count(), 1, "duplicate trigger {}", t.name);
            assert!(!t.trigger_sources.is_empty(), "{}", t.name);
            for s in &t.trigger_sources {
                // Cognito's triggerSource values start with the trigger's name, e.g. PreSignUp_SignUp; pre
                // token generation's are TokenGeneration_* whichever LambdaConfig key wires it.
                let prefix = match t.cognito_trigger.as_str() {
                    "PreTokenGeneration" | "PreTokenGenerationConfig" => "TokenGeneration",
                    key => key,
                };
                assert!(s.starts_with(&format!("{prefix}_")), "{}: {s}", t.name);
                sources.push(s.clone());
            }
            assert!((1..=COGNITO_TRIGGER_WAIT_SECONDS).contains(&t.timeout_seconds), "{}: timeoutSeconds", t.name);
            // Only PreTokenGenerationConfig takes an event version (V2_0 changes access tokens too).
            match &t.lambda_version {
                Some(v) => assert!(t.cognito_trigger == "PreTokenGenerationConfig" && ["V1_0", "V2_0", "V3_0"].contains(&v.as_str()), "{}: lambdaVersion {v}", t.name),
                None => assert_ne!(t.cognito_trigger, "PreTokenGenerationConfig", "{}: PreTokenGenerationConfig needs lambdaVersion", t.name),
            }
            for a in &t.cognito_actions {
                assert!(a.chars().next().unwrap().is_ascii_uppercase() && !a.contains(':'), "{}: {a}", t.name);
            }
            // A trigger reads its pool from the event: the pool's own id in its environment would be a
            // CloudFormation cycle (the pool refers to the function).
            for e in &t.env {
                assert!(e.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{}: {e}", t.name);
                assert!(!e.starts_with("COGNITO_"), "{}: {e}", t.name);
            }
        }
        let n = sources.len();
        sources.sort();
        sources.dedup();
        assert_eq!(sources.len(), n, "a triggerSource listed by two triggers");
        assert_eq!(triggers().by_source("PreSignUp_SignUp").unwrap().name, "preSignUp");
        assert!(triggers().by_source("PreSignUp_Nope").is_none());
        assert_eq!(triggers().by_source("TokenGeneration_RefreshTokens").unwrap().name, "preTokenGeneration");
    }

    #[test]
    fn lookup_distinguishes_found_wrong_method_and_unknown() {
        let def = definition();
        assert!(matches!(def.lookup("POST", "/auth/login"), Lookup::Found(r) if r.name == "login"));
        assert!(matches!(def.lookup("post", "/auth/login/"), Lookup::Found(r) if r.name == "login"));
        assert!(matches!(def.lookup("GET", "/auth/login"), Lookup::MethodNotAllowed(m) if m == vec!["POST"]));
        assert!(matches!(def.lookup("POST", "/auth/nope"), Lookup::NotFound));
        assert_eq!(def.by_key("GET /auth/userinfo").unwrap().name, "userinfo");
    }
}
