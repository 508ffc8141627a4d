//! What is built once at start-up and borrowed by every request: one SDK client, the secrets'
//! sources (read lazily), CORS. No network call happens here.
use crate::apps::Apps;
use crate::cognito::{AppClient, Cognito, DeclaredActionsGuard, RetryOnlyWhatIsSafe};
use crate::config::{self, Config, Secret};
use crate::http::Cors;
use crate::secrets::{OriginVerify, SecretSource};
use crate::session_cookie::SessionCookie;
use aws_config::retry::RetryConfig;
use aws_smithy_http_client::tls;
use aws_config::timeout::TimeoutConfig;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::identity::IdentityCache;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use aws_types::sdk_config::Builder as SdkConfigBuilder;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use aws_sdk_cognitoidentityprovider as cip;
use aws_smithy_runtime_api::client::http::SharedHttpClient;

#[derive(Debug)]
pub struct AppState {
    pub cognito: Cognito,
    /// The apps on the pool: which one a request is for ([`crate::apps::Apps::resolve`]).
    pub apps: crate::apps::Apps,
    pub cors: Cors,
    pub origin_verify: Option<OriginVerify>,
    pub totp_issuer: String,
    /// See [`Config::request_deadline`].
    pub request_deadline: std::time::Duration,
    pub password_policy: Option<crate::password_policy::PasswordPolicy>,
    /// Browser session mode (`SESSION_COOKIE=on`): the refresh token in an HttpOnly cookie.
    pub session_cookie: Option<SessionCookie>,
    /// See [`Config::passkeys`].
    pub passkeys: config::PasskeySettings,
    /// The sign-up allow-list of email domains (`SIGN_UP_EMAIL_DOMAINS`), which `POST /auth/register`
    /// checks before calling Cognito (the pre sign-up trigger enforces the same list in the pool).
    pub sign_up_email_domains: Option<crate::email_domains::EmailDomains>,
    /// See [`Config::auth_session_validity`].
    pub auth_session_validity: std::time::Duration,
    /// The shape of Cognito's passkey challenges, which stand-ins copy.
    pub passkey_shape: crate::stand_in::PasskeyShape,
    /// See [`Config::email_code_limit_table`].
    pub email_code_limit: Option<crate::email_code_limit::EmailCodeLimit>,
    /// Federated sign-in (`FEDERATION`, [`crate::federation::Federation`]); `None`: off.
    pub federation: Option<crate::federation::Federation>,
}

/// The shared SDK configuration, as the functions run it: credentials from the environment,
/// the documented endpoint variables honoured, and [`sdk_builder`]'s timeouts and retries.
///
/// Built directly rather than with aws-config's loader (`aws_config::defaults(..).load()`): the
/// loader links every credential source it might try (profile files, SSO, STS web identity and
/// assume-role, ECS, IMDS) into the artifact (about 340 KB of the zip) and reads profile files at
/// init. A Lambda function's credentials are always in its environment (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, from the execution role:
/// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
/// and `make dev` exports test ones. The endpoint variables are the SDKs' documented override
/// (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html, see
/// [`EndpointsFromEnv`]): `make dev` and the benchmark aim them at local stand-ins; Lambda sets none. Nothing else from the shared config files or
/// variables is read (e.g. `AWS_MAX_ATTEMPTS`): the product sets its own timeouts and retries.
pub fn sdk_config(region: &str) -> SdkConfig {
    sdk_builder(region)
        .credentials_provider(SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new()))
        .service_config(EndpointsFromEnv)
        .build()
}

/// The documented endpoint variables, and only those: `AWS_ENDPOINT_URL_<SERVICE>` (e.g.
/// `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`: the service
/// id upper-cased, spaces as underscores; the benchmark aims each at its own stub), else
/// `AWS_ENDPOINT_URL` (make dev). Each client asks for its own service id when it is built.
#[derive(Debug)]
struct EndpointsFromEnv;

