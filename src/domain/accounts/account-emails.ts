/** The emails of local accounts (sign-in, passwords, email changes, invitations). */
export type AccountEmailModel =
  | {
      readonly template: 'password-reset';
      readonly data: { readonly username: string; readonly resetUrl: string; readonly validMinutes: number };
    }
  | {
      /** Sent instead of a reset link to accounts whose password another system manages. */
      readonly template: 'password-help';
      readonly data: { readonly username: string; readonly providerName: string; readonly contact: string };
    }
  | {
      readonly template: 'password-changed';
      readonly data: {
        readonly username: string;
        /** ISO 8601 instant of the change. */
        readonly changedAt: string;
        readonly how: 'changed' | 'reset';
        readonly forgotUrl: string;
      };
    }
  | {
      readonly template: 'email-verify';
      readonly data: {
        readonly username: string;
        readonly newEmail: string;
        readonly verifyUrl: string;
        readonly validHours: number;
      };
    }
  | {
      readonly template: 'email-changed';
      readonly data: {
        readonly username: string;
        readonly newEmail: string;
        readonly undoUrl: string;
        readonly validDays: number;
      };
    }
  | {
      readonly template: 'account-locked';
      readonly data: { readonly username: string; readonly minutes: number } & (
        | { readonly forgotUrl: string }
        /** An account whose password another system keeps: whom to ask, since no reset link would help. */
        | { readonly managedBy: { readonly providerName: string; readonly contact: string } }
      );
    }
  | {
      readonly template: 'invitation';
      readonly data: {
        readonly username: string;
        readonly invitedBy: string | null;
        readonly setPasswordUrl: string;
        readonly validDays: number;
      };
    };
