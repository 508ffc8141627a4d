//! Browser session mode (opt-in, `SESSION_COOKIE=on`): the refresh token travels in an HttpOnly
//! cookie instead of the JSON body, so page scripts never see it.
//!
//! - `login`, `login/challenge` and `refresh` move the refresh token Cognito answered out of the
//!   body into `Set-Cookie: __Host-auth_refresh=...; HttpOnly; Secure; SameSite=Strict; Path=/;
//!   Max-Age=<refresh token validity>` (the access and id tokens stay in the body);
//! - `refresh` and `logout` read the cookie when the body has no `refreshToken`;
//! - `logout` and `DELETE /auth/user` clear it (`Max-Age=0`), and so does a `refresh` whose cookie
//!   Cognito refused (a stale cookie would otherwise be sent, and refused, on every reload).
//!
//! Cookie tossing: a page on a sibling subdomain (`evil.example.com` beside `auth.example.com`) can
//! set a cookie for the parent domain with a longer path, which the browser then sends first; with
//! a junk value the session breaks, with the attacker's own refresh token the victim is signed in
//! as the attacker (login CSRF). The `__Host-` prefix closes that: a browser stores a cookie so
//! named only when it is `Secure`, has `Path=/` and no `Domain`, that is, only from the API's own
//! host (<https://www.rfc-editor.org/rfc/rfc6265bis> "The __Host- Prefix";
//! <https://developer.mozilla.org/docs/Web/HTTP/Headers/Set-Cookie#cookie_prefixes>). A request
//! that still carries the name twice (a browser without prefix support, a nameless-cookie trick) is
//! refused with 400 `duplicate_session_cookie` and neither value is used.
//!
//! Cross-site request forgery: a request that authenticates with the cookie must show that a page
//! of an allowed origin sent it: an `Origin` header equal to one of the configured exact origins
//! (`CORS_ORIGIN`), and the custom header `X-Requested-With`. A plain HTML form can send neither a
//! custom header nor a JSON content type (only CORS-safelisted headers:
//! <https://developer.mozilla.org/docs/Glossary/CORS-safelisted_request_header>); a script on
//! another origin can add the header only after a CORS preflight that this API answers for the
//! configured origins alone. This is OWASP's "custom request header" defence together with the
//! standard-header origin check:
//! <https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html>.
//! `SameSite=Strict` already keeps the cookie off cross-site requests; the checks cover the
//! same-site, cross-origin ones (another subdomain of the same registrable domain).
//!
//! In Lambda, `lambda_http` moves every `Set-Cookie` header of the response into payload 2.0's
//! `cookies` array, and API Gateway turns each entry into its own `set-cookie` header; the request's
//! `cookies` array arrives as one `Cookie` header
//! (<https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html>).
//! The local server writes the headers as they are: one `Set-Cookie` line per cookie.
//!
//! This module is the cookie itself (its settings, `Set-Cookie` values, reading it, the forgery
//! check, its OpenAPI account). Where a request uses it: [`crate::context::Ctx::refresh_token`]
//! reads it, [`crate::routes::output::token_reply`] sets it and
//! [`crate::routes::output::clear_session_cookie`] clears it.
use crate::config::ConfigError;
use crate::error::ApiError;
use crate::http::Cors;
use cookie::{Cookie, SameSite};
use http::header::{HeaderMap, HeaderValue, COOKIE};

/// The cookie's name (the API's own app, `default`): the `__Host-` prefix binds it to the API's host
/// (see the module docs).
pub const COOKIE_NAME: &str = "__Host-auth_refresh";

/// The cookie of app `app_id`: [`COOKIE_NAME`] for the API's own app (`default`, as before apps),
/// `__Host-auth_refresh-<app id>` for each other app. One cookie per app, each holding that app's
/// refresh token (a refresh token works only with the app client that issued it), so signing in,
/// refreshing or signing out in one app never touches another app's session, and single sign-on
/// (`POST /auth/sso`) finds the other apps' sessions by name. App ids are lower-case letters,
/// digits and `-` (apps.rs), all valid in a cookie name.
pub fn cookie_name(app_id: &str) -> std::borrow::Cow<'static, str> {
    if app_id == crate::apps::DEFAULT_APP_ID {
        std::borrow::Cow::Borrowed(COOKIE_NAME)
    } else {
        std::borrow::Cow::Owned(format!("{COOKIE_NAME}-{app_id}"))
    }
}
/// What the `__Host-` prefix requires. The API's host serves nothing but the API.
pub const COOKIE_PATH: &str = "/";
/// The custom request header a cookie-authenticated request must carry (any non-empty value; the
/// demo page sends `fetch`). Listed in the CORS allowed headers.
pub const CSRF_HEADER: &str = "x-requested-with";

/// The cookie mode's settings (`SESSION_COOKIE=on`, `SESSION_COOKIE_MAX_AGE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCookie {
    /// `Max-Age` of the cookie in seconds: the app client's refresh token validity (the stack
    /// passes it from the pool definition, `tokenValidity.refreshTokenDays`).
    pub max_age_seconds: u32,
}

