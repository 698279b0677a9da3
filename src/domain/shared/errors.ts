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

/** A field's dotted path in words, for people: `types.2.channels` is "channels in item 3 of types". */
export function fieldInWords(field: string): string {
  if (field === '' || field === '(body)') return 'the request body';
  const segments = field.split('.');
  const parts: string[] = [];
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i]!;
    if (/^\d+$/.test(segment)) {
      const item = `item ${Number(segment) + 1}`;
      const list = i > 0 ? segments[i - 1] : undefined;
      if (list !== undefined && !/^\d+$/.test(list)) {
        parts.push(`${item} of ${list}`);
        i--;
      } else parts.push(item);
    } else parts.push(segment);
  }
  return parts.join(' in ');
}

const SHOWN_ISSUES = 10;

/** "Check these fields: …." naming each field in words (not as a path), at most ten of them. */
export function checkFieldsMessage(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, SHOWN_ISSUES).map((i) => `${fieldInWords(i.field)}: ${i.message}`);
  const more = issues.length > SHOWN_ISSUES ? ` (and ${issues.length - SHOWN_ISSUES} more)` : '';
  return `Check ${issues.length === 1 ? 'this field' : 'these fields'}: ${shown.join('; ')}${more}.`;
}
