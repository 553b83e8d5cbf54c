/** QA reports over recorded calls (issue 5): JSON data and one self-contained HTML page. */
import type { Analyzer } from "../analyzer.js";
import { collectCalls } from "./collect.js";
import { loadMessages } from "./files.js";
import { buildHtmlReport, type HtmlReportOptions } from "./html.js";
import { buildJsonReport, formatJsonReport, type JsonReport } from "./json.js";

export {
  type CallRecord,
  type Collection,
  collectCalls,
  recordCalls,
  type SkippedMessage,
} from "./collect.js";
export { type BadLine, type LoadedMessages, loadMessages } from "./files.js";
export { buildHtmlReport, escapeHtml, type HtmlReportOptions } from "./html.js";
export {
  analyzeCalls,
  buildJsonReport,
  type CallReport,
  formatJsonReport,
  type JsonReport,
  type ReportOptions,
  type WorstCall,
} from "./json.js";
export { QA_PHRASES, TRADITIONAL_TO_SIMPLIFIED } from "./qa-phrases.js";
export {
  type AgentScorecard,
  type CallScorecard,
  type Finding,
  QA_RULES,
  type QaRule,
  type ScorecardOptions,
  scoreAgents,
  scoreCall,
} from "./scorecard.js";

export interface QaReport {
  json: JsonReport;
  /** `json` as text (byte-for-byte stable). */
  jsonText: string;
  html: string;
  files: string[];
  /** Lines that were not JSON plus messages the collector skipped. */
  skipped: number;
}

/** Everything one QA command needs: read the folder(s), replay every call, build both reports. */
export function reportFromPaths(
  paths: readonly string[],
  analyzer: Analyzer,
  options: HtmlReportOptions = {},
): QaReport {
  const loaded = loadMessages(paths);
  const collection = collectCalls(loaded.messages, analyzer);
  const skipped = loaded.badLines.length + collection.skipped.length;
  const opts: HtmlReportOptions = { ...options, skippedMessages: skipped };
  const json = buildJsonReport(collection.records, opts);
  return {
    json,
    jsonText: formatJsonReport(json),
    html: buildHtmlReport(collection.records, opts),
    files: loaded.files,
    skipped,
  };
}
