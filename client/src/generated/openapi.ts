// GENERATED from cdk/openapi.json by client/scripts/generate.mjs (openapi-typescript). Do not edit:
// run `npm run gen` in client/ (or `make openapi`); `npm run gen:check` fails when this file is stale.

export interface paths {
    "/auth/federation/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where Cognito returns a federated sign-in: check its state and hand the session to the app's return address */
        get: operations["federationCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/federation/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Start a federated sign-in: redirect the browser to the named identity provider through Cognito */
        get: operations["federationStart"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/federation/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Redeem a federated sign-in's hand-off for tokens (once) */
        post: operations["federationToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with email and password; answers tokens or a challenge
         * @description Cognito trigger preTokenGeneration (on with the `tokenClaims` prop): With tokenClaims set, the ID and access tokens this operation returns carry the roles claim (default name roles) of the user's groups, and the access token's scope also lists the configured scopes (an app's own rules, apps.<id>, for that app's tokens); a refresh recomputes them from the user's groups at that time. If the trigger fails, no tokens are issued: 503 service_unavailable with Retry-After.
         *
         *     Cognito trigger userMigration (on with the `userMigration` prop): With userMigration set, a sign-in (or a password reset) for an address the pool does not know asks the legacy endpoint; when it vouches for the password, the account is created, confirmed, with that password and no email, and the sign-in succeeds. Every other outcome (unknown there, wrong password, endpoint down, slow or answering garbage) answers exactly as for an unknown user (401 invalid_credentials; the reset's usual 202) and creates nothing.
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login/challenge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish a login that returned a challenge (TOTP code, new password, emailed code, passkey)
         * @description Cognito trigger preTokenGeneration (on with the `tokenClaims` prop): With tokenClaims set, the ID and access tokens this operation returns carry the roles claim (default name roles) of the user's groups, and the access token's scope also lists the configured scopes (an app's own rules, apps.<id>, for that app's tokens); a refresh recomputes them from the user's groups at that time. If the trigger fails, no tokens are issued: 503 service_unavailable with Retry-After.
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["loginChallenge"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in without a password: the first factors offered, or a passkey or emailed-code challenge
         * @description Cognito trigger preTokenGeneration (on with the `tokenClaims` prop): With tokenClaims set, the ID and access tokens this operation returns carry the roles claim (default name roles) of the user's groups, and the access token's scope also lists the configured scopes (an app's own rules, apps.<id>, for that app's tokens); a refresh recomputes them from the user's groups at that time. If the trigger fails, no tokens are issued: 503 service_unavailable with Retry-After.
         *
         *     Cognito trigger userMigration (on with the `userMigration` prop): With userMigration set, a sign-in (or a password reset) for an address the pool does not know asks the legacy endpoint; when it vouches for the password, the account is created, confirmed, with that password and no email, and the sign-in succeeds. Every other outcome (unknown there, wrong password, endpoint down, slow or answering garbage) answers exactly as for an unknown user (401 invalid_credentials; the reset's usual 202) and creates nothing.
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["loginStart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out everywhere and revoke the refresh token */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/totp/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start TOTP enrolment (current password required): a secret and an otpauth:// URI
         * @description Cognito trigger preTokenGeneration (on with the `tokenClaims` prop): With tokenClaims set, the ID and access tokens this operation returns carry the roles claim (default name roles) of the user's groups, and the access token's scope also lists the configured scopes (an app's own rules, apps.<id>, for that app's tokens); a refresh recomputes them from the user's groups at that time. If the trigger fails, no tokens are issued: 503 service_unavailable with Retry-After.
         *
         *     Cognito trigger userMigration (on with the `userMigration` prop): With userMigration set, a sign-in (or a password reset) for an address the pool does not know asks the legacy endpoint; when it vouches for the password, the account is created, confirmed, with that password and no email, and the sign-in succeeds. Every other outcome (unknown there, wrong password, endpoint down, slow or answering garbage) answers exactly as for an unknown user (401 invalid_credentials; the reset's usual 202) and creates nothing.
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["totpSetup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/mfa/totp/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify the first TOTP code and make TOTP the user's MFA method */
        post: operations["totpVerify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API's OpenAPI 3.1 document */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkey": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove one of the signed-in user's passkeys */
        delete: operations["passkeyDelete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user's passkeys */
        get: operations["passkeysList"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys/register/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Finish adding a passkey with the browser's registration response */
        post: operations["passkeyRegisterComplete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/passkeys/register/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start adding a passkey (current password required): WebAuthn creation options
         * @description Cognito trigger preTokenGeneration (on with the `tokenClaims` prop): With tokenClaims set, the ID and access tokens this operation returns carry the roles claim (default name roles) of the user's groups, and the access token's scope also lists the configured scopes (an app's own rules, apps.<id>, for that app's tokens); a refresh recomputes them from the user's groups at that time. If the trigger fails, no tokens are issued: 503 service_unavailable with Retry-After.
         *
         *     Cognito trigger userMigration (on with the `userMigration` prop): With userMigration set, a sign-in (or a password reset) for an address the pool does not know asks the legacy endpoint; when it vouches for the password, the account is created, confirmed, with that password and no email, and the sign-in succeeds. Every other outcome (unknown there, wrong password, endpoint down, slow or answering garbage) answers exactly as for an unknown user (401 invalid_credentials; the reset's usual 202) and creates nothing.
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["passkeyRegisterStart"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password/change": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the signed-in user's password */
        post: operations["passwordChange"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password/forgot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a password reset; the same answer whether or not the email exists
         * @description Cognito trigger userMigration (on with the `userMigration` prop): With userMigration set, a sign-in (or a password reset) for an address the pool does not know asks the legacy endpoint; when it vouches for the password, the account is created, confirmed, with that password and no email, and the sign-in succeeds. Every other outcome (unknown there, wrong password, endpoint down, slow or answering garbage) answers exactly as for an unknown user (401 invalid_credentials; the reset's usual 202) and creates nothing.
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["passwordForgot"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/password/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with the emailed reset code */
        post: operations["passwordReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a refresh token for new access, id and refresh tokens (the one sent is rotated out)
         * @description Cognito trigger preTokenGeneration (on with the `tokenClaims` prop): With tokenClaims set, the ID and access tokens this operation returns carry the roles claim (default name roles) of the user's groups, and the access token's scope also lists the configured scopes (an app's own rules, apps.<id>, for that app's tokens); a refresh recomputes them from the user's groups at that time. If the trigger fails, no tokens are issued: 503 service_unavailable with Retry-After.
         */
        post: operations["refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an unconfirmed user and send a confirmation code
         * @description Cognito trigger preSignUp (on with the `signUpEmailDomains` prop): With signUpEmailDomains set, a sign-up whose address is outside those domains is refused with 403 sign_up_not_allowed (the same answer whether or not the address has an account; no user is created).
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a new confirmation code
         * @description Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        post: operations["resend"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/user": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete the signed-in user's own account (current password required)
         * @description Cognito trigger preTokenGeneration (on with the `tokenClaims` prop): With tokenClaims set, the ID and access tokens this operation returns carry the roles claim (default name roles) of the user's groups, and the access token's scope also lists the configured scopes (an app's own rules, apps.<id>, for that app's tokens); a refresh recomputes them from the user's groups at that time. If the trigger fails, no tokens are issued: 503 service_unavailable with Retry-After.
         *
         *     Cognito trigger userMigration (on with the `userMigration` prop): With userMigration set, a sign-in (or a password reset) for an address the pool does not know asks the legacy endpoint; when it vouches for the password, the account is created, confirmed, with that password and no email, and the sign-in succeeds. Every other outcome (unknown there, wrong password, endpoint down, slow or answering garbage) answers exactly as for an unknown user (401 invalid_credentials; the reset's usual 202) and creates nothing.
         *
         *     Cognito trigger customMessage (on with the `customMessages` prop): With customMessages set, any email this operation makes Cognito send (a confirmation, reset or emailed sign-in code; a password sign-in sends none) is the branded template of cdk/messages.json (the product name and links of the prop); the answer itself is unchanged. If the trigger fails, Cognito sends nothing and the operation fails: 503 service_unavailable with Retry-After.
         */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/userinfo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user's profile */
        get: operations["userinfo"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm a registration with the emailed code */
        post: operations["verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        RegisterRequest: {
            /** @description The address to register; it becomes the sign-in name. */
            email: string;
            /** @description Checked against the user pool's password policy. */
            password: string;
        };
        CodeSentResponse: {
            message: string;
            codeDelivery: components["schemas"]["CodeDelivery"];
        };
        CodeDelivery: {
            /** @description Always `EMAIL`. */
            medium: string;
            /** @description The masked address, e.g. `j***@e***`. */
            destination: string;
        };
        VerifyRequest: {
            email: string;
            /** @description The code emailed at registration. */
            code: string;
        };
        VerifyResponse: {
            confirmed: boolean;
        };
        ResendRequest: {
            email: string;
        };
        LoginRequest: {
            email: string;
            password: string;
        };
        /** @description A login step's answer: tokens, or a challenge to answer at `/auth/login/challenge`. */
        LoginResponse: components["schemas"]["TokenResponse"] | components["schemas"]["ChallengeResponse"];
        /** @description No `Debug`: it holds tokens. */
        TokenResponse: {
            /** @description Send as `Authorization: Bearer <accessToken>`. */
            accessToken: string;
            idToken?: string | null;
            /**
             * @description Login: the session's refresh token. Refresh: its replacement (refresh-token rotation); keep
             *     it instead of the one sent, which stops working after the grace period. Absent only when
             *     an app client without rotation answers a refresh (the token sent then stays valid), and in
             *     browser session mode, where the refresh token is in the `auth_refresh` cookie instead.
             */
            refreshToken?: string | null;
            /**
             * Format: int32
             * @description Seconds until the access and id tokens expire.
             */
            expiresIn: number;
            /** @description Always `Bearer`. */
            tokenType: string;
            /** @description The Cognito username (the user's `sub`). */
            username?: string | null;
        };
        /** @description No `Debug`: it holds the challenge session. */
        ChallengeResponse: {
            /** @description Cognito's challenge name, e.g. `SOFTWARE_TOKEN_MFA` or `NEW_PASSWORD_REQUIRED`. */
            challenge: string;
            /**
             * @description Pass back to `/auth/login/challenge` unchanged (it carries the account it belongs to). Not
             *     needed to answer `SELECT_CHALLENGE`.
             */
            session: string;
            /**
             * @description `SELECT_CHALLENGE` only: the first factors the pool offers (the same list for every
             *     address). Answer `WEB_AUTHN` or `EMAIL_OTP` with `POST /auth/login/start {email,
             *     preferredChallenge}`; `PASSWORD` means `POST /auth/login`.
             */
            availableChallenges?: string[] | null;
            /**
             * @description `WEB_AUTHN` only: PublicKeyCredentialRequestOptionsJSON for `navigator.credentials.get`
             *     (`challenge`, `rpId`, `timeout`, `userVerification`; `allowCredentials` always empty).
             */
            credentialRequestOptions?: {
                [key: string]: unknown;
            } | null;
            /** @description `EMAIL_OTP` only: where the code went, masked (`j***@e***`). */
            codeDeliveryDestination?: string | null;
        };
        LoginChallengeRequest: {
            email: string;
            /**
             * @description The `challenge` login (or login/start) answered.
             * @enum {string}
             */
            challenge: "SOFTWARE_TOKEN_MFA" | "NEW_PASSWORD_REQUIRED" | "EMAIL_OTP" | "WEB_AUTHN";
            /** @description The `session` login answered. */
            session: string;
            /** @description The TOTP code, the new password, or the emailed code. Not for `WEB_AUTHN`. */
            answer?: string | null;
            /** @description `WEB_AUTHN` only: the AuthenticationResponseJSON of `navigator.credentials.get`. */
            credential?: {
                [key: string]: unknown;
            } | null;
        };
        /**
         * @description The refresh token alone: a `username` that older clients still send is ignored. Any refused
         *     token is 401 `invalid_refresh_token`: unknown, expired, revoked (logout), or replaced by
         *     rotation and presented after the app client's retry grace period (also an audit event).
         */
        RefreshRequest: {
            /**
             * @description The refresh token from login or from the previous refresh (each refresh answers a new one
             *     that replaces it). Required, except in browser session mode, where the `auth_refresh` cookie
             *     carries it.
             */
            refreshToken?: string | null;
        };
        UserInfoResponse: {
            sub: string;
            /** @description The Cognito username (equal to `sub` in an email sign-in pool). */
            username: string;
            email?: string | null;
            emailVerified: boolean;
            /** @description Every user attribute Cognito holds, by name. */
            attributes: {
                [key: string]: string;
            };
            mfaEnabled: boolean;
            /** @description e.g. `SOFTWARE_TOKEN_MFA`. */
            preferredMfa?: string | null;
        };
        LogoutRequest: {
            /**
             * @description Also revoke this refresh token (optional; GlobalSignOut already ends every session of the
             *     signed-in user). In browser session mode, the session cookie's is revoked when this is absent.
             */
            refreshToken?: string | null;
            /**
             * @description `false`: sign out of the calling app only (its refresh token, required here, is revoked with
             *     every token issued from it; the user's other apps and devices stay signed in). Absent or
             *     `true`: sign out everywhere (GlobalSignOut: every app of the pool, every device).
             */
            everywhere?: boolean | null;
        };
        LogoutResponse: {
            signedOut: boolean;
            /** @description Whether every session of the user ended (GlobalSignOut) or the calling app's only. */
            everywhere: boolean;
            /**
             * @description True only when Cognito accepted the revocation of the given refresh token; false when none
             *     was given or Cognito refused it (not a refresh token of this app client, or unreachable).
             */
            refreshTokenRevoked: boolean;
        };
        PasswordForgotRequest: {
            email: string;
        };
        PasswordResetRequest: {
            email: string;
            /** @description The emailed reset code. */
            code: string;
            newPassword: string;
        };
        PasswordResetResponse: {
            passwordReset: boolean;
        };
        PasswordChangeRequest: {
            currentPassword: string;
            newPassword: string;
        };
        PasswordChangeResponse: {
            passwordChanged: boolean;
        };
        TotpSetupRequest: {
            /** @description The account's current password: a stolen access token alone cannot replace the authenticator. */
            currentPassword: string;
        };
        TotpSetupResponse: {
            /** @description The shared secret (base32), for manual entry. */
            secret: string;
            /** @description The same secret as an `otpauth://` URI (show it as a QR code). */
            otpauthUri: string;
        };
        TotpVerifyRequest: {
            /** @description The current code from the authenticator app. */
            code: string;
            /** @description A name for the authenticator (optional, up to 64 characters). */
            deviceName?: string | null;
        };
        TotpVerifyResponse: {
            mfaEnabled: boolean;
            /** @description Always `TOTP`. */
            method: string;
        };
        DeleteUserRequest: {
            /** @description The account's current password: a stolen access token alone cannot delete the account. */
            currentPassword: string;
        };
        DeleteUserResponse: {
            deleted: boolean;
        };
        LoginStartRequest: {
            email: string;
            /**
             * @description Skip the choice: `WEB_AUTHN` (passkey) or `EMAIL_OTP` (emailed code). Password sign-in is
             *     `POST /auth/login`.
             * @enum {string|null}
             */
            preferredChallenge?: "WEB_AUTHN" | "EMAIL_OTP" | null;
        };
        PasskeyRegisterStartRequest: {
            /** @description The account's current password: a stolen access token alone cannot add a passkey. */
            currentPassword: string;
        };
        PasskeyRegisterStartResponse: {
            /**
             * @description PublicKeyCredentialCreationOptionsJSON, as Cognito gives it: pass it to
             *     `PublicKeyCredential.parseCreationOptionsFromJSON` (or a WebAuthn browser library).
             */
            options: {
                [key: string]: unknown;
            };
        };
        PasskeyRegisterCompleteRequest: {
            /** @description RegistrationResponseJSON: `navigator.credentials.create(...)` then `.toJSON()`. */
            credential: {
                [key: string]: unknown;
            };
        };
        PasskeyRegisterCompleteResponse: {
            registered: boolean;
        };
        PasskeysResponse: {
            passkeys: components["schemas"]["Passkey"][];
        };
        Passkey: {
            /** @description Send it to `DELETE /auth/passkey` to remove the passkey. */
            credentialId: string;
            /** @description A name Cognito gives the passkey (e.g. from the authenticator's make). */
            friendlyName: string;
            relyingPartyId: string;
            /** @description When it was registered (RFC 3339). */
            createdAt: string;
            /** @description `platform` (built into the device) or `cross-platform` (a security key, a phone), when known. */
            authenticatorAttachment?: string | null;
            /** @description How the browser reaches the authenticator (`internal`, `usb`, `hybrid`, ...). */
            transports: string[];
        };
        PasskeyDeleteRequest: {
            /** @description A `credentialId` from `GET /auth/passkeys`. */
            credentialId: string;
        };
        PasskeyDeleteResponse: {
            deleted: boolean;
        };
        FederationTokenRequest: {
            /** @description The `handoff` query parameter the return address received, unchanged. */
            handoff: string;
        };
        Error: {
            /**
             * @description Stable machine-readable code (see the error table of docs/api.md)
             * @enum {string}
             */
            error: "invalid_password" | "sign_up_not_allowed" | "invalid_json" | "validation_error" | "unsupported_media_type" | "payload_too_large" | "invalid_parameter" | "limit_exceeded" | "too_many_requests" | "forbidden" | "service_unavailable" | "internal_error" | "unknown_app" | "app_mismatch" | "invalid_code" | "expired_code" | "invalid_credentials" | "user_not_confirmed" | "password_reset_required" | "invalid_session" | "invalid_passkey" | "invalid_refresh_token" | "refresh_token_reused" | "origin_not_allowed" | "csrf_header_missing" | "duplicate_session_cookie" | "missing_token" | "invalid_token" | "incorrect_password" | "mfa_already_enabled" | "mfa_not_set_up" | "passkey_limit_reached" | "passkey_rejected" | "passkey_not_found" | "federation_not_configured" | "return_address_not_allowed" | "invalid_handoff";
            /** @description Human-readable explanation; never contains secrets */
            message: string;
            /** @description Quote it when reporting a problem */
            requestId: string;
            /** @description The request field a validation error is about */
            field?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    federationCallback: {
        parameters: {
            query: {
                /** @description The state the start route sealed, as Cognito passes it back */
                state: string;
                /** @description Cognito's authorization code */
                code?: string;
                /** @description Cognito's or the provider's error (e.g. `access_denied`) */
                error?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redirect to the app's return address: with `handoff=<value>` (redeem it with POST /auth/federation/token), with nothing in browser session mode (the refresh cookie is set), or with `error=<code>`. Error codes on the return address: `access_denied`: the user refused consent at the provider (or cancelled its sign-in); `idp_error`: the provider or Cognito answered another error; `provider_not_allowed`: the provider named at start is not one of the API's; `invalid_state`: the callback's state is not one the API gave (altered or from elsewhere); `expired_state`: the sign-in took longer than the state's lifetime (stateTtlSeconds of cdk/federation.json); `state_mismatch`: the callback came to another browser than the one that started it (login CSRF, or a replayed callback); `code_rejected`: Cognito refused the authorization code (already used, expired): start again; `temporarily_unavailable`: Cognito's token endpoint could not be reached: start again later. */
            302: {
                headers: {
                    /** @description Where the browser goes next */
                    Location?: string;
                    /** @description Clears `__Host-auth_federation`; in browser session mode also sets the app's refresh cookie */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error: `validation_error` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `federation_not_configured` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    federationStart: {
        parameters: {
            query: {
                /** @description The identity provider's name on the pool (e.g. `Google`) */
                provider: string;
                /** @description Exactly one of the app's return addresses (no prefix match): where the sign-in ends */
                returnTo: string;
                /** @description The app's id (default: the API's own app, `default`) */
                app?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Redirect to the pool's authorize endpoint for the provider (PKCE S256, a sealed state), setting the browser binding cookie. A provider the API does not have ends on the return address with `error=provider_not_allowed`. Error codes on the return address: `access_denied`: the user refused consent at the provider (or cancelled its sign-in); `idp_error`: the provider or Cognito answered another error; `provider_not_allowed`: the provider named at start is not one of the API's; `invalid_state`: the callback's state is not one the API gave (altered or from elsewhere); `expired_state`: the sign-in took longer than the state's lifetime (stateTtlSeconds of cdk/federation.json); `state_mismatch`: the callback came to another browser than the one that started it (login CSRF, or a replayed callback); `code_rejected`: Cognito refused the authorization code (already used, expired): start again; `temporarily_unavailable`: Cognito's token endpoint could not be reached: start again later. */
            302: {
                headers: {
                    /** @description Where the browser goes next */
                    Location?: string;
                    /** @description Sets `__Host-auth_federation` (the browser binding of the state: HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=stateTtlSeconds) */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error: `validation_error`, `return_address_not_allowed`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `federation_not_configured` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    federationToken: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id; it must be the app the hand-off was given to */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FederationTokenRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description Error: `unknown_app`, `invalid_json`, `validation_error` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `invalid_handoff` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `app_mismatch`, `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `federation_not_configured` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). sets, when the answer holds tokens, the calling app's cookie (`__Host-auth_refresh`, or `__Host-auth_refresh-<app id>` for an app other than `default`): `HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<refresh token validity, 0 to clear>`. The JSON body then has no `refreshToken`. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `invalid_credentials` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `user_not_confirmed`, `password_reset_required`, `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    loginChallenge: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginChallengeRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). sets, when the answer holds tokens, the calling app's cookie (`__Host-auth_refresh`, or `__Host-auth_refresh-<app id>` for an app other than `default`): `HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<refresh token validity, 0 to clear>`. The JSON body then has no `refreshToken`. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Error: `invalid_code`, `expired_code`, `invalid_password`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `invalid_session`, `invalid_passkey` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    loginStart: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginStartRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
                /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). Any non-empty value; required when the refresh token comes from the cookie (a plain HTML form cannot send it). */
                "X-Requested-With"?: string;
            };
            path?: never;
            cookie?: {
                /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). The refresh token of the API's own app (`default`; another app's cookie is `__Host-auth_refresh-<app id>`), used when the body has none; then `Origin` must be one of the API's configured origins and `X-Requested-With` must be sent (403 `origin_not_allowed`, `csrf_header_missing`). */
                "__Host-auth_refresh"?: string;
            };
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["LogoutRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). clears the calling app's cookie (`__Host-auth_refresh`, or `__Host-auth_refresh-<app id>` for an app other than `default`): `HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<refresh token validity, 0 to clear>`. The JSON body then has no `refreshToken`. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LogoutResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `invalid_refresh_token`, `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `origin_not_allowed`, `csrf_header_missing`, `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    totpSetup: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpSetupRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TotpSetupResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `incorrect_password`, `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `mfa_already_enabled` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    totpVerify: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TotpVerifyRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TotpVerifyResponse"];
                };
            };
            /** @description Error: `invalid_code`, `mfa_not_set_up`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Error: `forbidden` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    passkeyDelete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyDeleteRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyDeleteResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `passkey_not_found` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    passkeysList: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeysResponse"];
                };
            };
            /** @description Error: `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    passkeyRegisterComplete: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyRegisterCompleteRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyRegisterCompleteResponse"];
                };
            };
            /** @description Error: `passkey_rejected`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `passkey_limit_reached` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    passkeyRegisterStart: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasskeyRegisterStartRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasskeyRegisterStartResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `incorrect_password`, `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `passkey_limit_reached` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    passwordChange: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordChangeRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasswordChangeResponse"];
                };
            };
            /** @description Error: `invalid_password`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `incorrect_password`, `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    passwordForgot: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordForgotRequest"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CodeSentResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    passwordReset: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PasswordResetResponse"];
                };
            };
            /** @description Error: `invalid_code`, `invalid_password`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    refresh: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
                /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). Any non-empty value; required when the refresh token comes from the cookie (a plain HTML form cannot send it). */
                "X-Requested-With"?: string;
            };
            path?: never;
            cookie?: {
                /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). The refresh token of the API's own app (`default`; another app's cookie is `__Host-auth_refresh-<app id>`), used when the body has none; then `Origin` must be one of the API's configured origins and `X-Requested-With` must be sent (403 `origin_not_allowed`, `csrf_header_missing`). */
                "__Host-auth_refresh"?: string;
            };
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). sets, when the answer holds tokens, the calling app's cookie (`__Host-auth_refresh`, or `__Host-auth_refresh-<app id>` for an app other than `default`): `HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<refresh token validity, 0 to clear>`. The JSON body then has no `refreshToken`. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description Error: `duplicate_session_cookie`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `invalid_refresh_token`, `refresh_token_reused` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `origin_not_allowed`, `csrf_header_missing`, `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterRequest"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CodeSentResponse"];
                };
            };
            /** @description Error: `invalid_password`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `sign_up_not_allowed`, `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resend: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResendRequest"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CodeSentResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DeleteUserRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description Browser session mode only (SESSION_COOKIE=on; docs/api.md "Browser session mode"). clears the calling app's cookie (`__Host-auth_refresh`, or `__Host-auth_refresh-<app id>` for an app other than `default`): `HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<refresh token validity, 0 to clear>`. The JSON body then has no `refreshToken`. */
                    "Set-Cookie"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeleteUserResponse"];
                };
            };
            /** @description Error: `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `incorrect_password`, `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    userinfo: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserInfoResponse"];
                };
            };
            /** @description Error: `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `missing_token`, `invalid_token` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    verify: {
        parameters: {
            query?: never;
            header?: {
                /** @description The calling app's id (docs/api.md "Which app is calling"); without it, the API's own app (default). With a browser's Origin, that origin must be one of the app's */
                "X-App-Id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyResponse"];
                };
            };
            /** @description Error: `invalid_code`, `expired_code`, `invalid_json`, `validation_error`, `invalid_parameter`, `unknown_app` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `forbidden`, `app_mismatch` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `payload_too_large` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `unsupported_media_type` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `limit_exceeded`, `too_many_requests` */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `internal_error` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Error: `service_unavailable` */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
