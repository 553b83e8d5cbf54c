import { CallcueError } from "./errors.js";
import type { CompiledLexicon } from "./lexicon/compile.js";
import { Lexicon } from "./lexicon/lexicon.js";
import { loadCompiledLexicon } from "./lexicon/load.js";
import { TechniqueCatalog } from "./policy/techniques.js";
import { Call, type CallContext, type CallSettings, createCallContext } from "./session/call.js";
import type { StartMessage } from "./types.js";

export interface AnalyzerOptions {
  /** A compiled lexicon; default: `dist/lexicon.json`, built from `lexicons/` by `npm run build`. */
  lexicon?: CompiledLexicon;
  /** Folder with the technique catalogue; default `lexicons/techniques`. */
  techniquesDir?: string;
  /** How fast customer-type evidence fades. @default 300000 (5 min) */
  typeHalfLifeMs?: number;
  /** How fast tone heat fades. @default 30000 */
  toneHalfLifeMs?: number;
  /** Call time per final utterance when chunks carry no timestamps (text chat, old recordings). @default 4000 */
  untimedTurnMs?: number;
  /** QA scorecard: empathy or apology expected within this long after the customer's anger. @default 30000 */
  empathyWithinMs?: number;
}

export interface OpenCallOptions {
  callId: string;
  /** Declared language tag (SPEC §2); detected per chunk when absent. */
  language?: string;
  /** ASR vendor format of the call's `vendor` messages (docs/adapters.md), and its channel map. */
  format?: string;
  channelMap?: Record<string, "customer" | "agent">;
}

export interface Analyzer {
  openCall(options: OpenCallOptions): Call;
  /** The shared, immutable lexicon (pattern counts, memory, build time). */
  readonly lexicon: Lexicon;
}

/**
 * Creates an analyzer: compiles the lexicon automaton once (≈ tens of ms) and
 * shares it, read-only, with every call it opens.
 *
 * @example
 * const analyzer = createAnalyzer();
 * const call = analyzer.openCall({ callId: "c-1", language: "zh-Hans" });
 * const events = call.push({ type: "chunk", callId: "c-1", seq: 1, speaker: "customer", text: "我要投诉到国家局" });
 * const summary = call.end();
 */
export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const lexicon = new Lexicon(options.lexicon ?? loadCompiledLexicon());
  const catalog = new TechniqueCatalog(options.techniquesDir);
  const settings: CallSettings = {
    typeHalfLifeMs: options.typeHalfLifeMs ?? 300_000,
    toneHalfLifeMs: options.toneHalfLifeMs ?? 30_000,
    untimedTurnMs: options.untimedTurnMs ?? 4_000,
    empathyWithinMs: options.empathyWithinMs ?? 30_000,
  };
  const ctx: CallContext = createCallContext(lexicon, catalog, settings);
  return {
    lexicon,
    openCall({ callId, language, format, channelMap }: OpenCallOptions): Call {
      if (typeof callId !== "string" || callId.length === 0)
        throw new CallcueError("CC_ERR_BAD_FIELD", "callId must be a non-empty string");
      return new Call(
        ctx,
        callId,
        language,
        format ? { format, ...(channelMap ? { channelMap } : {}) } : undefined,
      );
    },
  };
}

/** The analyzer options a `start` message asks for (language, and a vendor format with its channel map). */
export function openOptions(m: StartMessage): OpenCallOptions {
  const o: OpenCallOptions = { callId: m.callId };
  if (m.language) o.language = m.language;
  if (m.format) o.format = m.format;
  if (m.channelMap) o.channelMap = m.channelMap;
  return o;
}
