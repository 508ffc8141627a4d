//! Sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode (routes register, verify, resend).
use super::client::{CResult, Cognito};
use aws_sdk_cognitoidentityprovider::types::AttributeType;

impl Cognito {
    pub async fn sign_up(&self, email: &str, password: &str, secret_hash: Option<String>) -> CResult<()> {
        let attr = AttributeType::builder().name("email").value(email).build().expect("name is set");
        self.client
            .sign_up()
            .client_id(self.client_id())
            .set_secret_hash(secret_hash)
            .username(email)
            .password(password)
            .user_attributes(attr)
            .send()
            .await?;
        Ok(())
    }

    pub async fn confirm_sign_up(&self, email: &str, code: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .confirm_sign_up()
            .client_id(self.client_id())
            .set_secret_hash(secret_hash)
            .username(email)
            .confirmation_code(code)
            .send()
            .await?;
        Ok(())
    }

    pub async fn resend_confirmation_code(&self, email: &str, secret_hash: Option<String>) -> CResult<()> {
        self.client
            .resend_confirmation_code()
            .client_id(self.client_id())
            .set_secret_hash(secret_hash)
            .username(email)
            .send()
            .await?;
        Ok(())
    }
}
