/**
 * The error catalogue: every error the API can return, with its stable code and HTTP status.
 * Codes are never reused or renamed (clients branch on them); docs/errors.md lists them and a test
 * checks the two agree.
 */
export const ERROR_CATALOGUE = {
  validation_failed: { status: 400, description: 'A field of the request is missing or invalid; `field` names it.' },
  invalid_json: { status: 400, description: 'The body is not valid JSON.' },
  invalid_cursor: { status: 400, description: 'The pagination cursor was not issued by this server.' },
  unauthenticated: { status: 401, description: 'No valid session cookie or API key was sent.' },
  invalid_credentials: { status: 401, description: 'The handle or password is wrong.' },
  sign_in_failed: { status: 401, description: 'Signing in with the OpenID Connect provider did not complete: refused or cancelled there, expired, started in another browser, or its answer did not check out. The app receives it as `?sign_in_error=sign_in_failed`.' },
  forbidden: { status: 403, description: 'The account or key may not do this.' },
  consent_required: { status: 403, description: 'The contributor has no active consent; nothing was stored.' },
  not_found: { status: 404, description: 'No such resource, or it is not visible to the caller.' },
  conflict: { status: 409, description: 'The resource already exists or changed meanwhile.' },
  battle_expired: { status: 409, description: 'The arena battle was left without a turn or a vote for longer than `arenaBattleExpiryMinutes`: it was closed as invalid (`expired`) and its models shown; start a new battle.' },
  handle_taken: { status: 409, description: 'Another account already has this handle.' },
  idempotency_key_reused: { status: 422, description: 'The Idempotency-Key was used before with a different request.' },
  invalid_reference: { status: 422, description: 'A referenced conversation, message, community or model does not exist or does not fit.' },
  invalid_tree: { status: 422, description: 'The message does not fit the conversation tree (parent, turn order, cycle).' },
  terms_outdated: { status: 422, description: 'The consent names terms that are not the current ones.' },
  body_too_large: { status: 413, description: 'The request body is larger than the route accepts.' },
  unsupported_media_type: { status: 415, description: 'The Content-Type is not one the route accepts.' },
  rate_limited: { status: 429, description: 'Too many requests for this account, key or address; retry after `Retry-After` seconds.' },
  daily_cap_reached: { status: 429, description: 'The account recorded as many feedback events today (UTC) as one account may (`dailyFeedbackCap`), by any route (feedback, ingest, arena votes); more are accepted from midnight UTC, which `Retry-After` counts down to in seconds.' },
  release_failed: { status: 422, description: 'A release could not be built or published: a check failed (a personal-data detector still fired on released text, the files changed, the Hub refused); the message says which. Nothing was published.' },
  internal_error: { status: 500, description: 'A fault on the server; the request may be retried.' },
  unavailable: { status: 503, description: 'The server is starting, stopping or overloaded.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The one error type services throw; the HTTP error handler turns it into `{ error: { code, message, field? } }`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly status: number;
  /** Seconds until the request may succeed: sent as the `Retry-After` header (429s). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, field?: string, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
    this.status = ERROR_CATALOGUE[code].status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const notFound = (what: string, field?: string) => new AppError('not_found', `${what} not found`, field);
export const forbidden = (message: string) => new AppError('forbidden', message);
