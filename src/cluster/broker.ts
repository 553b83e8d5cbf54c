import type { Registry } from "prom-client";
import type { Published } from "../fanout/hub.js";
import type { ChunkMessage, StartMessage } from "../types.js";

/** What every node knows of a call it may not own: enough to entitle and route subscribers. */
export interface CallMeta {
  tenant: string;
  callId: string;
  agentId?: string;
  replay: boolean;
}

/** A call's event as it crosses the broker: the event with its offset, and whose call it is. */
export interface BrokerEvent {
  from: string;
  meta: CallMeta;
  /** `undefined`: the call just opened (no event yet). */
  event?: Published;
}

/** Point-to-point messages between nodes: ingest forwarded to a call's owner, and what comes back. */
export type NodeMessage =
  | { kind: "ingest"; from: string; conn: number; tenant: string; text: string }
  | { kind: "closed"; from: string; conn: number }
  | { kind: "reply"; conn: number; text: string };

/** The shared log of a call, for a node taking it over: its start and every acknowledged chunk. */
export interface CallLog {
  start: StartMessage;
  chunks: ChunkMessage[];
}

export interface BrokerHandlers {
  event(e: BrokerEvent): void;
  message(m: NodeMessage): void;
  /** A node is gone (its process died): routes through it are void. */
  nodeDown(nodeId: string): void;
  /** The link to the broker came back after a cut: what was published meanwhile must be fetched. */
  resync(): void;
}

/**
 * What several server processes share so they behave as one server: call
 * ownership (one node analyses a call), point-to-point forwarding, event
 * fan-out with a per-call log (subscribers on any node detect gaps by offset
 * and fill them), and the call log a node rebuilds a taken-over call from.
 * Two implementations: the cluster primary over IPC (`--workers`) and Redis
 * (`--broker redis://…`, several instances).
 */
export interface Broker {
  readonly nodeId: string;
  /** Does this broker hold the calls' chunk logs (else a shared store must)? */
  readonly holdsCallLogs: boolean;
  start(handlers: BrokerHandlers): Promise<void>;
  /** The owner of a call: this node if the call was free or its owner is gone. */
  claim(key: string): Promise<string>;
  release(key: string): void;
  send(nodeId: string, message: NodeMessage): void;
  /** Logs the event under its call (bounded), then fans it out to every node. */
  publish(key: string, e: BrokerEvent): void;
  /** Events of a call after `offset`, oldest first (as far as the log still has them). */
  events(key: string, offset: number): Promise<Published[]>;
  /** Calls open anywhere (for a node that starts or resyncs). */
  openCalls(): Promise<{ key: string; meta: CallMeta }[]>;
  /** Appends to the call's log; resolves once the broker has it (acks wait for this). */
  appendLog(key: string, message: StartMessage | ChunkMessage): Promise<void> | undefined;
  loadLog(key: string): Promise<CallLog | undefined>;
  /** The call ended: its log and events are kept a while for late readers, then dropped. */
  ended(key: string): void;
  close(): Promise<void>;
  /** `--workers`: this process's metrics join the others'; `clusterMetrics` is all of them, summed. */
  shareMetrics?(registry: Registry): void;
  clusterMetrics?(): Promise<string>;
}
