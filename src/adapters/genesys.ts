/** Genesys Cloud AudioHook (Transcription Connector) transcript events. */
import { parseLanguageTag } from "../lang.js";
import type { ChunkMessage, Speaker, Word } from "../types.js";
import type { Adapter, AdapterOptions } from "./types.js";
import {
  bad,
  emit,
  isObject,
  isoDurationToMs,
  noteLanguage,
  type Obj,
  objects,
  pick,
  plus,
  segmentFor,
  speakerFor,
  str,
  word,
} from "./util.js";

const FORMAT = "genesys";

/** AudioHook channels: 0 = external (the customer), 1 = internal (the agent). */
const GENESYS_SPEAKERS: Readonly<Record<string, Speaker>> = {
  "0": "customer",
  external: "customer",
  "1": "agent",
  internal: "agent",
};
const ALIAS: Readonly<Record<string, string>> = {
  "0": "external",
  "1": "internal",
  external: "0",
  internal: "1",
};

/** The alternative in the call's declared language when there are several, else the first. */
function chooseAlternative(alts: readonly Obj[], options: AdapterOptions): Obj | undefined {
  const want = parseLanguageTag(options.language);
  if (want !== undefined && alts.length > 1) {
    const match = alts.find(
      (a) => Array.isArray(a.languages) && a.languages.some((l) => parseLanguageTag(l) === want),
    );
    if (match) return match;
  }
  return alts[0];
}

/**
 * `{"version":"2","type":"event","parameters":{"entities":[{"type":"transcript","data":{…}}]}}`.
 * Other message types (opened, ping/pong, paused, closed, …) and other entity types give [].
 */
export const genesys: Adapter = (payload, state, options) => {
  if (!isObject(payload) || typeof payload.type !== "string") bad(FORMAT, "expected an AudioHook message");
  if (payload.type !== "event") return [];
  if (!isObject(payload.parameters)) bad(FORMAT, "an event needs parameters.entities[]");
  const entities = payload.parameters.entities;
  if (!Array.isArray(entities)) bad(FORMAT, "an event needs parameters.entities[]");
  const out: ChunkMessage[] = [];
  for (const entity of entities as unknown[]) {
    if (!isObject(entity)) bad(FORMAT, "parameters.entities[] must hold objects");
    if (entity.type !== "transcript") continue;
    const data = entity.data;
    if (!isObject(data)) bad(FORMAT, "a transcript entity needs data");
    const ch = pick(data, "channelId", "channel");
    const channel = typeof ch === "number" || typeof ch === "string" ? String(ch) : "";
    const final = data.isFinal === true;
    const alt = chooseAlternative(objects(FORMAT, data.alternatives, "data.alternatives"), options);
    if (alt && Array.isArray(alt.languages)) noteLanguage(state, alt.languages[0]);
    const interps = objects(FORMAT, alt?.interpretations, "alternatives[].interpretations");
    const interp = interps.find((i) => i.type === "display") ?? interps[0];
    const words: Word[] = [];
    for (const t of objects(FORMAT, interp?.tokens, "interpretations[].tokens")) {
      if (t.type !== undefined && t.type !== "word") continue;
      const s = isoDurationToMs(t.offset);
      words.push(word(str(t.value), s, plus(s, isoDurationToMs(t.duration))));
    }
    const startMs = isoDurationToMs(pick(data, "offset", "position"));
    const segmentId = segmentFor(
      state,
      channel,
      str(data.id),
      final,
      () => `gen${channel}-${state.segmentCounter}`,
    );
    emit(
      state,
      {
        format: FORMAT,
        speaker: speakerFor(options, GENESYS_SPEAKERS, channel, ALIAS[channel] ?? channel),
        channel,
        text: str(interp?.transcript),
        final,
        segmentId,
        startMs,
        endMs: plus(startMs, isoDurationToMs(data.duration)),
        words,
      },
      out,
    );
  }
  return out;
};
