//! Tokens: refresh (GetTokensFromRefreshToken), sign-out everywhere (GlobalSignOut), revocation
//! (RevokeToken) (routes refresh, logout).
use super::client::{CResult, Cognito};
use super::errors::unexpected;
use super::sign_in::{auth_outcome, AuthOutcome, Tokens};

impl Cognito {
    /// Refresh with GetTokensFromRefreshToken: new access and id tokens, and a new refresh token
    /// when the app client rotates refresh tokens. It takes the client secret itself (no
    /// SECRET_HASH, so no username) and no ContextData (its request has no such field):
    /// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
    /// With rotation on, the token given is invalid once the client's retry grace period has passed
    /// (RefreshTokenReuseException afterwards); REFRESH_TOKEN_AUTH is refused by such a client:
    /// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
    pub async fn refresh(&self, refresh_token: &str, client_secret: Option<&str>) -> CResult<Tokens> {
        let out = self
            .client
            .get_tokens_from_refresh_token()
            .client_id(self.client_id())
            .refresh_token(refresh_token)
            .set_client_secret(client_secret.map(str::to_string))
            .send()
            .await?;
        match auth_outcome(out.authentication_result, None, None, None)? {
            AuthOutcome::Tokens(t) => Ok(t),
            AuthOutcome::Challenge { .. } => Err(unexpected("UnexpectedChallengeOnRefresh")),
        }
    }

    pub async fn global_sign_out(&self, access_token: &str) -> CResult<()> {
        self.client.global_sign_out().access_token(access_token).send().await?;
        Ok(())
    }

    /// Revokes a refresh token (and the access tokens issued from it).
    pub async fn revoke_token(&self, refresh_token: &str, client_secret: Option<&str>) -> CResult<()> {
        self.client
            .revoke_token()
            .token(refresh_token)
            .client_id(self.client_id())
            .set_client_secret(client_secret.map(str::to_string))
            .send()
            .await?;
        Ok(())
    }
}
