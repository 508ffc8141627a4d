//! TOTP multi-factor authentication: AssociateSoftwareToken, VerifySoftwareToken,
//! SetUserMFAPreference (routes mfa/totp/setup, mfa/totp/verify).
use super::client::{CResult, Cognito};
use super::errors::unexpected;
use aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType;

impl Cognito {
    /// Starts TOTP enrolment; answers the shared secret (base32).
    pub async fn associate_software_token(&self, access_token: &str) -> CResult<String> {
        let out = self.client.associate_software_token().access_token(access_token).send().await?;
        out.secret_code.ok_or_else(|| unexpected("NoSecretCode"))
    }

    /// Verifies the first TOTP code; true when Cognito accepted it.
    pub async fn verify_software_token(&self, access_token: &str, code: &str, device_name: Option<&str>) -> CResult<bool> {
        let out = self
            .client
            .verify_software_token()
            .access_token(access_token)
            .user_code(code)
            .set_friendly_device_name(device_name.map(str::to_string))
            .send()
            .await?;
        Ok(out.status.map(|s| s.as_str() == "SUCCESS").unwrap_or(false))
    }

    pub async fn prefer_totp(&self, access_token: &str) -> CResult<()> {
        let settings = SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build();
        self.client
            .set_user_mfa_preference()
            .access_token(access_token)
            .software_token_mfa_settings(settings)
            .send()
            .await?;
        Ok(())
    }
}