impl SessionCookie {
    /// From the environment: `SESSION_COOKIE` is `on` or `off` (unset: off); when on,
    /// `SESSION_COOKIE_MAX_AGE` (seconds, 3600 to 315360000: Cognito's refresh token validity range,
    /// 60 minutes to 10 years) is required.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, ConfigError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        match get("SESSION_COOKIE").as_deref() {
            None | Some("off") => Ok(None),
            Some("on") => {
                let v = get("SESSION_COOKIE_MAX_AGE").ok_or(ConfigError::Missing("SESSION_COOKIE_MAX_AGE"))?;
                match v.parse::<u32>() {
                    Ok(s) if (3600..=315_360_000).contains(&s) => Ok(Some(SessionCookie { max_age_seconds: s })),
                    _ => Err(ConfigError::Invalid {
                        name: "SESSION_COOKIE_MAX_AGE",
                        reason: format!("{v:?} is not a whole number of seconds from 3600 to 315360000 (the refresh token validity)"),
                    }),
                }
            }
            Some(other) => Err(ConfigError::Invalid { name: "SESSION_COOKIE", reason: format!("{other:?} is not on or off") }),
        }
    }

    fn base<'a>(name: &str, value: &'a str) -> Cookie<'a> {
        Cookie::build((name.to_string(), value)).http_only(true).secure(true).same_site(SameSite::Strict).path(COOKIE_PATH).build()
    }

    /// `Set-Cookie` that stores `refresh_token` in cookie `name` ([`cookie_name`]; percent-encoded:
    /// any printable token fits).
    pub fn set(&self, name: &str, refresh_token: &str) -> HeaderValue {
        let mut c = Self::base(name, refresh_token);
        c.set_max_age(cookie::time::Duration::seconds(i64::from(self.max_age_seconds)));
        header_value(&c)
    }

    /// `Set-Cookie` that deletes the cookie (empty value, `Max-Age=0`, same name, path and flags).
    pub fn clear(&self, name: &str) -> HeaderValue {
        let mut c = Self::base(name, "");
        c.set_max_age(cookie::time::Duration::ZERO);
        header_value(&c)
    }
}

fn header_value(c: &Cookie<'_>) -> HeaderValue {
    // The name is fixed and the value percent-encoded: always a valid header value.
    HeaderValue::from_str(&c.encoded().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The value of session cookie `name` ([`cookie_name`]), if the request carries a non-empty one
/// (every `Cookie` header is read; API Gateway joins the request's cookies into one). The name more
/// than once is a 400 `duplicate_session_cookie`, whatever the values: which one is the API's cannot
/// be told.
pub fn read(headers: &HeaderMap, name: &str) -> Result<Option<String>, ApiError> {
    let ours: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse_encoded(v.to_string()).filter_map(Result::ok).collect::<Vec<_>>())
        .filter(|c| c.name() == name)
        .map(|c| c.value().to_string())
        .collect();
    match ours.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone()).filter(|v| !v.is_empty())),
        _ => {
            tracing::warn!(count = ours.len(), "request with the session cookie more than once refused");
            Err(ApiError::DuplicateSessionCookie)
        }
    }
}

/// The cross-site request forgery check of a cookie-authenticated request: `Origin` must be one of
/// the configured exact origins (403 `origin_not_allowed`), and the custom header must be there
/// (403 `csrf_header_missing`).
pub fn check_request_origin(cors: &Cors, headers: &HeaderMap) -> Result<(), ApiError> {
    if cors.allowed(headers).is_none() {
        return Err(ApiError::OriginNotAllowed);
    }
    let custom = headers.get(CSRF_HEADER).map(|v| !v.as_bytes().iter().all(u8::is_ascii_whitespace)).unwrap_or(false);
    if !custom {
        return Err(ApiError::CsrfHeaderMissing);
    }
    Ok(())
}

/// Routes that set the cookie, read it, clear it (by route name in `cdk/routes.json`).
pub const SETTING_ROUTES: &[&str] = &["login", "loginChallenge", "refresh", "sso"];
pub const READING_ROUTES: &[&str] = &["refresh", "logout", "sso"];
pub const CLEARING_ROUTES: &[&str] = &["logout", "deleteUser"];

