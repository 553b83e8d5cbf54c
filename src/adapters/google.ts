/** Google Cloud Speech-to-Text streaming: v1 and v2 `StreamingRecognizeResponse`. */
import type { ChunkMessage, Speaker, Word } from "../types.js";
import type { Adapter } from "./types.js";
import {
  bad,
  emit,
  isObject,
  noteLanguage,
  type Obj,
  objects,
  pick,
  protoDurationToMs,
  segmentFor,
  speakerFor,
  str,
  word,
} from "./util.js";

/** channelTag: 1..N with separate recognition per channel; 0 or absent for mono audio. */
const GOOGLE_SPEAKERS: Readonly<Record<string, Speaker>> = { "0": "customer", "1": "customer", "2": "agent" };

/** Response fields that mark a Google response without results (events, billing, errors). */
const RESPONSE_KEYS = [
  "speechEventType",
  "speech_event_type",
  "speechEventTime",
  "speech_event_time",
  "speechEventOffset",
  "speech_event_offset",
  "requestId",
  "request_id",
  "totalBilledTime",
  "total_billed_time",
  "metadata",
  "error",
];

interface Names {
  format: string;
  resultEnd: [string, string];
  wordStart: [string, string];
  wordEnd: [string, string];
}

interface Pending {
  speaker: Speaker | undefined;
  texts: string[];
  endMs: number | undefined;
}

function google(n: Names): Adapter {
  return (payload, state, options) => {
    if (!isObject(payload)) bad(n.format, "expected a StreamingRecognizeResponse object");
    const raw = payload.results;
    if (raw === undefined || raw === null) {
      if (RESPONSE_KEYS.some((k) => Object.hasOwn(payload, k))) return [];
      bad(n.format, "expected results[]");
    }
    const results = objects(n.format, raw, "results");
    const out: ChunkMessage[] = [];
    // Interim results of one response are consecutive pieces of the same hypothesis (stable head,
    // unstable tail): they are joined, per channel, into one partial.
    const pending = new Map<string, Pending>();
    const flush = (channel: string): void => {
      const p = pending.get(channel);
      if (!p) return;
      pending.delete(channel);
      const segmentId = segmentFor(
        state,
        channel,
        undefined,
        false,
        () => `g${channel}-${state.segmentCounter}`,
      );
      emit(
        state,
        {
          format: n.format,
          speaker: p.speaker,
          channel,
          text: p.texts.join(" ").replace(/\s+/g, " "),
          final: false,
          segmentId,
          endMs: p.endMs,
        },
        out,
      );
    };
    for (const r of results) {
      const tag = pick(r, "channelTag", "channel_tag");
      const channel = typeof tag === "number" || typeof tag === "string" ? String(tag) : "0";
      const speaker = speakerFor(options, GOOGLE_SPEAKERS, channel);
      noteLanguage(state, pick(r, "languageCode", "language_code"));
      const alt: Obj | undefined = objects(n.format, r.alternatives, "results[].alternatives")[0];
      const text = str(alt?.transcript) ?? "";
      const endMs = protoDurationToMs(pick(r, ...n.resultEnd));
      if (pick(r, "isFinal", "is_final") !== true) {
        if (text.trim() === "") continue;
        let p = pending.get(channel);
        if (!p) {
          p = { speaker, texts: [], endMs: undefined };
          pending.set(channel, p);
        }
        p.texts.push(text.trim());
        if (endMs !== undefined && (p.endMs === undefined || endMs > p.endMs)) p.endMs = endMs;
        continue;
      }
      flush(channel);
      const words: Word[] = objects(n.format, alt?.words, "alternatives[].words").map((w) =>
        word(
          str(w.word),
          protoDurationToMs(pick(w, ...n.wordStart)),
          protoDurationToMs(pick(w, ...n.wordEnd)),
        ),
      );
      const segmentId = segmentFor(
        state,
        channel,
        undefined,
        true,
        () => `g${channel}-${state.segmentCounter}`,
      );
      emit(
        state,
        {
          format: n.format,
          speaker,
          channel,
          text,
          final: true,
          segmentId,
          startMs: words[0]?.startMs,
          endMs,
          words,
        },
        out,
      );
    }
    for (const channel of [...pending.keys()]) flush(channel);
    return out;
  };
}

/** v1: `resultEndTime`, words `startTime`/`endTime` ("1.300s" or `{seconds,nanos}`). */
export const googleV1: Adapter = google({
  format: "google-v1",
  resultEnd: ["resultEndTime", "result_end_time"],
  wordStart: ["startTime", "start_time"],
  wordEnd: ["endTime", "end_time"],
});

/** v2: `resultEndOffset`, words `startOffset`/`endOffset`. */
export const googleV2: Adapter = google({
  format: "google-v2",
  resultEnd: ["resultEndOffset", "result_end_offset"],
  wordStart: ["startOffset", "start_offset"],
  wordEnd: ["endOffset", "end_offset"],
});
