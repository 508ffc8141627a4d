//! Configuration from the environment, read once at start-up. A missing required variable stops
//! the process with a message naming it.
use std::time::Duration;

#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// The value itself (local dev: `COGNITO_APP_CLIENT_SECRET`).
    Plain(String),
    /// A Secrets Manager secret whose SecretString is the value (Lambda: `..._ARN`).
    Arn(String),
}

/// Never the value: `Plain(<redacted>)`; an ARN names the secret and is shown.
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Plain(_) => f.write_str("Plain(<redacted>)"),
            Secret::Arn(arn) => f.debug_tuple("Arn").field(arn).finish(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    /// Exact origins allowed by CORS (`CORS_ORIGIN`, comma-separated). Empty: no CORS headers.
    pub cors_origins: Vec<String>,
    /// When set, every request must carry `x-origin-verify` with this value (the CloudFront front door).
    pub origin_verify: Option<Secret>,
    /// Issuer label of otpauth:// URIs.
    pub totp_issuer: String,
    /// Every request is answered within this time, with a JSON 503 if Cognito has not answered by
    /// then (`REQUEST_DEADLINE_MS`). The stack sets it a little below the function timeout, so the
    /// caller always gets the API's JSON and never the platform's timeout error.
    pub request_deadline: Duration,
    /// The pool's password policy (`PASSWORD_POLICY`, JSON from `cdk/user-pool.json`), checked
    /// before Cognito is called. Routes that take a new password list it in `cdk/routes.json`.
    pub password_policy: Option<crate::password_policy::PasswordPolicy>,
    /// The pool's choice-based sign-in settings, for the answers of `/auth/login/start`
    /// (`FIRST_AUTH_FACTORS`, `PASSKEY_RP_ID`, `PASSKEY_USER_VERIFICATION`; the stack passes the
    /// values it gives the user pool, `make dev` those of the emulator's pool).
    pub passkeys: PasskeySettings,
    /// How long a challenge session the API sealed is answered
    /// ([`crate::routes::challenge_session::open`]): the app client's authentication-session
    /// validity, `authSessionValidityMinutes` of cdk/user-pool.json (the construct gives its app
    /// client the same; 3 minutes, Cognito's minimum, so never longer than any app client's). Not
    /// read from the environment; tests shorten it.
    pub auth_session_validity: Duration,
    /// The DynamoDB table counting emailed sign-in codes per address (`EMAIL_CODE_LIMIT_TABLE`;
    /// [`crate::email_code_limit`]). The stack creates it when the pool offers `EMAIL_OTP`; unset
    /// or empty: no limit (a pool without emailed codes, or a local run without the table).
    pub email_code_limit_table: Option<String>,
}

/// `authSessionValidityMinutes` of cdk/user-pool.json.
pub fn default_auth_session_validity() -> Duration {
    let pool: serde_json::Value = serde_json::from_str(include_str!("../../../cdk/user-pool.json")).expect("cdk/user-pool.json is JSON");
    Duration::from_secs(60 * pool["authSessionValidityMinutes"].as_u64().expect("cdk/user-pool.json authSessionValidityMinutes"))
}

/// The user pool's choice-based sign-in settings: the first factors it offers and its WebAuthn
/// relying party, as the API states them in `SELECT_CHALLENGE` and passkey sign-in options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeySettings {
    /// The relying-party id (the frontend's registrable domain); `None`: Cognito's value is used.
    pub rp_id: Option<String>,
    /// `preferred` or `required`.
    pub user_verification: String,
    /// The pool's `SignInPolicy.AllowedFirstAuthFactors` (`FIRST_AUTH_FACTORS`, comma-separated):
    /// `EMAIL_OTP` only when the pool sends email through Amazon SES (cdk/user-pool.json
    /// `firstAuthFactorsNeedingSes`).
    pub first_factors: Vec<String>,
}

