//! Sign-in: AdminInitiateAuth with a password or a chosen first factor, the challenge answers
//! (AdminRespondToAuthChallenge), and what a sign-in step produces (routes login, login/start,
//! login/challenge).
use super::client::{CResult, Cognito};
use super::errors::unexpected;
use crate::http::Redacted;
use aws_sdk_cognitoidentityprovider as cip;
use cip::types::{AuthFlowType, ChallengeNameType, ContextDataType, HttpHeader};
use std::collections::HashMap;

/// Where a request came from, for Cognito's threat protection (ContextData).
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub ip: String,
    pub server_name: String,
    pub server_path: String,
    pub user_agent: Option<String>,
}

/// What a sign-in step produced: tokens, or a challenge to answer. `Debug` redacts the session.
#[derive(Clone, PartialEq)]
pub enum AuthOutcome {
    Tokens(Tokens),
    Challenge { name: String, session: String, parameters: HashMap<String, String> },
}

/// `Debug` redacts every token.
#[derive(Clone, PartialEq)]
pub struct Tokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: i32,
    pub token_type: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &Redacted)
            .field("id_token", &self.id_token.as_ref().map(|_| Redacted))
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| Redacted))
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .finish()
    }
}

impl std::fmt::Debug for AuthOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthOutcome::Tokens(t) => f.debug_tuple("Tokens").field(t).finish(),
            AuthOutcome::Challenge { name, parameters, .. } => f
                .debug_struct("Challenge")
                .field("name", name)
                .field("session", &Redacted)
                .field("parameter_names", &parameters.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}

impl Cognito {
    fn context_data(caller: &Caller) -> ContextDataType {
        let headers = caller
            .user_agent
            .iter()
            .map(|ua| HttpHeader::builder().header_name("User-Agent").header_value(ua).build())
            .collect::<Vec<_>>();
        ContextDataType::builder()
            .ip_address(&caller.ip)
            .server_name(&caller.server_name)
            .server_path(&caller.server_path)
            .set_http_headers(Some(headers))
            .build()
            .expect("all required fields are set")
    }

    /// Password sign-in (`AuthFlow=ADMIN_USER_PASSWORD_AUTH`).
    pub async fn password_login(&self, email: &str, password: &str, secret_hash: Option<String>, caller: &Caller) -> CResult<AuthOutcome> {
        self.admin_initiate_auth(AuthFlowType::AdminUserPasswordAuth, [("USERNAME", email), ("PASSWORD", password)], secret_hash, caller).await
    }

    /// Choice-based sign-in (`AuthFlow=USER_AUTH`) asking for one first factor, e.g. `WEB_AUTHN` or
    /// `EMAIL_OTP`, with SECRET_HASH as for every flow of a client with a secret
    /// (<https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html#CognitoUserPools-AdminInitiateAuth-request-AuthParameters>).
    pub async fn user_auth(&self, username: &str, preferred: &str, secret_hash: Option<String>, caller: &Caller) -> CResult<AuthOutcome> {
        self.admin_initiate_auth(AuthFlowType::UserAuth, [("USERNAME", username), ("PREFERRED_CHALLENGE", preferred)], secret_hash, caller).await
    }

    /// AdminInitiateAuth with `flow` and its auth parameters, the caller's ContextData, and
    /// SECRET_HASH when the app client has a secret.
    async fn admin_initiate_auth(
        &self,
        flow: AuthFlowType,
        parameters: [(&str, &str); 2],
        secret_hash: Option<String>,
        caller: &Caller,
    ) -> CResult<AuthOutcome> {
        let mut req = self
            .client
            .admin_initiate_auth()
            .user_pool_id(&self.user_pool_id)
            .client_id(self.client_id())
            .auth_flow(flow)
            .context_data(Self::context_data(caller));
        for (k, v) in parameters {
            req = req.auth_parameters(k, v);
        }
        if let Some(h) = secret_hash {
            req = req.auth_parameters("SECRET_HASH", h);
        }
        let out = req.send().await?;
        auth_outcome(out.authentication_result, out.challenge_name, out.session, out.challenge_parameters)
    }

    pub async fn respond_to_challenge(
        &self,
        challenge: ChallengeNameType,
        session: &str,
        responses: Vec<(&str, &str)>,
        secret_hash: Option<String>,
        caller: &Caller,
    ) -> CResult<AuthOutcome> {
        let mut req = self
            .client
            .admin_respond_to_auth_challenge()
            .user_pool_id(&self.user_pool_id)
            .client_id(self.client_id())
            .challenge_name(challenge)
            .session(session)
            .context_data(Self::context_data(caller));
        for (k, v) in responses {
            req = req.challenge_responses(k, v);
        }
        if let Some(h) = secret_hash {
            req = req.challenge_responses("SECRET_HASH", h);
        }
        let out = req.send().await?;
        auth_outcome(out.authentication_result, out.challenge_name, out.session, out.challenge_parameters)
    }
}

pub(super) fn auth_outcome(
    result: Option<cip::types::AuthenticationResultType>,
    challenge: Option<ChallengeNameType>,
    session: Option<String>,
    parameters: Option<HashMap<String, String>>,
) -> CResult<AuthOutcome> {
    if let Some(r) = result {
        if let Some(access_token) = r.access_token {
            return Ok(AuthOutcome::Tokens(Tokens {
                access_token,
                id_token: r.id_token,
                refresh_token: r.refresh_token,
                expires_in: r.expires_in,
                token_type: r.token_type.unwrap_or_else(|| "Bearer".into()),
            }));
        }
    }
    match (challenge, session) {
        (Some(c), Some(session)) => Ok(AuthOutcome::Challenge {
            name: c.as_str().to_string(),
            session,
            parameters: parameters.unwrap_or_default(),
        }),
        // Neither tokens nor an answerable challenge: never an empty body; a server-side fault.
        _ => Err(unexpected("NoTokensNoChallenge")),
    }
}
