/** ASR vendor adapters: native result messages in, wire chunks (SPEC §7) out. See docs/adapters.md. */
import type { ChunkMessage, Speaker } from "../types.js";

/** Per-call settings, taken from the call's `start`. */
export interface AdapterOptions {
  /**
   * Vendor channel / speaker / role key → our speaker, e.g. `{"ch_0":"agent","ch_1":"customer"}`.
   * When given (non-empty) it replaces the adapter's default map; keys are the vendor's value as a string.
   */
  channelMap?: Record<string, "customer" | "agent">;
  /** The call's declared language; Genesys picks the alternative in this language when there are several. */
  language?: string;
}

/** What an adapter remembers about one call between messages. Small and bounded; made by `createAdapterState`. */
export interface AdapterState {
  readonly callId: string;
  /** seq of the next chunk emitted: starts at 1, +1 per chunk, never reused. */
  nextSeq: number;
  /** The open (not yet final) segment per channel, for vendors whose results carry no utterance id. */
  openSegments: Map<string, string>;
  /** The speaker of recent segments (for partials whose speaker the vendor reports as unknown). Bounded. */
  segmentSpeakers: Map<string, Speaker>;
  /** Counter behind generated segment ids. */
  segmentCounter: number;
  /** The language the vendor last reported, as sent (e.g. "en-US"); the wire chunk has no language field. */
  language: string | undefined;
}

/**
 * Maps one vendor message to zero or more wire chunks (callId and seq from `state`).
 * Returns [] for messages without transcript (metadata, empty results); throws
 * `CallcueError("CC_ERR_BAD_FIELD")` for a payload that is not of the vendor's shape,
 * leaving `state` as it was.
 */
export type Adapter = (payload: unknown, state: AdapterState, options: AdapterOptions) => ChunkMessage[];