impl LoadServiceConfig for EndpointsFromEnv {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        if key.env() != "AWS_ENDPOINT_URL" {
            return None;
        }
        let specific = format!("AWS_ENDPOINT_URL_{}", key.service_id().to_ascii_uppercase().replace(' ', "_"));
        [specific.as_str(), "AWS_ENDPOINT_URL"].iter().find_map(|name| std::env::var(name).ok().filter(|u| !u.is_empty()))
    }
}

/// Everything of [`sdk_config`] but the credentials and the endpoint, which tests set to their own.
pub fn sdk_builder(region: &str) -> SdkConfigBuilder {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(https_client(None))
        .sleep_impl(TokioSleep::new())
        .time_source(SystemTimeSource::new())
        .identity_cache(IdentityCache::lazy().build())
        .region(Region::new(region.to_string()))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(config::CONNECT_TIMEOUT)
                .operation_attempt_timeout(config::ATTEMPT_TIMEOUT)
                .operation_timeout(config::OPERATION_TIMEOUT)
                .build(),
        )
        .retry_config(retry_config())
}

/// The one HTTPS stack: rustls with ring, smaller and quicker to start than the default aws-lc.
/// (The system CA store is read when the Cognito client is built, at init: about half of the
/// ~6 ms init measured by `make bench`.) `tls`: a TLS context to use instead of the system's
/// roots (tests trusting a test CA); the product passes `None`.
pub fn https_client(tls: Option<tls::TlsContext>) -> SharedHttpClient {
    let builder = aws_smithy_http_client::Builder::new()
        .pool_idle_timeout(config::POOL_IDLE_TIMEOUT)
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring));
    match tls {
        Some(ctx) => builder.tls_context(ctx).build_https(),
        None => builder.build_https(),
    }
}

/// At most `MAX_ATTEMPTS` attempts per call, with the standard mode's retry quota (a token
/// bucket that stops retrying when failures pile up), so a throttled Cognito is not stormed.
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(config::MAX_ATTEMPTS)
}

/// The Cognito client, with the declared-actions guard and the retry policy installed.
pub fn cognito_client(sdk: &SdkConfig) -> cip::Client {
    cip::Client::from_conf(cognito_config(sdk).build())
}

/// The Cognito client's configuration: what every client of the product carries (tests add their
/// recorders to it).
pub fn cognito_config(sdk: &SdkConfig) -> cip::config::Builder {
    cip::config::Builder::from(sdk).interceptor(DeclaredActionsGuard).interceptor(RetryOnlyWhatIsSafe)
}

