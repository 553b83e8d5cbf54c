/**
 * The one registry of error codes. Every code has a row in docs/errors.md;
 * test/errors.test.ts keeps the two in sync both ways.
 */
export const ERRORS = {
  CC_ERR_BAD_JSON: "the line or frame is not valid JSON",
  CC_ERR_BAD_MESSAGE: "the message is not an object with a known `type`",
  CC_ERR_BAD_FIELD: "a field is missing or has the wrong type or range",
  CC_ERR_UNKNOWN_CALL: "a chunk or end names a call that was never started",
  CC_ERR_CALL_EXISTS: "a start names a call that is already open",
  CC_ERR_CALL_ENDED: "a message arrived for a call that has ended",
  CC_ERR_BAD_LEXICON: "a lexicon file has a malformed line",
  CC_ERR_BINARY_FRAME: "a binary frame arrived where JSON text is expected",
  CC_ERR_SEQ_GAP: "chunks are missing before this seq; the call goes on without them",
  CC_ERR_SEQ_STALE: "a seq older than the reorder window arrived after newer ones",
  CC_ERR_TOO_MANY_CALLS: "the connection has as many open calls as it may",
  CC_ERR_RATE_LIMITED: "the connection sends more messages per second than allowed",
  CC_ERR_NOT_ENTITLED: "the token does not entitle its holder to this call or agent",
  CC_ERR_BAD_OFFSET: "a resume offset is malformed",
  CC_ERR_UNAUTHORIZED: "no valid token (HTTP 401 before the upgrade)",
  CC_ERR_FORBIDDEN: "the token's role or the Origin is not allowed on this path (HTTP 403)",
  CC_ERR_TOKEN_EXPIRED: "the token expired; the socket is closed",
  CC_ERR_SHUTTING_DOWN: "the server is shutting down",
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a stable `CC_ERR_*` code, safe to show to clients (never contains transcript text). */
export class CallcueError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "CallcueError";
  }
}
