//! Passkeys (WebAuthn credentials of the signed-in user): StartWebAuthnRegistration,
//! CompleteWebAuthnRegistration, ListWebAuthnCredentials, DeleteWebAuthnCredential (routes
//! passkey/*), and the SDK's JSON documents they travel in.
use super::client::{CResult, Cognito};

impl Cognito {
    /// The WebAuthn creation options (PublicKeyCredentialCreationOptionsJSON) for the token's user.
    /// Access-token operation, no IAM
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html>).
    pub async fn start_webauthn_registration(&self, access_token: &str) -> CResult<serde_json::Value> {
        let out = self.client.start_web_authn_registration().access_token(access_token).send().await?;
        Ok(document_to_json(out.credential_creation_options()))
    }

    /// Registers the browser's RegistrationResponseJSON
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CompleteWebAuthnRegistration.html>).
    pub async fn complete_webauthn_registration(&self, access_token: &str, credential: &serde_json::Value) -> CResult<()> {
        self.client
            .complete_web_authn_registration()
            .access_token(access_token)
            .credential(json_to_document(credential))
            .send()
            .await?;
        Ok(())
    }

    /// Every passkey of the token's user, all pages (at most [`MAX_PASSKEY_PAGES`] of 20)
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html>).
    pub async fn list_webauthn_credentials(&self, access_token: &str) -> CResult<Vec<PasskeyInfo>> {
        let mut all = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..MAX_PASSKEY_PAGES {
            let out = self
                .client
                .list_web_authn_credentials()
                .access_token(access_token)
                .max_results(20)
                .set_next_token(next.take())
                .send()
                .await?;
            all.extend(out.credentials.into_iter().map(|c| PasskeyInfo {
                credential_id: c.credential_id,
                friendly_name: c.friendly_credential_name,
                relying_party_id: c.relying_party_id,
                authenticator_attachment: c.authenticator_attachment,
                transports: c.authenticator_transports,
                created_at: c
                    .created_at
                    .fmt(aws_smithy_types::date_time::Format::DateTime)
                    .unwrap_or_default(),
            }));
            next = out.next_token.filter(|t| !t.is_empty());
            if next.is_none() {
                break;
            }
        }
        Ok(all)
    }

    /// Deletes one of the token's user's passkeys; another user's or an unknown id is Cognito's
    /// ResourceNotFoundException
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteWebAuthnCredential.html>).
    pub async fn delete_webauthn_credential(&self, access_token: &str, credential_id: &str) -> CResult<()> {
        self.client
            .delete_web_authn_credential()
            .access_token(access_token)
            .credential_id(credential_id)
            .send()
            .await?;
        Ok(())
    }
}

/// Pages of ListWebAuthnCredentials read for one listing (20 passkeys a page).
pub const MAX_PASSKEY_PAGES: usize = 10;

/// One registered passkey, as ListWebAuthnCredentials describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct PasskeyInfo {
    pub credential_id: String,
    pub friendly_name: String,
    pub relying_party_id: String,
    pub authenticator_attachment: Option<String>,
    pub transports: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// The SDK's JSON document type (WebAuthn options and responses travel as documents) as serde JSON.
pub fn document_to_json(d: &aws_smithy_types::Document) -> serde_json::Value {
    use aws_smithy_types::{Document as D, Number as N};
    use serde_json::Value as V;
    match d {
        D::Object(m) => V::Object(m.iter().map(|(k, v)| (k.clone(), document_to_json(v))).collect()),
        D::Array(a) => V::Array(a.iter().map(document_to_json).collect()),
        D::Number(N::PosInt(n)) => V::from(*n),
        D::Number(N::NegInt(n)) => V::from(*n),
        D::Number(N::Float(f)) => serde_json::Number::from_f64(*f).map(V::Number).unwrap_or(V::Null),
        D::String(s) => V::String(s.clone()),
        D::Bool(b) => V::Bool(*b),
        D::Null => V::Null,
    }
}

/// The reverse of [`document_to_json`].
pub fn json_to_document(v: &serde_json::Value) -> aws_smithy_types::Document {
    use aws_smithy_types::{Document as D, Number as N};
    use serde_json::Value as V;
    match v {
        V::Object(m) => D::Object(m.iter().map(|(k, v)| (k.clone(), json_to_document(v))).collect()),
        V::Array(a) => D::Array(a.iter().map(json_to_document).collect()),
        V::Number(n) => D::Number(if let Some(u) = n.as_u64() {
            N::PosInt(u)
        } else if let Some(i) = n.as_i64() {
            N::NegInt(i)
        } else {
            N::Float(n.as_f64().unwrap_or(0.0))
        }),
        V::String(s) => D::String(s.clone()),
        V::Bool(b) => D::Bool(*b),
        V::Null => D::Null,
    }
}
