import { ADAPTERS, adapterFor } from "../adapters/index.js";
import { CallcueError } from "../errors.js";
import type {
  ChunkMessage,
  EndMessage,
  Speaker,
  StartMessage,
  VendorMessage,
  WireMessage,
  Word,
} from "../types.js";

/** Longest chunk text accepted (characters); the server's frame cap is smaller anyway. */
export const MAX_TEXT_CHARS = 16_384;
const MAX_WORDS = 2_000;
const MAX_ID_CHARS = 256;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function field(why: string): never {
  throw new CallcueError("CC_ERR_BAD_FIELD", why);
}

function optionalTime(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) field(`${name} must be a non-negative number`);
  return v;
}

function callIdOf(m: Record<string, unknown>): string {
  const id = m.callId;
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_CHARS)
    field(`callId must be a non-empty string of at most ${MAX_ID_CHARS} characters`);
  return id;
}

/**
 * Checks an already-parsed JSON value against the wire model (SPEC §7) and
 * returns a fresh, typed message holding only known fields (so `__proto__`
 * and other extras never travel further). Throws `CallcueError`.
 */
export function validateMessage(m: unknown): WireMessage {
  if (!isObject(m)) throw new CallcueError("CC_ERR_BAD_MESSAGE", "a message must be a JSON object");
  switch (m.type) {
    case "start": {
      const out: StartMessage = { type: "start", callId: callIdOf(m) };
      if (m.language !== undefined) {
        if (typeof m.language !== "string" || m.language.length > 35)
          field("language must be a language tag");
        out.language = m.language;
      }
      if (m.meta !== undefined) {
        if (!isObject(m.meta)) field("meta must be an object");
        out.meta = m.meta;
      }
      if (m.format !== undefined) {
        if (typeof m.format !== "string" || !adapterFor(m.format))
          field(`format must be one of ${Object.keys(ADAPTERS).join(", ")}`);
        out.format = m.format;
      }
      if (m.channelMap !== undefined) {
        const map = m.channelMap;
        if (
          !isObject(map) ||
          Object.keys(map).length > 16 ||
          !Object.values(map).every((v) => v === "customer" || v === "agent")
        )
          field('channelMap must map up to 16 channels to "customer" or "agent"');
        out.channelMap = { ...(map as Record<string, Speaker>) };
      }
      return out;
    }
    case "vendor": {
      const callId = callIdOf(m);
      if (!isObject(m.payload)) field("payload must be the vendor's JSON object");
      return { type: "vendor", callId, payload: m.payload } satisfies VendorMessage;
    }
    case "chunk": {
      const callId = callIdOf(m);
      const seq = m.seq;
      if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0)
        field("seq must be a non-negative integer");
      if (m.speaker !== "customer" && m.speaker !== "agent") field('speaker must be "customer" or "agent"');
      if (typeof m.text !== "string") field("text must be a string");
      if (m.text.length > MAX_TEXT_CHARS) field(`text is longer than ${MAX_TEXT_CHARS} characters`);
      const out: ChunkMessage = { type: "chunk", callId, seq, speaker: m.speaker, text: m.text };
      if (m.final !== undefined) {
        if (typeof m.final !== "boolean") field("final must be a boolean");
        out.final = m.final;
      }
      if (m.segmentId !== undefined) {
        if (
          (typeof m.segmentId !== "string" && typeof m.segmentId !== "number") ||
          String(m.segmentId).length > MAX_ID_CHARS
        )
          field("segmentId must be a string");
        out.segmentId = String(m.segmentId);
      }
      const startMs = optionalTime(m.startMs, "startMs");
      const endMs = optionalTime(m.endMs, "endMs");
      if (startMs !== undefined) out.startMs = startMs;
      if (endMs !== undefined) out.endMs = endMs;
      if (startMs !== undefined && endMs !== undefined && endMs < startMs)
        field("endMs must not be before startMs");
      if (m.volumeDb !== undefined && m.volumeDb !== null) {
        if (typeof m.volumeDb !== "number" || !Number.isFinite(m.volumeDb) || Math.abs(m.volumeDb) > 200)
          field("volumeDb must be a number of decibels");
        out.volumeDb = m.volumeDb;
      }
      if (m.words !== undefined && m.words !== null) {
        if (!Array.isArray(m.words) || m.words.length > MAX_WORDS)
          field(`words must be an array of at most ${MAX_WORDS}`);
        out.words = m.words.map((w, i): Word => {
          if (!isObject(w)) field(`words[${i}] must be an object`);
          const word: Word = {};
          if (typeof w.w === "string") word.w = w.w;
          const s = optionalTime(w.startMs, `words[${i}].startMs`);
          const e = optionalTime(w.endMs, `words[${i}].endMs`);
          if (s !== undefined) word.startMs = s;
          if (e !== undefined) word.endMs = e;
          return word;
        });
      }
      return out;
    }
    case "end":
      return { type: "end", callId: callIdOf(m) } satisfies EndMessage;
    default:
      throw new CallcueError("CC_ERR_BAD_MESSAGE", 'type must be "start", "chunk", "vendor" or "end"');
  }
}
