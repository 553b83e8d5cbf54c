/** Azure AI Speech: recognizer / conversation-transcriber results (`Recognizing` / `Recognized`). */
import type { ChunkMessage, Speaker, Word } from "../types.js";
import type { Adapter } from "./types.js";
import {
  bad,
  emit,
  isObject,
  noteLanguage,
  num,
  type Obj,
  objects,
  pick,
  segmentFor,
  speakerFor,
  str,
  ticksToMs,
  word,
} from "./util.js";

const FORMAT = "azure";

/** Conversation transcription's diarized speakers, else the audio channel. */
const AZURE_SPEAKERS: Readonly<Record<string, Speaker>> = {
  "Guest-1": "customer",
  "Guest-2": "agent",
  "0": "customer",
  "1": "agent",
};

/** Envelope values (`type` or `event`, any case) telling a hypothesis from a result. */
const PARTIAL = new Set(["recognizing", "transcribing", "speech.hypothesis", "hypothesis"]);
const FINAL = new Set(["recognized", "transcribed", "speech.phrase", "phrase"]);
const NO_TEXT = new Set([
  "sessionstarted",
  "sessionstopped",
  "speechstartdetected",
  "speechenddetected",
  "canceled",
  "speech.startdetected",
  "speech.enddetected",
  "turn.start",
  "turn.end",
]);

function firstNBest(body: Obj): Obj | undefined {
  return objects(FORMAT, pick(body, "NBest", "nBest"), "NBest")[0];
}

/**
 * Accepts the service JSON of a result either bare — `{"RecognitionStatus":…}` is a result,
 * `{"Text":…}` without it a hypothesis — or inside an envelope
 * `{"type"|"event": "Recognizing"|"Recognized"|…, "result"?: {…}, "channel"?: 0}`.
 */
export const azure: Adapter = (payload, state, options) => {
  if (!isObject(payload)) bad(FORMAT, "expected a result object");
  const envelope = str(payload.type) ?? str(payload.event);
  const body = isObject(payload.result) ? payload.result : payload;
  let final: boolean;
  if (envelope !== undefined) {
    const e = envelope.toLowerCase();
    if (NO_TEXT.has(e)) return [];
    if (PARTIAL.has(e)) final = false;
    else if (FINAL.has(e)) final = true;
    else bad(FORMAT, 'the envelope must say "Recognizing" or "Recognized"');
  } else if (pick(body, "RecognitionStatus") !== undefined) final = true;
  else if (pick(body, "Text", "text") !== undefined) final = false;
  else bad(FORMAT, "expected a Recognizing or Recognized result");

  const status = pick(body, "RecognitionStatus");
  const nbest = firstNBest(body);
  noteLanguage(
    state,
    isObject(body.PrimaryLanguage) ? body.PrimaryLanguage.Language : pick(body, "language"),
  );
  // The platform's envelope `channel` (one recognizer per leg) wins over the result's own `Channel`.
  const envelopeChannel = pick(payload, "channel");
  const channelValue = envelopeChannel ?? pick(body, "Channel", "channel");
  const channel =
    typeof channelValue === "number" || typeof channelValue === "string" ? String(channelValue) : "0";
  const speakerId = str(pick(body, "SpeakerId", "speakerId"));
  // "Unknown" (a hypothesis before diarization settles): the segment's speaker, if it has one yet.
  const speaker =
    speakerId === undefined
      ? speakerFor(options, AZURE_SPEAKERS, channel)
      : speakerId === "Unknown" || speakerId === ""
        ? undefined
        : speakerFor(options, AZURE_SPEAKERS, speakerId);
  const offset = num(pick(body, "Offset", "offset"));
  const duration = num(pick(body, "Duration", "duration"));
  // Segment ids carry only the envelope channel: hypotheses and results of one utterance agree on it.
  const prefix = envelopeChannel === undefined ? "az" : `az${channel}`;
  const segmentId = segmentFor(
    state,
    channel,
    offset === undefined ? undefined : `${prefix}-${offset}`,
    final,
    () => `${prefix}-n${state.segmentCounter}`,
  );
  // NoMatch, InitialSilenceTimeout, BabbleTimeout, EndOfDictation, Error: nothing recognized.
  if (final && status !== undefined && status !== "Success") return [];
  // A result diarization never attributed: not analysed (there is no channel to map).
  if (
    speaker === undefined &&
    (speakerId === "Unknown" || speakerId === "") &&
    !state.segmentSpeakers.has(segmentId)
  )
    return [];
  const text = final
    ? (str(nbest?.Display) ?? str(pick(body, "DisplayText", "Text", "text")))
    : (str(pick(body, "Text", "text")) ?? str(body.DisplayText) ?? str(nbest?.Display));
  const words: Word[] = objects(FORMAT, nbest?.Words, "NBest[].Words").map((w) => {
    const o = num(w.Offset);
    const d = num(w.Duration);
    return word(str(w.Word), ticksToMs(o), o !== undefined && d !== undefined ? ticksToMs(o + d) : undefined);
  });
  const out: ChunkMessage[] = [];
  emit(
    state,
    {
      format: FORMAT,
      speaker,
      channel: speakerId ?? channel,
      text,
      final,
      segmentId,
      startMs: ticksToMs(offset),
      endMs: offset !== undefined && duration !== undefined ? ticksToMs(offset + duration) : undefined,
      words,
    },
    out,
  );
  return out;
};
