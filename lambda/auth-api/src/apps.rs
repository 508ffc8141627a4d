//! The apps on the pool, and which one is calling (docs/api.md "Which app is calling").
//!
//! Each app has its own app client (id and secret) and its browser origins. A request names its app
//! in the `X-App-Id` header; the router resolves it here, before the handler runs, and the request
//! then runs inside [`with_app`], so every Cognito call of the handler goes out with that app's
//! client ([`crate::cognito::Cognito`] reads [`current`]): no route names an app, and a route added
//! later cannot forget to.
//!
//! Why a header, not the `Origin` or a path prefix: a header works for every caller (a server or a
//! mobile app sends no `Origin`; a browser's same-origin GET may not either), is one string an
//! exact allow-list can check, and changes no path, so the WAF's exact-path rules, the per-route
//! throttles, the route keys and the OpenAPI paths stay as they are. A browser can send it only
//! after a CORS preflight (it is not a CORS-safelisted header), which the API answers for the
//! configured origins alone, so a form on another site cannot send it (no new CSRF surface; the
//! cookie mode's checks stay). The `Origin`, when a browser sends one, must then be one of the
//! named app's origins: a page of app A cannot act as app B.
//!
//! Without the header a request is the API's own app (`default`, the stack's first client): every
//! frontend written before apps keeps working when apps are added, and a page of another app that
//! forgets the header is refused for its Origin (the default app's origins are not its own).
use crate::error::ApiError;
use http::HeaderMap;
use serde::Deserialize;

/// The request header that names the calling app.
pub const APP_ID_HEADER: &str = "x-app-id";

/// One app as the functions know it (`AUTH_APPS`): its id, its app client and its browser origins.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppConfig {
    pub id: String,
    pub client_id: String,
    /// Secrets Manager ARN of the client secret (deployed).
    #[serde(default)]
    pub client_secret_arn: Option<String>,
    /// The client secret itself (make dev).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Exact browser origins of the app.
    #[serde(default)]
    pub origins: Vec<String>,
}

/// Never a secret's value.
impl std::fmt::Debug for AppConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppConfig")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("client_secret_arn", &self.client_secret_arn)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "<redacted>"))
            .field("origins", &self.origins)
            .finish()
    }
}

/// The id the one app of a stack without `AUTH_APPS` has.
pub const DEFAULT_APP_ID: &str = "default";

/// An app id as `cdk/apps.json` and the construct allow them: lower-case letters, digits and `-`,
/// starting with a letter, at most 32 characters.
pub fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id.as_bytes()[0].is_ascii_lowercase()
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `AUTH_APPS` (a JSON list of [`AppConfig`]) checked: ids valid and unique, each app with a client id,
/// at most one secret source, exact origins.
pub fn parse(json: &str) -> Result<Vec<AppConfig>, String> {
    let apps: Vec<AppConfig> = serde_json::from_str(json).map_err(|e| format!("not a JSON list of apps: {e}"))?;
    if apps.is_empty() {
        return Err("lists no app".into());
    }
    for (i, a) in apps.iter().enumerate() {
        if !valid_id(&a.id) {
            return Err(format!("apps[{i}].id {:?} is not lower-case letters, digits and '-' starting with a letter", a.id));
        }
        if apps[..i].iter().any(|b| b.id == a.id) {
            return Err(format!("apps[{i}].id {:?} is listed twice", a.id));
        }
        if a.client_id.is_empty() {
            return Err(format!("apps[{i}] ({}) has no clientId", a.id));
        }
        if a.client_secret.is_some() && a.client_secret_arn.is_some() {
            return Err(format!("apps[{i}] ({}) has clientSecret and clientSecretArn: give one", a.id));
        }
        if let Some(arn) = &a.client_secret_arn {
            if !arn.starts_with("arn:") {
                return Err(format!("apps[{i}] ({}).clientSecretArn is not an ARN", a.id));
            }
        }
        if let Some(bad) = a.origins.iter().find(|o| !(o.starts_with("https://") || o.starts_with("http://")) || o.ends_with('/')) {
            return Err(format!("apps[{i}] ({}) origin {bad:?} is not an exact origin like https://app.example.com", a.id));
        }
    }
    Ok(apps)
}

