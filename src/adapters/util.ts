/** Shared helpers of the vendor adapters: shape checks, time parsing, speaker maps, chunk assembly. */
import { CallcueError } from "../errors.js";
import type { ChunkMessage, Speaker, Word } from "../types.js";
import type { AdapterOptions, AdapterState } from "./types.js";

/** The validator's limits (src/session/validate.ts): words beyond this would get the whole chunk rejected. */
const MAX_WORDS = 2_000;
const MAX_ID_CHARS = 256;
/** Open segments (per channel) and segment speakers remembered per call, at most. */
const MAX_REMEMBERED = 64;

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Throws the typed error for a payload that is not of the vendor's shape. */
export function bad(format: string, why: string): never {
  throw new CallcueError("CC_ERR_BAD_FIELD", `${format}: ${why}`);
}

/** The first of `keys` that `o` has, so camelCase and snake_case (or PascalCase) spellings both work. */
export function pick(o: Obj, ...keys: string[]): unknown {
  for (const k of keys) if (Object.hasOwn(o, k) && o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** A list of objects: absent → [], an array of objects → it, anything else → the vendor shape is wrong. */
export function objects(format: string, v: unknown, name: string): Obj[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isObject)) bad(format, `${name} must be an array of objects`);
  return v;
}

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A finite number, or a string holding one ("1.25"); anything else is undefined. */
export function num(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && NUMERIC.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function nonNegativeMs(ms: number | undefined): number | undefined {
  return ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > Number.MAX_SAFE_INTEGER
    ? undefined
    : Math.round(ms);
}

/** Seconds (number or numeric string) → integer ms. */
export function secondsToMs(v: unknown): number | undefined {
  const s = num(v);
  return s === undefined ? undefined : nonNegativeMs(s * 1000);
}

/** Milliseconds (number or numeric string) → integer ms. */
export function millisToMs(v: unknown): number | undefined {
  return nonNegativeMs(num(v));
}

/** 100-nanosecond ticks (Azure) → integer ms. */
export function ticksToMs(v: unknown): number | undefined {
  const t = num(v);
  return t === undefined ? undefined : nonNegativeMs(t / 10_000);
}

/**
 * A protobuf Duration as Google's JSON or client libraries give it → integer ms:
 * "1.300s" / "1.3s" / "2s", `{seconds, nanos}` (seconds may be a string: int64), or plain seconds.
 */
export function protoDurationToMs(v: unknown): number | undefined {
  if (typeof v === "string") {
    const m = /^\s*(\d+(?:\.\d*)?|\.\d+)s\s*$/.exec(v);
    return m ? secondsToMs(m[1]) : undefined;
  }
  if (isObject(v)) {
    const s = v.seconds === undefined || v.seconds === null ? 0 : num(v.seconds);
    const n = v.nanos === undefined || v.nanos === null ? 0 : num(v.nanos);
    if (s === undefined || n === undefined) return undefined;
    return nonNegativeMs(s * 1000 + n / 1e6);
  }
  return secondsToMs(v);
}

const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** An ISO-8601 duration of days/hours/minutes/seconds ("PT1.2S", "PT1M5S", "P0DT2H") → integer ms. */
export function isoDurationToMs(v: unknown): number | undefined {
  if (typeof v !== "string") return undefined;
  const m = ISO_DURATION.exec(v.trim());
  if (!m || v.trim() === "P" || v.trim().endsWith("T")) return undefined;
  const [, d, h, min, s] = m;
  const ms =
    (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
  return nonNegativeMs(ms);
}

/** Sum of two optional ms values (start + duration), undefined unless both are known. */
export function plus(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : nonNegativeMs(a + b);
}

/**
 * The speaker for a vendor channel: the call's channelMap when it has entries (it then replaces
 * the defaults), else the adapter's defaults. Tries each key in turn (a value and its alias).
 */
export function speakerFor(
  options: AdapterOptions,
  defaults: Readonly<Record<string, Speaker>>,
  ...keys: string[]
): Speaker | undefined {
  const map = options.channelMap;
  const table: Readonly<Record<string, unknown>> =
    isObject(map) && Object.keys(map).length > 0 ? map : defaults;
  for (const k of keys) {
    if (!Object.hasOwn(table, k)) continue;
    const v = table[k];
    if (v === "customer" || v === "agent") return v;
  }
  return undefined;
}

/** The label most of the words carry (diarization), or undefined when none carries one. */
export function majority(labels: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  let best: string | undefined;
  let max = 0;
  for (const l of labels) {
    if (l === undefined) continue;
    const n = (counts.get(l) ?? 0) + 1;
    counts.set(l, n);
    if (n > max) {
      max = n;
      best = l;
    }
  }
  return best;
}

/**
 * The segment id of a result: the vendor's own utterance id when it has one; otherwise the
 * channel's open segment (opened by the first result after a final, closed by the next final).
 */
export function segmentFor(
  state: AdapterState,
  channel: string,
  vendorId: string | undefined,
  final: boolean,
  fresh: () => string,
): string {
  if (vendorId !== undefined && vendorId.length > 0) return vendorId.slice(0, MAX_ID_CHARS);
  const key = channel.slice(0, 64);
  let id = state.openSegments.get(key);
  if (id === undefined) {
    id = fresh().slice(0, MAX_ID_CHARS);
    state.segmentCounter++;
  }
  if (final) state.openSegments.delete(key);
  else remember(state.openSegments, key, id);
  return id;
}

/** Records the vendor's language (as sent) when the message names one. */
export function noteLanguage(state: AdapterState, v: unknown): void {
  if (typeof v === "string" && v.length > 0 && v.length <= 35) state.language = v;
}

/** A word with integer ms times; a time that is missing, negative or before the word's start is left out. */
export function word(w: string | undefined, startMs: number | undefined, endMs: number | undefined): Word {
  const out: Word = {};
  if (w !== undefined) out.w = w;
  if (startMs !== undefined) out.startMs = startMs;
  if (endMs !== undefined && (startMs === undefined || endMs >= startMs)) out.endMs = endMs;
  return out;
}

/** One result, mapped but not yet numbered. */
export interface Draft {
  format: string;
  /** The speaker, or undefined when the vendor did not tell it (see `channel`). */
  speaker: Speaker | undefined;
  /** The vendor's channel key, for the error message when no speaker is found. */
  channel: string;
  text: string | undefined;
  final: boolean;
  segmentId: string;
  startMs?: number | undefined;
  endMs?: number | undefined;
  words?: Word[] | undefined;
}

/**
 * Numbers a draft and appends it to `out`. Skips empty text. A result without a speaker takes
 * its segment's remembered speaker; failing that, a partial is skipped and a final is an error
 * (the call's channelMap does not cover the vendor's channel).
 */
export function emit(state: AdapterState, d: Draft, out: ChunkMessage[]): void {
  const text = (d.text ?? "").trim();
  if (text.length === 0) return;
  const speaker = d.speaker ?? state.segmentSpeakers.get(d.segmentId);
  if (speaker === undefined) {
    if (!d.final) return;
    bad(
      d.format,
      `no speaker for channel ${JSON.stringify(d.channel.slice(0, 40))}; map it in start's channelMap`,
    );
  }
  const chunk: ChunkMessage = {
    type: "chunk",
    callId: state.callId,
    seq: state.nextSeq++,
    speaker,
    text,
    final: d.final,
    segmentId: d.segmentId,
  };
  if (d.startMs !== undefined) chunk.startMs = d.startMs;
  if (d.endMs !== undefined && (d.startMs === undefined || d.endMs >= d.startMs)) chunk.endMs = d.endMs;
  if (d.words && d.words.length > 0 && d.words.length <= MAX_WORDS) chunk.words = d.words;
  out.push(chunk);
  if (!state.segmentSpeakers.has(d.segmentId)) remember(state.segmentSpeakers, d.segmentId, speaker);
}

/** Sets a key in a bounded map, forgetting the oldest entry when full (channels are few; junk is not kept). */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.has(key) && map.size >= MAX_REMEMBERED) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}
