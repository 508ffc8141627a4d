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

/// The one door to Cognito: the SDK client (with the declared-actions guard and the retry policy
/// installed, `state::cognito_client`), the pool and app client ids, and the app client secret.
#[derive(Debug)]
pub struct Cognito {
    pub(super) client: cip::Client,
    pub(super) user_pool_id: String,
    pub(super) client_id: String,
    pub(super) client_secret: Option<SecretSource>,
}

impl Cognito {
    pub fn new(client: cip::Client, user_pool_id: String, client_id: String, client_secret: Option<SecretSource>) -> Self {
        Cognito { client, user_pool_id, client_id, client_secret }
    }

    /// SECRET_HASH for `username`, when the app client has a secret. A secret that cannot be read
    /// is a 503 for the caller.
    pub async fn secret_hash(&self, username: &str) -> Result<Option<String>, ApiError> {
        match &self.client_secret {
            None => Ok(None),
            Some(s) => Ok(Some(secret_hash(s.get().await?, username, &self.client_id))),
        }
    }

    /// The app client secret itself (RevokeToken takes it instead of a SECRET_HASH).
    pub async fn client_secret(&self) -> Result<Option<&str>, ApiError> {
        match &self.client_secret {
            None => Ok(None),
            Some(s) => s.get().await.map(Some),
        }
    }

    /// Key of the sealed challenge sessions ([`crate::routes::challenge_session`]): the app client
    /// secret, or the client id when the client has none.
    pub async fn challenge_key(&self) -> Result<String, ApiError> {
        Ok(self.client_secret().await?.map(str::to_string).unwrap_or_else(|| self.client_id.clone()))
    }
}