/// The apps' ids and origins, in the order of the app clients [`crate::cognito::Cognito`] holds.
#[derive(Debug, Clone)]
pub struct Apps {
    apps: Vec<(String, Vec<String>)>,
    /// Whether a browser's Origin must be the app's: with `AUTH_APPS`. A stack without it (one app)
    /// answers as it always has; CORS still limits what a page of another origin can read.
    check_origin: bool,
}

impl Apps {
    pub fn new(apps: &[AppConfig]) -> Self {
        Apps { apps: apps.iter().map(|a| (a.id.clone(), a.origins.clone())).collect(), check_origin: true }
    }

    /// One app, `default`, whose origins are `origins` (a stack without `AUTH_APPS`).
    pub fn single(origins: &[String]) -> Self {
        Apps { apps: vec![(DEFAULT_APP_ID.to_string(), origins.to_vec())], check_origin: false }
    }

    pub fn len(&self) -> usize {
        self.apps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }

    /// The id of app `index`.
    pub fn id(&self, index: usize) -> &str {
        &self.apps[index].0
    }

    /// The index of the app named `id` (federated sign-in names its app in the query string: a
    /// browser navigation sends no `X-App-Id`).
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.apps.iter().position(|(a, _)| a == id)
    }

    /// Every origin of every app (CORS answers them all; which app a request is for is checked here).
    pub fn all_origins(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, origins) in &self.apps {
            for o in origins {
                if !out.contains(o) {
                    out.push(o.clone());
                }
            }
        }
        out
    }

    /// The calling app (its index), from `X-App-Id` and `Origin`:
    /// - `X-App-Id` present: it must name an app (400 `unknown_app` otherwise, also for a malformed
    ///   or repeated header);
    /// - absent: the first app, the API's own (`default`);
    /// - with `AUTH_APPS`, an `Origin` header must be one of that app's origins (403
    ///   `app_mismatch`), so a page of one app cannot call as another. No `Origin` (a server, a
    ///   mobile app): nothing to compare. Without `AUTH_APPS` (one app) the Origin is not compared
    ///   here, as before apps (CORS and the cookie mode's own check still apply).
    pub fn resolve(&self, headers: &HeaderMap) -> Result<usize, ApiError> {
        let mut named = headers.get_all(APP_ID_HEADER).iter();
        let index = match (named.next(), named.next()) {
            (Some(_), Some(_)) => return Err(ApiError::UnknownApp),
            (Some(v), None) => {
                let id = v.to_str().map_err(|_| ApiError::UnknownApp)?;
                if !valid_id(id) {
                    return Err(ApiError::UnknownApp);
                }
                self.apps.iter().position(|(a, _)| a == id).ok_or(ApiError::UnknownApp)?
            }
            (None, _) => 0,
        };
        if let Some(origin) = headers.get(http::header::ORIGIN).filter(|_| self.check_origin) {
            let allowed = &self.apps[index].1;
            if !allowed.iter().any(|o| o.as_bytes() == origin.as_bytes()) {
                return Err(ApiError::AppMismatch);
            }
        }
        Ok(index)
    }
}

tokio::task_local! {
    static CURRENT_APP: usize;
}

/// Runs `f` as a request of app `index`: the Cognito calls inside go out with its app client.
pub async fn with_app<F: std::future::Future>(index: usize, f: F) -> F::Output {
    CURRENT_APP.scope(index, f).await
}

/// The app the running request is for; `None` outside [`with_app`] (tests calling Cognito directly,
/// which then use the first app's client).
pub fn current() -> Option<usize> {
    CURRENT_APP.try_with(|i| *i).ok()
}

