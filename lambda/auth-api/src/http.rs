//! Framework-neutral request and response: the Lambda adapter and the local server both convert
//! to these, so the router is the same code in both.
use crate::error::ApiError;
use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use serde::Serialize;

/// `Debug` prints no header value and no body (they carry tokens, passwords and codes).
#[derive(Clone)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    /// The raw query string, without `?` (empty when there is none). Only the federation routes read
    /// it; it may carry a code or a state, so `Debug` shows its length alone.
    pub query: String,
    /// API Gateway's route key (`POST /auth/login`) when the request came through it.
    pub route_key: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The address the connection came from (API Gateway's sourceIp, or the local peer).
    pub peer_ip: String,
    pub request_id: String,
}

/// Header names only: values such as `Authorization` or `x-origin-verify` are secrets.
struct HeaderNames<'a>(&'a HeaderMap);

impl std::fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.keys().map(HeaderName::as_str)).finish()
    }
}

/// Stands in for a secret in `Debug` output.
pub struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query_bytes", &self.query.len())
            .field("route_key", &self.route_key)
            .field("header_names", &HeaderNames(&self.headers))
            .field("body_bytes", &self.body.len())
            .field("peer_ip", &self.peer_ip)
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl std::fmt::Debug for ApiResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiResponse")
            .field("status", &self.status)
            .field("header_names", &HeaderNames(&self.headers))
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl ApiRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The query parameter `name`, decoded, when it is there exactly once (twice is as good as
    /// absent: which one to trust cannot be told).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let mut found = form_urlencoded::parse(self.query.as_bytes()).filter(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

/// `Debug` prints the status and header names, never the body (it may carry tokens).
#[derive(Clone)]
pub struct ApiResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl ApiResponse {
    pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Self {
        // Serialising our own plain structs cannot fail; fall back to a fixed body all the same.
        let body = serde_json::to_vec(body).unwrap_or_else(|_| br#"{"error":"internal_error"}"#.to_vec());
        let mut headers = HeaderMap::new();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        ApiResponse { status, headers, body: Bytes::from(body) }
    }

    pub fn empty(status: StatusCode) -> Self {
        ApiResponse { status, headers: HeaderMap::new(), body: Bytes::new() }
    }

    pub fn error(err: &ApiError, request_id: &str) -> Self {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            error: &'a str,
            message: String,
            request_id: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            field: Option<&'a str>,
        }
        let mut resp = ApiResponse::json(
            err.status(),
            &Body { error: err.code(), message: err.to_string(), request_id, field: err.field() },
        );
        if let Some(s) = err.retry_after() {
            resp.headers.insert(http::header::RETRY_AFTER, HeaderValue::from(s));
        }
        match err {
            ApiError::MethodNotAllowed(allow) => {
                if let Ok(v) = HeaderValue::from_str(allow) {
                    resp.headers.insert(http::header::ALLOW, v);
                }
            }
            ApiError::MissingToken | ApiError::InvalidToken => {
                resp.headers.insert(http::header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        resp
    }
}

/// A unique id for requests that did not come with one (local server; Lambda without API Gateway).
pub fn new_request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("local-{:x}-{n}", (t as u64) ^ (std::process::id() as u64) << 32)
}

/// CORS from `CORS_ORIGIN`: exact origins only; any other origin gets no allow header. In cookie
/// mode (`credentials`), the allowed origins may also send credentials (the session cookie) and the
/// custom header of the cookie's cross-site request forgery check. (In Lambda, API Gateway answers
/// CORS from the stack's own configuration and ignores these headers; this is for the local server.)
#[derive(Debug, Clone, Default)]
pub struct Cors {
    origins: Vec<HeaderValue>,
    credentials: bool,
}

pub const CORS_ALLOW_HEADERS: &str = "Content-Type, Authorization, X-App-Id";
/// The allowed headers in cookie mode: also the custom header of the session cookie's CSRF check.
pub const CORS_ALLOW_HEADERS_COOKIE_MODE: &str = "Content-Type, Authorization, X-App-Id, X-Requested-With";
pub const CORS_EXPOSE_HEADERS: &str = "Retry-After, X-Request-Id";
pub const CORS_MAX_AGE_SECONDS: u32 = 600;

impl Cors {
    pub fn new(origins: &[String]) -> Self {
        Cors { origins: origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect(), credentials: false }
    }

    /// No origin is allowed.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Cookie mode: `Access-Control-Allow-Credentials: true` for the allowed origins, and
    /// `X-Requested-With` among the allowed headers.
    pub fn with_credentials(mut self) -> Self {
        self.credentials = true;
        self
    }

    /// The request's origin, if it is on the list.
    pub fn allowed<'a>(&self, headers: &'a HeaderMap) -> Option<&'a HeaderValue> {
        let origin = headers.get(http::header::ORIGIN)?;
        self.origins.iter().any(|o| o == origin).then_some(origin)
    }

    pub fn apply(&self, req_headers: &HeaderMap, resp: &mut HeaderMap) {
        resp.append(http::header::VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = self.allowed(req_headers) {
            resp.insert(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
            resp.insert(http::header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(CORS_EXPOSE_HEADERS));
            if self.credentials {
                resp.insert(http::header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
            }
        }
    }

    /// Answer to an `OPTIONS` preflight for a path served with `methods`.
    pub fn preflight(&self, req_headers: &HeaderMap, methods: &[&str]) -> ApiResponse {
        let mut resp = ApiResponse::empty(StatusCode::NO_CONTENT);
        if self.allowed(req_headers).is_some() {
            let methods = methods.join(", ");
            if let Ok(v) = HeaderValue::from_str(&methods) {
                resp.headers.insert(http::header::ACCESS_CONTROL_ALLOW_METHODS, v);
            }
            let allow = if self.credentials { CORS_ALLOW_HEADERS_COOKIE_MODE } else { CORS_ALLOW_HEADERS };
            resp.headers.insert(http::header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(allow));
            resp.headers.insert(http::header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(CORS_MAX_AGE_SECONDS));
            // Access-Control-Allow-Credentials: added by `apply`, which every answer goes through.
        }
        resp
    }
}

/// Headers every answer carries: never cached (tokens), never sniffed, traceable.
pub fn add_standard_headers(resp: &mut ApiResponse, request_id: &str) {
    let h = &mut resp.headers;
    h.insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(http::header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert(HeaderName::from_static("x-request-id"), v);
    }
}

/// The viewer's IP from the front door's `x-viewer-ip` header: the bare address CloudFront Functions give
/// as `event.viewer.ip` (`203.0.113.9`, `2001:db8::1`), normalised. Anything else is `None`.
pub fn viewer_ip(value: &str) -> Option<String> {
    value.trim().parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
}

/// The IP of a `CloudFront-Viewer-Address` value, which is always `address:port`: `203.0.113.9:46532`,
/// and for IPv6 unbracketed, `2001:db8::1:46532` (a bracketed `[2001:db8::1]:46532` is read too).
/// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/adding-cloudfront-headers.html
pub fn viewer_address_ip(value: &str) -> Option<String> {
    let v = value.trim();
    let ip = match v.strip_prefix('[') {
        Some(rest) => {
            let (ip, port) = rest.split_once("]:")?;
            port.parse::<u16>().ok()?;
            ip
        }
        None => {
            let (ip, port) = v.rsplit_once(':')?;
            port.parse::<u16>().ok()?;
            ip
        }
    };
    viewer_ip(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewer_ip_header_is_a_bare_address() {
        assert_eq!(viewer_ip("203.0.113.9").as_deref(), Some("203.0.113.9"));
        assert_eq!(viewer_ip(" 2001:db8::1 ").as_deref(), Some("2001:db8::1"));
        assert_eq!(viewer_ip("2001:0db8:0000:0000:0000:0000:0000:0001").as_deref(), Some("2001:db8::1"));
        // Ends in a group that looks like a port, but a bare address is read as a whole.
        assert_eq!(viewer_ip("2001:db8::1:443").as_deref(), Some("2001:db8::1:443"));
        for bad in ["", "not an ip", "203.0.113.9:46532", "203.0.113.9, 10.0.0.1", "[2001:db8::1]"] {
            assert_eq!(viewer_ip(bad), None, "{bad}");
        }
    }

    #[test]
    fn cloudfront_viewer_address_forms() {
        assert_eq!(viewer_address_ip("203.0.113.9:46532").as_deref(), Some("203.0.113.9"));
        // CloudFront's IPv6 form is unbracketed: the port is what follows the last colon.
        assert_eq!(viewer_address_ip("2001:db8::1:46532").as_deref(), Some("2001:db8::1"));
        assert_eq!(viewer_address_ip("2001:db8:85a3::8a2e:370:7334:443").as_deref(), Some("2001:db8:85a3::8a2e:370:7334"));
        assert_eq!(viewer_address_ip("[2001:db8::1]:443").as_deref(), Some("2001:db8::1"));
        for bad in ["", "not an ip", "203.0.113.9", "203.0.113.9:99999", "[2001:db8::1]", "2001:db8::1:port"] {
            assert_eq!(viewer_address_ip(bad), None, "{bad}");
        }
    }

    #[test]
    fn cors_allows_exact_origins_only() {
        let cors = Cors::new(&["https://app.example".into()]);
        let mut h = HeaderMap::new();
        h.insert("origin", HeaderValue::from_static("https://app.example"));
        assert!(cors.allowed(&h).is_some());
        h.insert("origin", HeaderValue::from_static("https://app.example.evil"));
        assert!(cors.allowed(&h).is_none());
        let pre = cors.preflight(&h, &["POST"]);
        assert!(pre.headers.get("access-control-allow-methods").is_none());
    }
}
