"""Admin user management: AdminCreateUser (with the pre sign-up trigger), AdminDeleteUser, AdminDisableUser,
AdminResetUserPassword (the other Admin* operations live with their feature: sign-in in signin.py,
sign-out in tokens.py, MFA preference in mfa.py).
"""

from __future__ import annotations

from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult

import secrets

from codes import issue_code
from core import CognitoError, find_user
import messages
import triggers
from sessions import drop_sessions
from tokens import revoke_tokens
from users import delete_user_everywhere

class AdminOperations(CognitoIdpResponse):
    """Admin user management."""

    def admin_create_user(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        username = self._get_param("Username")
        if self._get_param("MessageAction") != "RESEND":
            attributes = {a["Name"]: a.get("Value", "") for a in self._get_param("UserAttributes", []) or [] if isinstance(a, dict) and "Name" in a}
            # PreSignUp_AdminCreateUser: no app client ("CLIENT_ID_NOT_APPLICABLE", as deployed pools
            # send it); its response flags are ignored (the pre sign-up page).
            triggers.pre_sign_up(
                pool, "PreSignUp_AdminCreateUser", username, "CLIENT_ID_NOT_APPLICABLE", self.headers.get("User-Agent"),
                attributes, self._get_param("ValidationData"), self._get_param("ClientMetadata"),
            )
            if find_user(pool, username) is not None:
                raise CognitoError("UsernameExistsException", "User account already exists")
            temporary = self._get_param("TemporaryPassword")
            if temporary is not None:
                self.backend._validate_password(pool.id, temporary)
        result = super().admin_create_user()
        if self._get_param("MessageAction") != "SUPPRESS":
            self._send_invitation(pool, username)
        return result

    def _send_invitation(self, pool, username: str) -> None:
        """The invitation with the user name and temporary password (CustomMessage_AdminCreateUser, no app
        client); when it fails, so does the operation, and a new user is not kept."""
        user = find_user(pool, username)
        if user is None or not user.attribute_lookup.get("email"):
            return
        if user.password is None:
            # Cognito generates the temporary password when none is given (the policy's classes, 16 characters).
            user.password = "Aa1!" + secrets.token_urlsafe(12)
        try:
            messages.send(pool, user, messages.INVITATION, "CLIENT_ID_NOT_APPLICABLE", user.password, self._get_param("ClientMetadata"))
        except CognitoError:
            if self._get_param("MessageAction") != "RESEND":
                pool.users.pop(user.username, None)
            raise

    def admin_delete_user(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = self.backend.admin_get_user(pool.id, self._get_param("Username"))
        delete_user_everywhere(self.backend, pool, user)
        return EmptyResult()

    def admin_disable_user(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = self.backend.admin_get_user(pool.id, self._get_param("Username"))
        user.enabled = False
        revoke_tokens(pool.id, username=user.username, kinds=("access", "id"))
        drop_sessions(pool.id, user.username)
        return EmptyResult()

    def admin_reset_user_password(self) -> ActionResult:
        pool = self.backend.describe_user_pool(self._get_param("UserPoolId"))
        user = self.backend.admin_get_user(pool.id, self._get_param("Username"))
        self.backend.admin_reset_user_password(pool.id, user.username)
        issue_code(user, "reset")
        return EmptyResult()