/// The `client_id` claim of an access token, read without checking the signature: the router only
/// compares it with the calling app's client id (a token of another app is refused before any
/// Cognito call); Cognito itself checks every token it is given.
pub fn token_client_id(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("client_id")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn two() -> Apps {
        Apps::new(&parse(r#"[{"id":"notes","clientId":"c1","clientSecret":"s1","origins":["https://notes.example.com"]},
                              {"id":"shop","clientId":"c2","clientSecretArn":"arn:aws:secretsmanager:x","origins":["https://shop.example.com"]}]"#).unwrap())
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(http::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_header_names_the_app_and_the_origin_must_be_its() {
        let apps = two();
        assert_eq!(apps.resolve(&headers(&[("x-app-id", "shop")])), Ok(1));
        assert_eq!(apps.resolve(&headers(&[("x-app-id", "notes"), ("origin", "https://notes.example.com")])), Ok(0));
        assert_eq!(apps.resolve(&headers(&[("x-app-id", "shop"), ("origin", "https://notes.example.com")])), Err(ApiError::AppMismatch));
        assert_eq!(apps.resolve(&headers(&[("x-app-id", "shop"), ("origin", "https://shop.example.com.evil.test")])), Err(ApiError::AppMismatch));
        for bad in ["nope", "Shop", "shop ", "", "sh/op", "a".repeat(33).as_str()] {
            assert_eq!(apps.resolve(&headers(&[("x-app-id", bad)])).err(), Some(ApiError::UnknownApp), "{bad:?}");
        }
        assert_eq!(apps.resolve(&headers(&[("x-app-id", "shop"), ("x-app-id", "notes")])), Err(ApiError::UnknownApp));
        // No header: the first app (the API's own), and so its origins.
        assert_eq!(apps.resolve(&headers(&[])), Ok(0));
        assert_eq!(apps.resolve(&headers(&[("origin", "https://shop.example.com")])), Err(ApiError::AppMismatch));
        assert_eq!(apps.all_origins(), ["https://notes.example.com", "https://shop.example.com"]);
    }

    #[test]
    fn one_app_needs_no_header() {
        let apps = Apps::single(&["http://localhost:5173".into()]);
        assert_eq!(apps.resolve(&headers(&[])), Ok(0));
        assert_eq!(apps.resolve(&headers(&[("origin", "http://localhost:5173")])), Ok(0));
        assert_eq!(apps.resolve(&headers(&[("x-app-id", "default")])), Ok(0));
        assert_eq!(apps.resolve(&headers(&[("x-app-id", "other")])), Err(ApiError::UnknownApp));
        // As before apps: another origin is not refused here (CORS keeps its page from reading the answer).
        assert_eq!(apps.resolve(&headers(&[("origin", "https://elsewhere.example")])), Ok(0));
        let one = Apps::new(&parse(r#"[{"id":"notes","clientId":"c","origins":["http://localhost:5173"]}]"#).unwrap());
        assert_eq!(one.resolve(&headers(&[])), Ok(0));
        assert_eq!(one.resolve(&headers(&[("origin", "https://elsewhere.example")])), Err(ApiError::AppMismatch));
    }

    #[test]
    fn auth_apps_is_checked() {
        for (bad, why) in [
            ("[]", "lists no app"),
            ("{}", "not a JSON list"),
            (r#"[{"id":"A","clientId":"c"}]"#, "is not lower-case"),
            (r#"[{"id":"a","clientId":"c"},{"id":"a","clientId":"d"}]"#, "listed twice"),
            (r#"[{"id":"a","clientId":""}]"#, "no clientId"),
            (r#"[{"id":"a","clientId":"c","clientSecret":"s","clientSecretArn":"arn:x"}]"#, "give one"),
            (r#"[{"id":"a","clientId":"c","clientSecretArn":"secret"}]"#, "not an ARN"),
            (r#"[{"id":"a","clientId":"c","origins":["https://a.example.com/"]}]"#, "not an exact origin"),
            (r#"[{"id":"a","clientId":"c","extra":1}]"#, "unknown field"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
        let text = format!("{:?}", parse(r#"[{"id":"a","clientId":"c","clientSecret":"very-secret"}]"#).unwrap());
        assert!(!text.contains("very-secret"), "{text}");
    }

    #[test]
    fn the_client_id_claim_of_a_token() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let t = format!("{}.{}.sig", b64.encode("{}"), b64.encode(r#"{"client_id":"c2","token_use":"access"}"#));
        assert_eq!(token_client_id(&t).as_deref(), Some("c2"));
        assert_eq!(token_client_id("a.b.c"), None);
        assert_eq!(token_client_id(&format!("x.{}.y", b64.encode(r#"{"aud":"c2"}"#))), None);
    }

    #[tokio::test]
    async fn with_app_sets_the_current_app_for_the_request_only() {
        assert_eq!(current(), None);
        assert_eq!(with_app(1, async { current() }).await, Some(1));
        assert_eq!(current(), None);
    }
}
