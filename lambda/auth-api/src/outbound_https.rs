//! The one HTTP client for the calls the functions make outside the AWS SDK: the user migration
//! trigger's legacy endpoint and the user pool domain's token endpoint (federated sign-in).
//! hyper-rustls over hyper-util, both already in the build for the AWS SDK (rustls with ring): no
//! second TLS stack. Plain `http://` is accepted by the connector for local development only; each
//! caller checks its URL's scheme (`https`, or `http` to this machine) when it reads its configuration.
use bytes::Bytes;
use http_body_util::Full;

pub type HttpsClient = hyper_util::client::legacy::Client<hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>, Full<Bytes>>;

/// A client with the system's roots. None when the system has no CA certificates at all (a stripped
/// image): every call then fails closed, which each caller logs.
pub fn client() -> Option<HttpsClient> {
    let connector = match hyper_rustls::HttpsConnectorBuilder::new().with_native_roots() {
        Ok(b) => b.https_or_http().enable_http1().build(),
        Err(e) => {
            tracing::error!(error = %e, "no system CA certificates for outbound TLS");
            return None;
        }
    };
    Some(
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(crate::config::POOL_IDLE_TIMEOUT)
            .build(connector),
    )
}

/// `https`, or `http` to this machine only (`make dev`, the tests).
pub fn parse_url(v: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = v.parse().map_err(|_| "not a URL".to_string())?;
    let host = uri.host().unwrap_or("");
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(uri),
        Some("http") if matches!(host, "127.0.0.1" | "localhost" | "[::1]") => Ok(uri),
        Some("http") => Err("must be https (http only to 127.0.0.1 or localhost, for local development)".into()),
        _ => Err("must be an https:// URL".into()),
    }
}