/// What cdk/user-pool.json gives a pool that sends with Cognito's default sender: its user
/// verification and its first factors less those needing Amazon SES. Used when the environment
/// does not say (the stack and `make dev` always do).
impl Default for PasskeySettings {
    fn default() -> Self {
        let pool: serde_json::Value =
            serde_json::from_str(include_str!("../../../cdk/user-pool.json")).expect("cdk/user-pool.json is JSON");
        let names = |v: &serde_json::Value| -> Vec<String> {
            v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
        };
        let needing_ses = names(&pool["firstAuthFactorsNeedingSes"]["factors"]);
        PasskeySettings {
            rp_id: None,
            user_verification: pool["passkeys"]["userVerification"].as_str().unwrap_or("required").into(),
            first_factors: names(&pool["allowedFirstAuthFactors"]).into_iter().filter(|f| !needing_ses.contains(f)).collect(),
        }
    }
}

/// The first factors `FIRST_AUTH_FACTORS` may name (Cognito's `AuthFactorType` values this API uses).
pub const FIRST_AUTH_FACTOR_NAMES: &[&str] = &["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("missing required environment variable {0}")]
    Missing(&'static str),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

/// Bounds on every Cognito call: a dead or slow Cognito becomes a 503 within `OPERATION_TIMEOUT`.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(2500);
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(5);
/// One retry at most (transient connection faults); the SDK's retry quota stops retry storms.
pub const MAX_ATTEMPTS: u32 = 2;
/// A pooled connection idle for longer than this is not used again (a new one is opened), so a
/// call after an idle period (a frozen sandbox) does not go out on a connection the far end closed
/// meanwhile, where an operation that is not repeated would answer 503 (lambda/bench's
/// `a_call_not_safe_to_repeat_survives_an_idle_freeze`). Below the idle timeouts AWS documents
/// on the way: 60 s by default for an Application Load Balancer
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout>),
/// 350 s for NAT gateways and TCP flows through load balancers
/// (<https://aws.amazon.com/premiumsupport/knowledge-center/lambda-vpc-timeout/>). Cognito's own
/// endpoint idle timeout is not documented (docs/first-deploy-checklist.md). hyper's default is 90 s.
pub const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(20);
/// `REQUEST_DEADLINE_MS` when unset (the local server): the stack's default (10 s function
/// timeout less its 1 s margin, lib/cognito-auth-api.ts).
pub const DEFAULT_REQUEST_DEADLINE: Duration = Duration::from_millis(9000);
/// Largest request body accepted (bytes); larger is a 413.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// `SIGN_UP_EMAIL_DOMAINS` (comma-separated; unset or empty: no allow-list), read by the register
/// route and the pre sign-up trigger (see [`crate::email_domains`]).
pub fn sign_up_email_domains(get: impl Fn(&str) -> Option<String>) -> Result<Option<crate::email_domains::EmailDomains>, ConfigError> {
    crate::email_domains::EmailDomains::parse(&get("SIGN_UP_EMAIL_DOMAINS").unwrap_or_default())
        .map_err(|reason| ConfigError::Invalid { name: "SIGN_UP_EMAIL_DOMAINS", reason })
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let required = |k: &'static str| get(k).ok_or(ConfigError::Missing(k));
        let secret = |plain: &'static str, arn: &'static str| -> Result<Option<Secret>, ConfigError> {
            match (get(plain), get(arn)) {
                (Some(_), Some(_)) => Err(ConfigError::Invalid { name: plain, reason: format!("set {plain} or {arn}, not both") }),
                (Some(v), None) => Ok(Some(Secret::Plain(v))),
                (None, Some(a)) if a.starts_with("arn:") => Ok(Some(Secret::Arn(a))),
                (None, Some(_)) => Err(ConfigError::Invalid { name: arn, reason: "must be a Secrets Manager ARN (arn:...)".into() }),
                (None, None) => Ok(None),
            }
        };
        let cors_origins = get("CORS_ORIGIN")
            .map(|v| v.split(',').map(|o| o.trim().trim_end_matches('/').to_string()).filter(|o| !o.is_empty()).collect::<Vec<_>>())
            .unwrap_or_default();
        if let Some(bad) = cors_origins.iter().find(|o| !(o.starts_with("https://") || o.starts_with("http://"))) {
            return Err(ConfigError::Invalid {
                name: "CORS_ORIGIN",
                reason: format!("{bad:?} is not an exact origin like https://app.example.com (wildcards are not allowed)"),
            });
        }
        let request_deadline = match get("REQUEST_DEADLINE_MS") {
            None => DEFAULT_REQUEST_DEADLINE,
            Some(v) => match v.parse::<u64>() {
                Ok(ms) if (100..=900_000).contains(&ms) => Duration::from_millis(ms),
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "REQUEST_DEADLINE_MS",
                        reason: format!("{v:?} is not a whole number of milliseconds from 100 to 900000"),
                    })
                }
            },
        };
        Ok(Config {
            region: get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")).ok_or(ConfigError::Missing("AWS_REGION"))?,
            user_pool_id: required("COGNITO_USER_POOL_ID")?,
            client_id: required("COGNITO_APP_CLIENT_ID")?,
            client_secret: secret("COGNITO_APP_CLIENT_SECRET", "COGNITO_APP_CLIENT_SECRET_ARN")?,
            cors_origins,
            origin_verify: secret("ORIGIN_VERIFY_SECRET", "ORIGIN_VERIFY_SECRET_ARN")?,
            totp_issuer: get("TOTP_ISSUER").unwrap_or_else(|| "Auth API".into()),
            request_deadline,
            password_policy: get("PASSWORD_POLICY")
                .map(|v| crate::password_policy::PasswordPolicy::from_json(&v))
                .transpose()
                .map_err(|reason| ConfigError::Invalid { name: "PASSWORD_POLICY", reason })?,
            passkeys: PasskeySettings {
                rp_id: get("PASSKEY_RP_ID"),
                first_factors: match get("FIRST_AUTH_FACTORS") {
                    None => PasskeySettings::default().first_factors,
                    Some(v) => {
                        let list: Vec<String> = v.split(',').map(|f| f.trim().to_string()).filter(|f| !f.is_empty()).collect();
                        if let Some(bad) = list.iter().find(|f| !FIRST_AUTH_FACTOR_NAMES.contains(&f.as_str())) {
                            return Err(ConfigError::Invalid {
                                name: "FIRST_AUTH_FACTORS",
                                reason: format!("{bad:?} is not one of {}", FIRST_AUTH_FACTOR_NAMES.join(", ")),
                            });
                        }
                        list
                    }
                },
                user_verification: match get("PASSKEY_USER_VERIFICATION").as_deref() {
                    None => PasskeySettings::default().user_verification,
                    Some("preferred") => "preferred".into(),
                    Some("required") => "required".into(),
                    Some(other) => {
                        return Err(ConfigError::Invalid {
                            name: "PASSKEY_USER_VERIFICATION",
                            reason: format!("{other:?} is not preferred or required"),
                        })
                    }
                },
            },
            auth_session_validity: default_auth_session_validity(),
            email_code_limit_table: get("EMAIL_CODE_LIMIT_TABLE"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    const BASE: [(&str, &str); 3] =
        [("AWS_REGION", "eu-west-1"), ("COGNITO_USER_POOL_ID", "eu-west-1_abc"), ("COGNITO_APP_CLIENT_ID", "client")];

    #[test]
    fn missing_required_variables_are_named() {
        assert_eq!(cfg(&BASE[1..]), Err(ConfigError::Missing("AWS_REGION")));
        assert_eq!(cfg(&[BASE[0], BASE[2]]), Err(ConfigError::Missing("COGNITO_USER_POOL_ID")));
        assert_eq!(cfg(&BASE[..2]), Err(ConfigError::Missing("COGNITO_APP_CLIENT_ID")));
        let msg = cfg(&BASE[..2]).unwrap_err().to_string();
        assert!(msg.contains("COGNITO_APP_CLIENT_ID"), "{msg}");
    }

    #[test]
    fn secrets_origins_and_defaults() {
        let mut v = BASE.to_vec();
        v.push(("CORS_ORIGIN", " https://a.example , http://localhost:5173/ "));
        v.push(("COGNITO_APP_CLIENT_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:x"));
        let c = cfg(&v).unwrap();
        assert_eq!(c.cors_origins, vec!["https://a.example", "http://localhost:5173"]);
        assert_eq!(c.client_secret, Some(Secret::Arn("arn:aws:secretsmanager:eu-west-1:1:secret:x".into())));
        assert_eq!(c.origin_verify, None);
        assert_eq!(c.totp_issuer, "Auth API");
        assert_eq!(c.request_deadline, DEFAULT_REQUEST_DEADLINE);
        v.push(("COGNITO_APP_CLIENT_SECRET", "s"));
        assert!(matches!(cfg(&v), Err(ConfigError::Invalid { .. })));
        let mut w = BASE.to_vec();
        w.push(("CORS_ORIGIN", "*"));
        assert!(matches!(cfg(&w), Err(ConfigError::Invalid { name: "CORS_ORIGIN", .. })));
        let mut p = BASE.to_vec();
        p.push(("PASSWORD_POLICY", "{\"minLength\":12}"));
        assert!(matches!(cfg(&p), Err(ConfigError::Invalid { name: "PASSWORD_POLICY", .. })));
        assert_eq!(cfg(&BASE).unwrap().password_policy, None);
    }

    #[test]
    fn request_deadline_from_the_environment() {
        let with = |v: &str| {
            let mut e = BASE.to_vec();
            e.push(("REQUEST_DEADLINE_MS", v));
            cfg(&e)
        };
        assert_eq!(with("8500").unwrap().request_deadline, Duration::from_millis(8500));
        for bad in ["0", "99", "9.5", "ten", "900001"] {
            assert!(matches!(with(bad), Err(ConfigError::Invalid { name: "REQUEST_DEADLINE_MS", .. })), "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_a_secret_value() {
        let mut v = BASE.to_vec();
        v.push(("COGNITO_APP_CLIENT_SECRET", "client-secret-value"));
        v.push(("ORIGIN_VERIFY_SECRET", "origin-verify-value"));
        let text = format!("{:?}", cfg(&v).unwrap());
        assert!(!text.contains("client-secret-value") && !text.contains("origin-verify-value"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn sign_up_email_domains_from_the_environment() {
        let with = |v: Option<&str>| sign_up_email_domains(|k| (k == "SIGN_UP_EMAIL_DOMAINS").then(|| v.map(str::to_string)).flatten());
        assert_eq!(with(None), Ok(None));
        assert_eq!(with(Some("")), Ok(None));
        assert_eq!(with(Some("example.com")).unwrap().unwrap().domains(), ["example.com"]);
        assert!(matches!(with(Some("*.example.com")), Err(ConfigError::Invalid { name: "SIGN_UP_EMAIL_DOMAINS", .. })));
    }

    #[test]
    fn first_factors_and_user_verification_come_from_the_pool() {
        // Unset: cdk/user-pool.json's defaults for a pool on the default sender (no EMAIL_OTP, verification required).
        let c = cfg(&BASE).unwrap();
        assert_eq!(c.passkeys.first_factors, ["PASSWORD", "WEB_AUTHN"]);
        assert_eq!(c.passkeys.user_verification, "required");
        let mut v = BASE.to_vec();
        v.extend([("FIRST_AUTH_FACTORS", "PASSWORD,EMAIL_OTP,WEB_AUTHN"), ("PASSKEY_USER_VERIFICATION", "preferred")]);
        let c = cfg(&v).unwrap();
        assert_eq!(c.passkeys.first_factors, ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]);
        assert_eq!(c.passkeys.user_verification, "preferred");
        let mut v = BASE.to_vec();
        v.push(("FIRST_AUTH_FACTORS", "PASSWORD,SMS_OTP"));
        assert!(matches!(cfg(&v), Err(ConfigError::Invalid { name: "FIRST_AUTH_FACTORS", .. })));
    }
}
