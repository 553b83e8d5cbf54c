/** Amazon Transcribe streaming (`TranscriptEvent`) and Transcribe Call Analytics (`UtteranceEvent`). */
import type { ChunkMessage, Speaker, Word } from "../types.js";
import type { Adapter } from "./types.js";
import {
  bad,
  emit,
  isObject,
  majority,
  millisToMs,
  noteLanguage,
  type Obj,
  objects,
  secondsToMs,
  segmentFor,
  speakerFor,
  str,
  word,
} from "./util.js";

const TRANSCRIBE = "aws-transcribe";
const ANALYTICS = "aws-call-analytics";

/** Channel identification (ch_0 / ch_1), else speaker partitioning (spk_0 / spk_1). */
const TRANSCRIBE_SPEAKERS: Readonly<Record<string, Speaker>> = {
  ch_0: "customer",
  ch_1: "agent",
  spk_0: "customer",
  spk_1: "agent",
};
const ANALYTICS_SPEAKERS: Readonly<Record<string, Speaker>> = { CUSTOMER: "customer", AGENT: "agent" };

function isPunctuation(item: Obj): boolean {
  return item.Type === "punctuation";
}

/** Pronunciation items → words (punctuation items carry no timing worth keeping). */
function wordsOf(
  items: readonly Obj[],
  start: string,
  end: string,
  toMs: (v: unknown) => number | undefined,
) {
  const out: Word[] = [];
  for (const it of items) {
    if (isPunctuation(it)) continue;
    out.push(word(str(it.Content), toMs(it[start]), toMs(it[end])));
  }
  return out;
}

/** Text rebuilt from items when an alternative has no `Transcript`: words spaced, punctuation attached. */
function textOf(items: readonly Obj[]): string {
  let text = "";
  for (const it of items) {
    const c = str(it.Content);
    if (!c) continue;
    text += isPunctuation(it) || text === "" ? c : ` ${c}`;
  }
  return text;
}

/**
 * Transcribe streaming: `{"Transcript":{"Results":[…]}}` (raw event-stream payload) or the SDK's
 * `{"TranscriptEvent":{"Transcript":{…}}}`. One chunk per non-empty result.
 */
export const awsTranscribe: Adapter = (payload, state, options) => {
  const root = isObject(payload) && isObject(payload.TranscriptEvent) ? payload.TranscriptEvent : payload;
  if (!isObject(root) || !isObject(root.Transcript) || !Array.isArray(root.Transcript.Results))
    bad(TRANSCRIBE, "expected Transcript.Results[]");
  const out: ChunkMessage[] = [];
  for (const r of root.Transcript.Results as unknown[]) {
    if (!isObject(r)) bad(TRANSCRIBE, "Transcript.Results[] must hold objects");
    const final = r.IsPartial !== true;
    noteLanguage(state, r.LanguageCode);
    const alt = objects(TRANSCRIBE, r.Alternatives, "Alternatives")[0];
    const items = alt ? objects(TRANSCRIBE, alt.Items, "Alternatives[].Items") : [];
    const speakerLabel = majority(
      items.map((it) => {
        const s = str(it.Speaker) ?? (typeof it.Speaker === "number" ? String(it.Speaker) : undefined);
        return s === undefined ? undefined : s.startsWith("spk_") ? s : `spk_${s}`;
      }),
    );
    const channel = str(r.ChannelId) ?? speakerLabel ?? "ch_0";
    const segmentId = segmentFor(state, channel, str(r.ResultId), final, () => `aws-${state.segmentCounter}`);
    emit(
      state,
      {
        format: TRANSCRIBE,
        speaker: speakerFor(options, TRANSCRIBE_SPEAKERS, channel),
        channel,
        text: str(alt?.Transcript) ?? textOf(items),
        final,
        segmentId,
        startMs: secondsToMs(r.StartTime),
        endMs: secondsToMs(r.EndTime),
        words: wordsOf(items, "StartTime", "EndTime", secondsToMs),
      },
      out,
    );
  }
  return out;
};

/** Call Analytics events that carry no transcript. */
const ANALYTICS_OTHER = [
  "CategoryEvent",
  "BadRequestException",
  "ConflictException",
  "LimitExceededException",
];

/**
 * Transcribe Call Analytics: `{"UtteranceEvent":{…}}` (or the bare utterance object);
 * `CategoryEvent` and the other event types give [].
 */
export const awsCallAnalytics: Adapter = (payload, state, options) => {
  if (!isObject(payload)) bad(ANALYTICS, "expected an object with UtteranceEvent");
  let u: Obj;
  if (isObject(payload.UtteranceEvent)) u = payload.UtteranceEvent;
  else if (ANALYTICS_OTHER.some((k) => isObject(payload[k]))) return [];
  else if (typeof payload.UtteranceId === "string" || typeof payload.ParticipantRole === "string")
    u = payload;
  else bad(ANALYTICS, "expected UtteranceEvent");
  const final = u.IsPartial !== true;
  noteLanguage(state, u.LanguageCode);
  const items = objects(ANALYTICS, u.Items, "Items");
  const channel = str(u.ParticipantRole) ?? "";
  const segmentId = segmentFor(
    state,
    channel,
    str(u.UtteranceId),
    final,
    () => `aws-${state.segmentCounter}`,
  );
  const out: ChunkMessage[] = [];
  emit(
    state,
    {
      format: ANALYTICS,
      speaker: speakerFor(options, ANALYTICS_SPEAKERS, channel),
      channel,
      text: str(u.Transcript) ?? textOf(items),
      final,
      segmentId,
      startMs: millisToMs(u.BeginOffsetMillis),
      endMs: millisToMs(u.EndOffsetMillis),
      words: wordsOf(items, "BeginOffsetMillis", "EndOffsetMillis", millisToMs),
    },
    out,
  );
  return out;
};
