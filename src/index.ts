export { type Analyzer, type AnalyzerOptions, createAnalyzer, type OpenCallOptions } from "./analyzer.js";
export { CallcueError, ERRORS, type ErrorCode } from "./errors.js";
export type { Call } from "./session/call.js";
export { validateMessage } from "./session/validate.js";
export * from "./types.js";
