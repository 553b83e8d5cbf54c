/**
 * ASR vendor adapters (issue 7): a call whose `start` names a `format` sends the vendor's native
 * result messages as its chunks; `adapterFor(format)` maps each to wire chunks (SPEC §7).
 * Field-by-field coverage: docs/adapters.md.
 */
import { CallcueError } from "../errors.js";
import { awsCallAnalytics, awsTranscribe } from "./aws.js";
import { azure } from "./azure.js";
import { deepgram } from "./deepgram.js";
import { genesys } from "./genesys.js";
import { googleV1, googleV2 } from "./google.js";
import type { Adapter, AdapterState } from "./types.js";

export type { Adapter, AdapterOptions, AdapterState } from "./types.js";

/** Fresh per-call state: seq starts at 1. */
export function createAdapterState(callId: string): AdapterState {
  return {
    callId,
    nextSeq: 1,
    openSegments: new Map(),
    segmentSpeakers: new Map(),
    segmentCounter: 0,
    language: undefined,
  };
}

/**
 * Makes an adapter all-or-nothing: when it throws, the state is restored (no seq is used up,
 * no segment opened), and anything but a `CallcueError` becomes one (`CC_ERR_BAD_FIELD`).
 */
function atomic(format: string, adapter: Adapter): Adapter {
  return (payload, state, options) => {
    const saved = {
      nextSeq: state.nextSeq,
      openSegments: new Map(state.openSegments),
      segmentSpeakers: new Map(state.segmentSpeakers),
      segmentCounter: state.segmentCounter,
      language: state.language,
    };
    try {
      return adapter(payload, state, options ?? {});
    } catch (err) {
      Object.assign(state, saved);
      if (err instanceof CallcueError) throw err;
      throw new CallcueError("CC_ERR_BAD_FIELD", `${format}: the payload could not be read`);
    }
  };
}

/** Every supported `format`, by the name a call's `start` gives. */
export const ADAPTERS: Record<string, Adapter> = Object.freeze({
  "aws-transcribe": atomic("aws-transcribe", awsTranscribe),
  "aws-call-analytics": atomic("aws-call-analytics", awsCallAnalytics),
  "google-v1": atomic("google-v1", googleV1),
  "google-v2": atomic("google-v2", googleV2),
  deepgram: atomic("deepgram", deepgram),
  azure: atomic("azure", azure),
  genesys: atomic("genesys", genesys),
});

/** The adapter for a `format` name, or undefined when there is none. */
export function adapterFor(format: string): Adapter | undefined {
  return typeof format === "string" && Object.hasOwn(ADAPTERS, format) ? ADAPTERS[format] : undefined;
}
