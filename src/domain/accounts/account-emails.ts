/**
 * The emails of local accounts (sign-in, passwords, email changes, invitations). Dates and times arrive
 * as text already written for the recipient: exact, in their time zone and locale, with the zone's name
 * (formatExactWithZone), whatever their fuzzy-date choice, since a security notice is read later and
 * must say exactly when.
 */
export type AccountEmailModel =
  | {
      readonly template: 'password-reset';
      readonly data: {
        readonly username: string;
        readonly resetUrl: string;
        readonly validMinutes: number;
        /** When the link stops working, e.g. "29 Nov 2026, 07:12 CET". */
        readonly validUntil: string;
      };
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
        /** When the password changed, e.g. "29 Nov 2026, 06:12 CET". */
        readonly when: string;
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
        readonly validUntil: string;
      };
    }
  | {
      readonly template: 'email-changed';
      readonly data: {
        readonly username: string;
        readonly newEmail: string;
        /** When the address changed. */
        readonly when: string;
        readonly undoUrl: string;
        readonly validDays: number;
        readonly validUntil: string;
      };
    }
  | {
      readonly template: 'account-locked';
      readonly data: {
        readonly username: string;
        readonly minutes: number;
        /** When the lock started and when it ends. */
        readonly when: string;
        readonly lockedUntil: string;
      } & (
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
        readonly validUntil: string;
      };
    };
