import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOGUE, type ErrorCode } from '../errors.js';
import { isUniqueViolation } from '../store/database-errors.js';

/** The one JSON shape of every error response. */
export function errorBody(code: ErrorCode, message: string, field?: string) {
  return { error: { code, message, ...(field !== undefined && { field }) } };
}

/** Fastify's own errors (body parsing, limits, media types) mapped onto the catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'validation_failed',
};

/**
 * Picks the response and the log level for any error: catalogue errors as they are (logged at
 * debug: the client's mistake), other 4xx by their status, and anything else as `internal_error`
 * (logged at error with the stack; the client sees no internals).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      request.log.debug({ code: error.code, field: error.field }, error.message);
      if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.status(error.status).send(errorBody(error.code, error.message, error.field));
    }
    if (isUniqueViolation(error)) {
      return reply.status(409).send(errorBody('conflict', 'another request created the same record at the same moment; read it, or retry'));
    }
    const mapped = error.code === undefined ? undefined : FASTIFY_CODES[error.code];
    if (mapped !== undefined) return reply.status(ERROR_CATALOGUE[mapped].status).send(errorBody(mapped, error.message));
    if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
      return reply.status(400).send(errorBody('invalid_json', 'the body is not valid JSON'));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = statusCode(status);
      return reply.status(ERROR_CATALOGUE[code].status).send(errorBody(code, error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send(errorBody('internal_error', 'something went wrong on the server; the request can be retried'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}

/**
 * Fastify's router answers a few malformed URLs itself, before any hook or the error handler runs
 * (bad percent-encoding, an over-long path parameter), with a body of its own shape and, for the
 * latter, a 414 the catalogue does not know. Passed as the `frameworkErrors` option, this gives them
 * the one error shape (found by test/bad-input-fuzz.test.ts).
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.status(400).send(errorBody('validation_failed', error.message));
    return;
  }
  request.log.error({ err: error }, 'request failed in the router');
  void reply.status(500).send(errorBody('internal_error', 'something went wrong on the server; the request can be retried'));
}

function statusCode(status: number): ErrorCode {
  switch (status) {
    case 429:
      return 'rate_limited';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'body_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return 'validation_failed';
  }
}
