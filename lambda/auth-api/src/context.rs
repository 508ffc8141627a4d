//! What a handler gets and what it gives back: the request context [`Ctx`] (the shared state, the
//! request, its route, the caller) with the readers of the body and the tokens, and the [`Reply`]. The
//! router builds a `Ctx` for each request; every route module takes one.
use crate::cognito::Caller;
use crate::definition::Route;
use crate::error::ApiError;
use crate::http::{ApiRequest, ApiResponse};
use crate::session_cookie;
use crate::state::AppState;
use http::StatusCode;
use serde::de::DeserializeOwned;

/// What a handler produced on success.
#[derive(Debug)]
pub struct Reply {
    pub response: ApiResponse,
    /// `challenge` when a login step answered a challenge instead of tokens.
    pub outcome: &'static str,
}

impl Reply {
    pub fn ok<T: serde::Serialize>(status: StatusCode, body: &T) -> Self {
        Reply { response: ApiResponse::json(status, body), outcome: "success" }
    }
}

/// Everything a handler may use.
pub struct Ctx<'a> {
    pub state: &'a AppState,
    pub req: &'a ApiRequest,
    pub route: &'static Route,
    pub caller: Caller,
    /// A security event the handler saw, written into the request's audit line as `event`
    /// (e.g. `refresh_token_reuse`); set with [`Ctx::audit_event`].
    pub event: std::sync::OnceLock<&'static str>,
    /// The name of the session cookie the request authenticated with ([`Ctx::refresh_token`]): a
    /// refusal of that refresh token then clears that cookie (the router).
    pub used_session_cookie: std::sync::OnceLock<String>,
}

impl Ctx<'_> {
    /// Marks this request's audit line with a security event (the first one set wins).
    pub fn audit_event(&self, event: &'static str) {
        let _ = self.event.set(event);
    }

    /// The JSON body as `T`: 400 when empty, 415 without a JSON content type, 400 for bad JSON or wrong shapes.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        if self.req.body.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::InvalidJson("the body is empty".into()));
        }
        let ct = self.req.header("content-type").unwrap_or("");
        let mime = ct.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/json") {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse_json(&self.req.body)
    }

    /// Like [`Ctx::body`], but an absent body means `T::default()`.
    pub fn optional_body<T: DeserializeOwned + Default>(&self) -> Result<T, ApiError> {
        if self.req.body.iter().all(u8::is_ascii_whitespace) {
            Ok(T::default())
        } else {
            self.body()
        }
    }

    /// The bearer access token (already checked for shape by the router on bearer routes).
    pub fn access_token(&self) -> Result<&str, ApiError> {
        bearer_token(self.req.header("authorization"))
    }

    /// The refresh token a request authenticates with: the body's when given; otherwise, in cookie
    /// mode, the session cookie's, once the request passed
    /// [`session_cookie::check_request_origin`]. `None` when there is none; the cookie's name twice
    /// is a 400 `duplicate_session_cookie`.
    pub fn refresh_token(&self, from_body: Option<String>) -> Result<Option<String>, ApiError> {
        if from_body.is_some() {
            return Ok(from_body);
        }
        if self.state.session_cookie.is_none() {
            return Ok(None);
        }
        let name = self.app_cookie_name();
        let Some(token) = session_cookie::read(&self.req.headers, &name)? else { return Ok(None) };
        session_cookie::check_request_origin(&self.state.cors, &self.req.headers)?;
        let _ = self.used_session_cookie.set(name.into_owned());
        Ok(Some(token))
    }

    /// The calling app's session cookie name ([`session_cookie::cookie_name`]).
    pub fn app_cookie_name(&self) -> std::borrow::Cow<'static, str> {
        let index = crate::apps::current().filter(|i| *i < self.state.apps.len()).unwrap_or(0);
        session_cookie::cookie_name(self.state.apps.id(index))
    }
}

/// JSON parsing whose errors name the field but never echo the value (it may be a password).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidJson("the body is empty".into()));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let msg = inner.to_string();
                    if let Some(field) = msg.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
                        Err(ApiError::Validation { field: known_field(field), message: "is required".into() })
                    } else if path == "." {
                        Err(ApiError::validation("body", "must be a JSON object with the documented fields"))
                    } else {
                        Err(ApiError::Validation { field: known_field(&path), message: "has the wrong type".into() })
                    }
                }
                _ => Err(ApiError::InvalidJson(format!("syntax error at line {} column {}", inner.line(), inner.column()))),
            }
        }
    }
}

/// Field names come from our own request types, so the set is small and fixed; unknown paths
/// (nested or odd) collapse to "body".
fn known_field(name: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "email", "password", "code", "refreshToken", "username", "currentPassword", "newPassword",
        "challenge", "session", "answer", "deviceName", "preferredChallenge", "credential", "credentialId", "handoff",
    ];
    KNOWN.iter().find(|k| **k == name).copied().unwrap_or("body")
}

/// `Authorization: Bearer <JWT>`; anything else is a 401 with a JSON error.
pub fn bearer_token(header: Option<&str>) -> Result<&str, ApiError> {
    let h = header.ok_or(ApiError::MissingToken)?.trim();
    let (scheme, token) = h.split_once(' ').ok_or(ApiError::InvalidToken)?;
    let token = token.trim();
    let looks_like_jwt = token.len() <= 8192
        && token.split('.').count() == 3
        && token.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    if !scheme.eq_ignore_ascii_case("bearer") || !looks_like_jwt {
        return Err(ApiError::InvalidToken);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_shapes() {
        assert_eq!(bearer_token(None), Err(ApiError::MissingToken));
        assert_eq!(bearer_token(Some("Basic abc")), Err(ApiError::InvalidToken));
        assert_eq!(bearer_token(Some("Bearer")), Err(ApiError::InvalidToken));
        assert_eq!(bearer_token(Some("Bearer a.b")), Err(ApiError::InvalidToken));
        assert_eq!(bearer_token(Some("Bearer a.b.c!")), Err(ApiError::InvalidToken));
        assert_eq!(bearer_token(Some("bearer aa.bb.cc")), Ok("aa.bb.cc"));
        // A JWT-shaped token under another scheme, and one over the length bound, never reach Cognito.
        assert_eq!(bearer_token(Some("Basic aa.bb.cc")), Err(ApiError::InvalidToken));
        assert_eq!(bearer_token(Some("Token aa.bb.cc")), Err(ApiError::InvalidToken));
        let longest = format!("aa.{}.cc", "b".repeat(8192 - 6));
        assert_eq!(bearer_token(Some(&format!("Bearer {longest}"))), Ok(longest.as_str()));
        assert_eq!(bearer_token(Some(&format!("Bearer {longest}b"))), Err(ApiError::InvalidToken));
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Login {
        email: String,
        password: String,
    }

    #[test]
    fn json_errors_name_fields_but_never_echo_values() {
        let e = parse_json::<Login>(br#"{"email":"a@b.co"}"#).unwrap_err();
        assert_eq!(e, ApiError::validation("password", "is required"));
        let e = parse_json::<Login>(br#"{"email":"a@b.co","password":12345678}"#).unwrap_err();
        assert_eq!(e, ApiError::validation("password", "has the wrong type"));
        assert!(!e.to_string().contains("12345678"));
        assert!(matches!(parse_json::<Login>(b"{nope"), Err(ApiError::InvalidJson(_))));
        assert!(matches!(parse_json::<Login>(b"[]"), Err(ApiError::Validation { field: "body", .. })));
        assert!(matches!(parse_json::<Login>(b"   "), Err(ApiError::InvalidJson(_))));
    }
}
