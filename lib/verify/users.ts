// The throwaway users verify works on, and nobody else: each is created here with admin calls (no email is sent:
// MessageAction SUPPRESS, email_verified true), every admin call names a user this object created, and all of them are
// deleted at the end, also after a failure or Ctrl-C (cli.ts calls cleanup from its signal handlers).
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
import * as crypto from 'crypto';
import {
  AdminCreateUserCommand, AdminDeleteUserCommand, AdminGetUserCommand, AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

/** What a throwaway user is for; one user per role, created when a check first needs it. */
export const USER_ROLES = {
  main: 'password sign-in, tokens, refresh rotation, passkeys, account flows, then deletion through the API',
  mfa: 'TOTP enrolment and the SOFTWARE_TOKEN_MFA login (a user with MFA cannot use passwordless factors)',
  lockout: 'wrong passwords until Cognito\'s lockout, which also counts in FailedLogins',
  lockoutReset: 'wrong passwords around a successful login: does the success reset the lockout count?',
  newPassword: 'created with a temporary password only: NEW_PASSWORD_REQUIRED through /auth/login/challenge',
  signedOut: 'signed out, then DELETE /auth/user with its dead token must leave it in place',
  idToken: 'its ID token is sent to every bearer route (acting on this user alone should one be taken)',
} as const;
export type UserRole = keyof typeof USER_ROLES;

export interface ThrowawayUser {
  readonly role: UserRole;
  readonly email: string;
  /** Cognito's username (the sub when email is an alias). */
  readonly username: string;
  password: string;
}

/** A password the pool's policy accepts (12+ characters, all four classes), fresh per user. */
export function newPassword(): string {
  return `Vf-${crypto.randomBytes(12).toString('base64url')}a9A!`;
}

export class ThrowawayUsers {
  private readonly users = new Map<UserRole, ThrowawayUser>();
  private readonly deleted = new Set<string>();
  /** Admin calls made, in order (for the report and the tests). */
  public readonly calls: string[] = [];

  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    /** Unique per run: part of every address. */
    public readonly runId: string,
    private readonly emailDomain: string,
  ) {}

  emailFor(role: UserRole): string {
    return `cognito-auth-api-verify+${this.runId}-${role.toLowerCase()}@${this.emailDomain}`;
  }

  /** The user of a role, created on first use (with a permanent password unless `temporaryOnly`). */
  async get(role: UserRole, o: { temporaryOnly?: boolean } = {}): Promise<ThrowawayUser> {
    const existing = this.users.get(role);
    if (existing) return existing;
    const email = this.emailFor(role);
    const password = newPassword();
    this.calls.push(`AdminCreateUser ${email}`);
    const created = await this.cognito.send(new AdminCreateUserCommand({
      UserPoolId: this.userPoolId,
      Username: email,
      TemporaryPassword: password,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
    }));
    const user: ThrowawayUser = { role, email, username: created.User?.Username ?? email, password };
    this.users.set(role, user);
    if (!o.temporaryOnly) {
      user.password = newPassword();
      await this.setPassword(user, user.password);
    }
    return user;
  }

  async setPassword(user: ThrowawayUser, password: string): Promise<void> {
    this.own(user);
    this.calls.push(`AdminSetUserPassword ${user.email}`);
    await this.cognito.send(new AdminSetUserPasswordCommand({ UserPoolId: this.userPoolId, Username: user.username, Password: password, Permanent: true }));
    user.password = password;
  }

  /** Whether the user still exists (AdminGetUser). */
  async exists(user: ThrowawayUser): Promise<boolean> {
    this.own(user);
    this.calls.push(`AdminGetUser ${user.email}`);
    try {
      await this.cognito.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: user.username }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'UserNotFoundException') return false;
      throw e;
    }
  }

  /** A check deleted the user through the API: nothing left to clean up. */
  markDeleted(user: ThrowawayUser): void {
    this.own(user);
    this.deleted.add(user.username);
  }

  created(): ThrowawayUser[] {
    return [...this.users.values()];
  }

  /** Deletes every user this run created that is not already gone; answers what it did, one line per user. */
  async cleanup(): Promise<string[]> {
    const lines: string[] = [];
    for (const user of this.users.values()) {
      if (this.deleted.has(user.username)) {
        lines.push(`${user.email}: already deleted`);
        continue;
      }
      this.calls.push(`AdminDeleteUser ${user.email}`);
      try {
        await this.cognito.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: user.username }));
        lines.push(`${user.email}: deleted`);
      } catch (e) {
        if ((e as Error).name === 'UserNotFoundException') lines.push(`${user.email}: already gone`);
        else lines.push(`${user.email}: NOT deleted (${(e as Error).name}: ${(e as Error).message}); delete it by hand`);
      }
      this.deleted.add(user.username);
    }
    return lines;
  }

  /** The guard: an admin call may only name a user this run created. */
  private own(user: ThrowawayUser): void {
    if (this.users.get(user.role) !== user) throw new Error(`refusing an admin call on ${user.email}: not created by this run`);
  }
}