/// The OpenAPI document's account of the cookie mode for one operation: the cookie and the custom
/// header as optional parameters of the routes that read the cookie, `Set-Cookie` on the success
/// answer of the routes that set or clear it.
pub fn document_operation(route: &str, op: &mut serde_json::Value, success_status: u16) {
    use serde_json::json;
    const MODE: &str = "Browser session mode only (SESSION_COOKIE=on; docs/api.md \"Browser session mode\").";
    if READING_ROUTES.contains(&route) {
        let cookie_params = json!([
            {"in": "cookie", "name": COOKIE_NAME, "required": false, "schema": {"type": "string"},
             "description": format!("{MODE} The refresh token of the API's own app (`default`; another app's cookie is `{COOKIE_NAME}-<app id>`), used when the body has none; then `Origin` must be one of the API's configured origins and `X-Requested-With` must be sent (403 `origin_not_allowed`, `csrf_header_missing`).")},
            {"in": "header", "name": "X-Requested-With", "required": false, "schema": {"type": "string", "minLength": 1},
             "description": format!("{MODE} Any non-empty value; required when the refresh token comes from the cookie (a plain HTML form cannot send it).")}
        ]);
        // After the parameters the operation already has (X-App-Id: openapi.rs).
        let mut params = op["parameters"].as_array().cloned().unwrap_or_default();
        params.extend(cookie_params.as_array().cloned().unwrap_or_default());
        op["parameters"] = serde_json::Value::Array(params);
    }
    let sets = SETTING_ROUTES.contains(&route);
    let clears = CLEARING_ROUTES.contains(&route);
    if sets || clears {
        let what = match (sets, clears) {
            (true, true) => "sets (a new refresh token) or clears",
            (true, false) => "sets, when the answer holds tokens,",
            _ => "clears",
        };
        op["responses"][success_status.to_string()]["headers"] = json!({"Set-Cookie": {
            "schema": {"type": "string"},
            "description": format!("{MODE} {what} the calling app's cookie (`{COOKIE_NAME}`, or `{COOKIE_NAME}-<app id>` for an app other than `default`): `HttpOnly; Secure; SameSite=Strict; Path={COOKIE_PATH}; Max-Age=<refresh token validity, 0 to clear>`. The JSON body then has no `refreshToken`.")
        }});
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> Result<Option<SessionCookie>, ConfigError> {
        let m: std::collections::HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        SessionCookie::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn mode_from_the_environment() {
        assert_eq!(lookup(&[]), Ok(None));
        assert_eq!(lookup(&[("SESSION_COOKIE", "off"), ("SESSION_COOKIE_MAX_AGE", "x")]), Ok(None));
        assert_eq!(lookup(&[("SESSION_COOKIE", "on"), ("SESSION_COOKIE_MAX_AGE", "2592000")]), Ok(Some(SessionCookie { max_age_seconds: 2_592_000 })));
        assert_eq!(lookup(&[("SESSION_COOKIE", "on")]), Err(ConfigError::Missing("SESSION_COOKIE_MAX_AGE")));
        for bad in ["0", "59", "3599", "-1", "30d", "315360001"] {
            assert!(matches!(lookup(&[("SESSION_COOKIE", "on"), ("SESSION_COOKIE_MAX_AGE", bad)]), Err(ConfigError::Invalid { name: "SESSION_COOKIE_MAX_AGE", .. })), "{bad}");
        }
        assert!(matches!(lookup(&[("SESSION_COOKIE", "yes")]), Err(ConfigError::Invalid { name: "SESSION_COOKIE", .. })));
    }

    #[test]
    fn the_cookie_is_read_among_others_and_decoded() {
        let c = SessionCookie { max_age_seconds: 3600 };
        let set = c.set(COOKIE_NAME, "a;b,c\"d");
        let pair = set.to_str().unwrap().split(';').next().unwrap().to_string();
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_str(&format!("other=1; {pair}; x=y")).unwrap());
        assert_eq!(read(&h, COOKIE_NAME).unwrap().as_deref(), Some("a;b,c\"d"));
        let mut empty = HeaderMap::new();
        empty.append(COOKIE, HeaderValue::from_static("__Host-auth_refresh=; other=1"));
        assert_eq!(read(&empty, COOKIE_NAME), Ok(None));
        assert_eq!(read(&HeaderMap::new(), COOKIE_NAME), Ok(None));
        // The old name, and look-alikes, are not the cookie.
        let mut old = HeaderMap::new();
        old.append(COOKIE, HeaderValue::from_static("auth_refresh=x; __host-auth_refresh=y; __Host-auth_refresh2=z"));
        assert_eq!(read(&old, COOKIE_NAME), Ok(None));
        // Another app's cookie is not the default app's, and the reverse.
        let mut two = HeaderMap::new();
        two.append(COOKIE, HeaderValue::from_static("__Host-auth_refresh=a; __Host-auth_refresh-demo=b"));
        assert_eq!(read(&two, &cookie_name("default")).unwrap().as_deref(), Some("a"));
        assert_eq!(read(&two, &cookie_name("demo")).unwrap().as_deref(), Some("b"));
        assert_eq!(read(&two, &cookie_name("shop")), Ok(None));
        assert!(c.set(&cookie_name("demo"), "t").to_str().unwrap().starts_with("__Host-auth_refresh-demo=t;"));
    }

    #[test]
    fn the_name_twice_is_refused_in_one_header_or_two() {
        for headers in [&["a=1; __Host-auth_refresh=x; __Host-auth_refresh=y"][..], &["__Host-auth_refresh=x", "__Host-auth_refresh=x"], &["__Host-auth_refresh=", "__Host-auth_refresh=y"]] {
            let mut h = HeaderMap::new();
            for v in headers {
                h.append(COOKIE, HeaderValue::from_static(v));
            }
            assert_eq!(read(&h, COOKIE_NAME), Err(ApiError::DuplicateSessionCookie), "{headers:?}");
        }
    }
}