impl AppState {
    pub async fn from_env() -> Result<Self, config::ConfigError> {
        let cfg = Config::from_env()?;
        let session_cookie = SessionCookie::from_lookup(|k| std::env::var(k).ok())?;
        let apps = std::env::var("AUTH_APPS")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| crate::apps::parse(&v))
            .transpose()
            .map_err(|reason| config::ConfigError::Invalid { name: "AUTH_APPS", reason })?;
        let domains = config::sign_up_email_domains(|k| std::env::var(k).ok())?;
        let federation = crate::federation::Federation::from_lookup(|k| std::env::var(k).ok())?;
        let sdk = sdk_config(&cfg.region);
        let state = Self::new(cfg, cognito_client(&sdk), &sdk)
            .with_session_cookie(session_cookie)
            .with_sign_up_email_domains(domains)
            .with_federation(federation);
        Ok(match apps {
            Some(list) => state.with_apps(&list, &sdk),
            None => state,
        })
    }

    /// From parts: tests pass a mocked or recording Cognito client here.
    pub fn new(cfg: Config, cognito: cip::Client, sdk: &SdkConfig) -> Self {
        let source = |s: Secret| match s {
            Secret::Plain(v) => SecretSource::Plain(v),
            Secret::Arn(arn) => SecretSource::secrets_manager(arn, sdk),
        };
        let apps = Apps::single(&cfg.cors_origins);
        AppState {
            cognito: Cognito::new(cognito, cfg.user_pool_id, cfg.client_id, cfg.client_secret.map(source)),
            apps,
            cors: Cors::new(&cfg.cors_origins),
            origin_verify: cfg.origin_verify.map(|s| match s {
                Secret::Plain(v) => OriginVerify::Plain(v),
                Secret::Arn(arn) => OriginVerify::secrets_manager(arn, sdk),
            }),
            totp_issuer: cfg.totp_issuer,
            request_deadline: cfg.request_deadline,
            password_policy: cfg.password_policy,
            session_cookie: None,
            passkeys: cfg.passkeys,
            sign_up_email_domains: None,
            auth_session_validity: cfg.auth_session_validity,
            passkey_shape: Default::default(),
            email_code_limit: cfg
                .email_code_limit_table
                .filter(|t| !t.is_empty())
                .map(|table| crate::email_code_limit::EmailCodeLimit::new(table, aws_sdk_dynamodb::Client::new(sdk))),
            federation: None,
        }
    }

    /// The apps on the pool (`AUTH_APPS`, [`crate::apps`]), each with its app client, instead of the
    /// one app of `COGNITO_APP_CLIENT_ID`. CORS answers every app's origins unless `CORS_ORIGIN`
    /// lists them (the stack sets it to all of them); which app a request is for the router checks.
    pub fn with_apps(mut self, list: &[crate::apps::AppConfig], sdk: &SdkConfig) -> Self {
        let clients = list
            .iter()
            .map(|a| AppClient {
                client_id: a.client_id.clone(),
                client_secret: match (&a.client_secret, &a.client_secret_arn) {
                    (Some(v), _) => Some(SecretSource::Plain(v.clone())),
                    (None, Some(arn)) => Some(SecretSource::secrets_manager(arn.clone(), sdk)),
                    (None, None) => None,
                },
            })
            .collect();
        self.cognito = self.cognito.for_apps(clients);
        self.apps = Apps::new(list);
        if self.cors.is_empty() {
            let cors = Cors::new(&self.apps.all_origins());
            self.cors = if self.session_cookie.is_some() { cors.with_credentials() } else { cors };
        }
        self
    }

    /// Sets the sign-up allow-list `POST /auth/register` checks (`None`: every domain).
    pub fn with_sign_up_email_domains(mut self, domains: Option<crate::email_domains::EmailDomains>) -> Self {
        self.sign_up_email_domains = domains;
        self
    }

    /// Turns federated sign-in on (`Some`) or off.
    pub fn with_federation(mut self, federation: Option<crate::federation::Federation>) -> Self {
        self.federation = federation;
        self
    }

    /// Turns the browser session mode on (`Some`) or off; in cookie mode CORS allows credentials
    /// for the configured origins.
    pub fn with_session_cookie(mut self, session_cookie: Option<SessionCookie>) -> Self {
        if session_cookie.is_some() {
            self.cors = self.cors.with_credentials();
        }
        self.session_cookie = session_cookie;
        self
    }
}

#[cfg(test)]
mod endpoint_tests {
    use super::*;

    fn endpoint(service_id: &str) -> Option<String> {
        let key = ServiceConfigKey::builder().service_id(service_id).profile("endpoint_url").env("AWS_ENDPOINT_URL").build().unwrap();
        EndpointsFromEnv.load_config(key)
    }

    // One test, so no other test of this process sees the variables change (nextest runs each
    // test in its own process).
    #[test]
    fn service_specific_endpoint_then_the_global_one() {
        std::env::set_var("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "https://127.0.0.1:1");
        std::env::set_var("AWS_ENDPOINT_URL", "http://127.0.0.1:2");
        assert_eq!(endpoint("Cognito Identity Provider").as_deref(), Some("https://127.0.0.1:1"));
        assert_eq!(endpoint("Secrets Manager").as_deref(), Some("http://127.0.0.1:2"));
        std::env::remove_var("AWS_ENDPOINT_URL");
        assert_eq!(endpoint("Secrets Manager"), None);
    }
}
