/**
 * The one error vocabulary of Concierge. A domain error carries a stable `code` (never derived from
 * the message), a `message` written for the person in front of the screen, and, separately, a `logDetail`
 * for operators. The HTTP layer maps each code to a status in one place.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'invalid_credentials'
  | 'too_many_requests'
  | 'setup_unavailable'
  | 'setup_token_invalid'
  | 'password_policy'
  | 'password_mismatch'
  | 'username_taken'
  | 'email_taken'
  | 'username_admin_only'
  | 'password_managed_externally'
  | 'field_managed_externally'
  | 'provider_unavailable'
  | 'notification_locked'
  | 'idempotency_conflict'
  | 'unavailable'
  | 'account_disabled'
  | 'current_password_incorrect'
  | 'token_invalid'
  | 'last_admin'
  | 'invalid_image'
  | 'image_too_large'
  | 'unsupported_media_type';

export interface FieldIssue {
  /** Dotted path of the field in the request, e.g. `preferences.timeZone`. */
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      readonly issues?: readonly FieldIssue[];
      readonly retryAfterSeconds?: number;
      readonly logDetail?: string;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  }
}

/** True when `error` is a DomainError with the given code. */
export function hasCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof DomainError && error.code === code;
}
