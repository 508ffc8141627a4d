//! The account: its profile (GetUser), passwords (ForgotPassword, ConfirmForgotPassword,
//! ChangePassword) and deletion (DeleteUser) (routes userinfo, password/*, DELETE /auth/user).
use super::client::{CResult, Cognito};

#[derive(Debug, Clone, PartialEq)]
pub struct UserProfile {
    pub username: String,
    pub attributes: Vec<(String, String)>,
    pub mfa_methods: Vec<String>,
    pub preferred_mfa: Option<String>,
}

impl Cognito {
    pub async fn get_user(&self, access_token: &str) -> CResult<UserProfile> {
        let out = self.client.get_user().access_token(access_token).send().await?;
        Ok(UserProfile {
            username: out.username,
            attributes: out.user_attributes.into_iter().map(|a| (a.name, a.value.unwrap_or_default())).collect(),
            mfa_methods: out.user_mfa_setting_list.unwrap_or_default(),
            preferred_mfa: out.preferred_mfa_setting,
        })
    }

    pub async fn forgot_password(&self, email: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .forgot_password()
            .client_id(self.client_id())
            .set_secret_hash(secret_hash)
            .username(email)
            .send()
            .await?;
        Ok(())
    }

    pub async fn confirm_forgot_password(&self, email: &str, code: &str, new_password: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .confirm_forgot_password()
            .client_id(self.client_id())
            .set_secret_hash(secret_hash)
            .username(email)
            .confirmation_code(code)
            .password(new_password)
            .send()
            .await?;
        Ok(())
    }

    pub async fn change_password(&self, access_token: &str, current: &str, new: &str) -> CResult<()> {
        self.client
            .change_password()
            .access_token(access_token)
            .previous_password(current)
            .proposed_password(new)
            .send()
            .await?;
        Ok(())
    }

    pub async fn delete_user(&self, access_token: &str) -> CResult<()> {
        self.client.delete_user().access_token(access_token).send().await?;
        Ok(())
    }
}
