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
