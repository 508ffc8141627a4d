//! The wrapper type itself: the SDK client, the pool and app client ids, and the app client secret
//! (SECRET_HASH, the secret, the challenge-session key). Its operations are in the feature modules
//! beside this one.
use super::errors::CognitoError;
use crate::error::ApiError;
use crate::secrets::SecretSource;
use aws_sdk_cognitoidentityprovider as cip;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// SECRET_HASH = base64(HMAC-SHA256(key = client secret, message = username + client id)).
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

pub type CResult<T> = Result<T, CognitoError>;

/// One app's client: its id and secret.
#[derive(Debug)]
pub struct AppClient {
    pub client_id: String,
    pub client_secret: Option<SecretSource>,
}

/// The one door to Cognito: the SDK client (with the declared-actions guard and the retry policy
/// installed, `state::cognito_client`), the pool, and each app's client (the calling app's is used:
/// [`crate::apps::with_app`]).
#[derive(Debug)]
pub struct Cognito {
    pub(super) client: cip::Client,
    pub(super) user_pool_id: String,
    apps: Vec<AppClient>,
}

impl Cognito {
    /// One app's client (a stack without `AUTH_APPS`, and the tests).
    pub fn new(client: cip::Client, user_pool_id: String, client_id: String, client_secret: Option<SecretSource>) -> Self {
        Self::with_apps(client, user_pool_id, vec![AppClient { client_id, client_secret }])
    }

    /// The clients of the apps, in the order of [`crate::apps::Apps`].
    pub fn with_apps(client: cip::Client, user_pool_id: String, apps: Vec<AppClient>) -> Self {
        assert!(!apps.is_empty(), "at least one app client");
        Cognito { client, user_pool_id, apps }
    }

    /// The same pool and SDK client, with these apps' clients.
    pub fn for_apps(self, apps: Vec<AppClient>) -> Self {
        Self::with_apps(self.client, self.user_pool_id, apps)
    }

    /// The calling app's client (the first app's outside a request).
    fn app(&self) -> &AppClient {
        &self.apps[crate::apps::current().filter(|i| *i < self.apps.len()).unwrap_or(0)]
    }

    /// The calling app's client id.
    pub fn client_id(&self) -> &str {
        &self.app().client_id
    }

    /// SECRET_HASH for `username`, when the app client has a secret. A secret that cannot be read
    /// is a 503 for the caller.
    pub async fn secret_hash(&self, username: &str) -> Result<Option<String>, ApiError> {
        match &self.app().client_secret {
            None => Ok(None),
            Some(s) => Ok(Some(secret_hash(s.get().await?, username, self.client_id()))),
        }
    }

    /// The app client secret itself (RevokeToken takes it instead of a SECRET_HASH).
    pub async fn client_secret(&self) -> Result<Option<&str>, ApiError> {
        match &self.app().client_secret {
            None => Ok(None),
            Some(s) => s.get().await.map(Some),
        }
    }

    /// Key of the sealed challenge sessions ([`crate::routes::challenge_session`]): derived from the
    /// calling app's client secret (or its client id when the client has none) for that purpose
    /// alone, so a session one app's client gave is no session for another app.
    pub async fn challenge_key(&self) -> Result<crate::routes::challenge_session::SealKey, ApiError> {
        Ok(crate::routes::challenge_session::SealKey::for_sessions(self.key_material().await?))
    }

    /// What the API's own keys for the calling app are derived from (each for one purpose, with
    /// HKDF): its client secret, or its client id when the client has none.
    pub async fn key_material(&self) -> Result<&str, ApiError> {
        Ok(self.client_secret().await?.unwrap_or(self.client_id()))
    }

    /// The same for keys every app must share (the first app's client): the emailed-code counter
    /// is one per address whichever app asks ([`crate::email_code_limit`]).
    pub async fn shared_key_material(&self) -> Result<&str, ApiError> {
        let first = &self.apps[0];
        match &first.client_secret {
            Some(s) => s.get().await,
            None => Ok(&first.client_id),
        }
    }
}
