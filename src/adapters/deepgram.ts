/** Deepgram live streaming (`/v1/listen` WebSocket) messages. */
import type { ChunkMessage, Speaker } from "../types.js";
import type { Adapter } from "./types.js";
import {
  bad,
  emit,
  isObject,
  majority,
  noteLanguage,
  num,
  objects,
  secondsToMs,
  segmentFor,
  speakerFor,
  str,
  word,
} from "./util.js";

const FORMAT = "deepgram";

/** channel_index[0] with multichannel=true; `speaker_N` from diarize=true on mono audio. */
const DEEPGRAM_SPEAKERS: Readonly<Record<string, Speaker>> = {
  "0": "customer",
  "1": "agent",
  speaker_0: "customer",
  speaker_1: "agent",
};

/** Message types that carry no transcript. */
const NO_TEXT = new Set([
  "Metadata",
  "SpeechStarted",
  "Warning",
  "Error",
  "CloseStream",
  "KeepAlive",
  "Finalize",
]);

function channelIndex(v: unknown): [number, number | undefined] {
  if (!Array.isArray(v)) return [0, undefined];
  const i = num(v[0]);
  const n = num(v[1]);
  return [i !== undefined && Number.isInteger(i) && i >= 0 ? i : 0, n];
}

export const deepgram: Adapter = (payload, state, options) => {
  if (!isObject(payload)) bad(FORMAT, "expected a message object");
  const type = payload.type;
  if (type === "UtteranceEnd") {
    // The utterance is over on that channel: whatever segment is still open there is closed.
    state.openSegments.delete(String(channelIndex(payload.channel)[0]));
    return [];
  }
  if (typeof type === "string" && NO_TEXT.has(type)) return [];
  if (type !== "Results" && !(type === undefined && isObject(payload.channel)))
    bad(FORMAT, 'expected type "Results", "UtteranceEnd", "Metadata" or "SpeechStarted"');
  if (!isObject(payload.channel)) bad(FORMAT, "Results needs channel.alternatives[]");
  const alt = objects(FORMAT, payload.channel.alternatives, "channel.alternatives")[0];
  const [index, count] = channelIndex(payload.channel_index);
  const final = payload.is_final === true;
  const rawWords = objects(FORMAT, alt?.words, "alternatives[].words");
  const diarized =
    count === undefined || count <= 1
      ? majority(
          rawWords.map((w) => (num(w.speaker) === undefined ? undefined : `speaker_${num(w.speaker)}`)),
        )
      : undefined;
  const channel = String(index);
  const key = diarized ?? channel;
  const languages = alt?.languages;
  noteLanguage(state, Array.isArray(languages) ? languages[0] : rawWords[0]?.language);
  const startMs = secondsToMs(payload.start);
  const start = num(payload.start);
  const duration = num(payload.duration);
  const endMs = start !== undefined && duration !== undefined ? secondsToMs(start + duration) : undefined;
  // Interim results of one stretch of audio keep its start; is_final closes the stretch.
  const segmentId = segmentFor(
    state,
    channel,
    undefined,
    final,
    () => `dg${channel}-${startMs ?? state.segmentCounter}`,
  );
  const out: ChunkMessage[] = [];
  emit(
    state,
    {
      format: FORMAT,
      speaker: speakerFor(options, DEEPGRAM_SPEAKERS, key),
      channel: key,
      text: str(alt?.transcript),
      final,
      segmentId,
      startMs,
      endMs,
      words: rawWords.map((w) =>
        word(str(w.punctuated_word) ?? str(w.word), secondsToMs(w.start), secondsToMs(w.end)),
      ),
    },
    out,
  );
  return out;
};
