import type WebSocket from "ws";
import type { ClusterNode, Routable } from "../cluster/node.js";
import { CallcueError, type ErrorCode } from "../errors.js";
import type { Hub, LiveCall } from "../fanout/hub.js";
import { validateMessage } from "../session/validate.js";
import type { SqliteStore } from "../store/sqlite-store.js";
import type { ChunkMessage, StartMessage } from "../types.js";
import type { Claims } from "./auth.js";
import type { Metrics } from "./metrics.js";
import type { ServerOptions } from "./options.js";
import { redact } from "./redact.js";

/** Where replies go: the producer's socket, or (forwarded calls) a message back to the node it is connected to. */
export interface Sendable {
  readonly readyState: number;
  send(data: string): void;
}

export type SendError = (
  ws: Sendable,
  code: ErrorCode,
  extra?: { callId?: string; seq?: number; message?: string },
) => void;

/** Seqs remembered as skipped per call (late arrivals of these are reported stale). */
const MAX_SKIPPED = 1024;

let nextConnectionId = 1;

/** A chunk waiting for the ones before it, and the connection whose producer awaits its ack. */
interface Pending {
  chunk: ChunkMessage;
  from: IngestConnection;
}

function pendingAt(live: LiveCall, seq: number | undefined): Pending | undefined {
  return seq === undefined ? undefined : (live.pending.get(seq) as Pending | undefined);
}

/**
 * One producer connection on `/v1/ingest`: many calls, acks per chunk,
 * retransmits acked again without a second analysis, reordering within a
 * window, gaps reported as typed errors while the call goes on.
 */
export class IngestConnection implements Routable {
  readonly id = nextConnectionId++;
  private readonly owned = new Set<LiveCall>();
  private tokens: number;
  private lastRefillMs = Date.now();
  private lastRateErrorMs = 0;
  private corked = false;
  private lastLogged: Promise<void> | undefined;

  constructor(
    private readonly ws: Sendable,
    private readonly claims: Claims,
    private readonly hub: Hub,
    private readonly options: ServerOptions,
    private readonly metrics: Metrics,
    private readonly sendError: SendError,
    private readonly store: SqliteStore | undefined,
    private readonly cluster?: ClusterNode,
  ) {
    this.tokens = options.maxMessagesPerSecond * 2;
    cluster?.addConnection(this);
  }

  get tenant(): string {
    return this.claims.tenant;
  }

  sendRaw(text: string): void {
    if (this.ws.readyState === 1) this.ws.send(text);
  }

  /** 1012 (service restart): the producer reconnects and resumes its calls from their last acks. */
  drop(): void {
    (this.ws as Partial<WebSocket>).close?.(1012, "call owner gone; resume");
  }

  /**
   * Replies once what came before is durable: committed to the store and,
   * across nodes, appended to the broker's call log (at once with neither).
   */
  private replyDurable(message: object, logged?: Promise<void>): void {
    const send = () => {
      if (this.store) this.store.afterCommit(() => this.reply(message));
      else this.reply(message);
    };
    // The log answers in order, so waiting on the newest append keeps every reply in order.
    if (logged) this.lastLogged = logged;
    const wait = logged ?? this.lastLogged;
    if (wait) wait.then(send, () => {});
    else send();
  }

  /** Token bucket: `maxMessagesPerSecond`, bursts of twice that. */
  private allow(now: number): boolean {
    const rate = this.options.maxMessagesPerSecond;
    this.tokens = Math.min(rate * 2, this.tokens + ((now - this.lastRefillMs) / 1000) * rate);
    this.lastRefillMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  message(data: Buffer, isBinary: boolean): void {
    const now = Date.now();
    if (!this.allow(now)) {
      // At most one rate error a second: the reply must not become the flood.
      if (now - this.lastRateErrorMs >= 1000) {
        this.lastRateErrorMs = now;
        this.sendError(this.ws, "CC_ERR_RATE_LIMITED");
      } else this.metrics.errors.inc({ code: "CC_ERR_RATE_LIMITED" });
      return;
    }
    if (isBinary) return this.sendError(this.ws, "CC_ERR_BINARY_FRAME");
    const text = data.toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return this.sendError(this.ws, "CC_ERR_BAD_JSON");
    }
    let m: ReturnType<typeof validateMessage>;
    try {
      m = validateMessage(parsed);
    } catch (err) {
      return this.fail(err, parsed);
    }
    // Another node's call (or one not yet claimed): routed there, in order.
    if (this.cluster && !this.cluster.isLocal(this.claims.tenant, m.callId))
      return this.cluster.route(this, m.callId, text, () => this.handle(m, parsed, Date.now()));
    this.handle(m, parsed, now);
  }

  private handle(m: ReturnType<typeof validateMessage>, parsed: unknown, now: number): void {
    try {
      if (m.type === "start") this.start(m, (parsed as { resume?: unknown }).resume === true, now);
      else if (m.type === "chunk") this.chunk(m, now);
      else if (m.type === "vendor") {
        // A native ASR vendor message: the call's adapter turns it into wire chunks, each acked as usual.
        for (const c of this.live(m.callId).call.adapt(m)) this.chunk(c, now);
      } else this.end(m.callId, now);
    } catch (err) {
      this.fail(err, parsed);
    }
  }

  private fail(err: unknown, parsed: unknown): void {
    const e =
      err instanceof CallcueError
        ? err
        : new CallcueError("CC_ERR_BAD_MESSAGE", "the message could not be handled");
    const p = parsed as { callId?: unknown; seq?: unknown } | null;
    this.sendError(this.ws, e.code, {
      message: e.message,
      ...(typeof p?.callId === "string" && p.callId.length <= 256 ? { callId: p.callId } : {}),
      ...(typeof p?.seq === "number" && Number.isSafeInteger(p.seq) ? { seq: p.seq } : {}),
    });
  }

  private reply(message: object): void {
    if (this.ws.readyState !== 1) return;
    // Replies written in one event-loop turn leave in one write (acks of a burst of chunks).
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (socket && !this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    this.ws.send(JSON.stringify(message));
  }

  private start(m: StartMessage, resume: boolean, now: number): void {
    const { callId, meta } = m;
    const existing = this.hub.get(this.claims.tenant, callId);
    if (existing) {
      if (existing.ended) throw new CallcueError("CC_ERR_CALL_ENDED", "the call has ended");
      if (!resume)
        throw new CallcueError(
          "CC_ERR_CALL_EXISTS",
          "the call is already open; send resume:true to continue it",
        );
      existing.owner = this;
      existing.lastActivityMs = now;
      this.owned.add(existing);
      const lastSeq = existing.nextSeq === undefined ? null : existing.nextSeq - 1;
      this.replyDurable({ type: "started", callId, resumed: true, lastSeq });
      return;
    }
    if (resume) throw new CallcueError("CC_ERR_UNKNOWN_CALL", "no such call to resume; start it anew");
    if (this.store?.hasCall(this.claims.tenant, callId))
      throw new CallcueError("CC_ERR_CALL_ENDED", "the call has ended");
    if (this.owned.size >= this.options.maxCallsPerConnection)
      throw new CallcueError(
        "CC_ERR_TOO_MANY_CALLS",
        `at most ${this.options.maxCallsPerConnection} open calls per connection`,
      );
    const agentId = typeof meta?.agentId === "string" ? meta.agentId : undefined;
    const live = this.hub.open(m, this.claims.tenant, agentId, now);
    live.owner = this;
    this.owned.add(live);
    this.metrics.activeCalls.inc();
    this.store?.startCall(this.claims.tenant, m, now);
    const logged = this.cluster?.appendLog(live, m);
    this.cluster?.opened(live);
    this.replyDurable({ type: "started", callId, resumed: false, lastSeq: null }, logged);
  }

  private live(callId: string): LiveCall {
    const live = this.hub.get(this.claims.tenant, callId);
    if (!live) throw new CallcueError("CC_ERR_UNKNOWN_CALL", "no start was seen for this call");
    if (live.ended) throw new CallcueError("CC_ERR_CALL_ENDED", "the call has ended");
    return live;
  }

  private chunk(c: ChunkMessage, now: number): void {
    const live = this.live(c.callId);
    live.lastActivityMs = now;
    // A call's seq starts at 0 or 1: a first chunk numbered 2 waits (within the window) for the ones before it.
    live.nextSeq ??= Math.min(c.seq, 1);
    const next = live.nextSeq;
    if (c.seq < next) {
      if (live.skipped.has(c.seq))
        throw new CallcueError("CC_ERR_SEQ_STALE", `seq ${c.seq} was already given up as missing`);
      this.replyDurable({ type: "ack", callId: c.callId, seq: c.seq, duplicate: true });
      return;
    }
    if (c.seq > next) {
      if (!live.pending.has(c.seq)) live.pending.set(c.seq, { chunk: c, from: this });
      if (c.seq - next < this.options.reorderWindow && live.pending.size < this.options.reorderWindow) return;
      // The hole is older than the window: give it up, say so, and go on.
      const first = Math.min(...live.pending.keys());
      for (let s = next; s < first; s++) {
        if (live.skipped.size >= MAX_SKIPPED)
          live.skipped.delete(live.skipped.values().next().value as number);
        live.skipped.add(s);
      }
      this.sendError(this.ws, "CC_ERR_SEQ_GAP", {
        callId: c.callId,
        seq: first,
        message: `chunks ${next}..${first - 1} are missing`,
      });
      live.nextSeq = first;
    } else this.analyse(live, c, now);
    this.drain(live, now);
  }

  private drain(live: LiveCall, now: number): void {
    for (let p = pendingAt(live, live.nextSeq); p; p = pendingAt(live, live.nextSeq)) {
      live.pending.delete(p.chunk.seq);
      // Acked on the connection that brought it (a call's chunks may come over several).
      p.from.analyse(live, p.chunk, now);
    }
  }

  private analyse(live: LiveCall, chunk: ChunkMessage, receivedMs: number): void {
    live.nextSeq = chunk.seq + 1;
    // Personal data is redacted before analysis, so what is stored is what was analysed (and a rebuild matches).
    const c = this.options.pii === "redact" ? { ...chunk, text: redact(chunk.text) } : chunk;
    const events = live.call.push(c);
    // Hints go out at once; the ack waits for the chunk's commit (and its place in the shared log).
    this.store?.appendChunk(this.claims.tenant, c);
    const logged = this.cluster?.appendLog(live, c);
    this.metrics.chunks.inc();
    for (const e of events) {
      if (e.type === "hint") {
        this.hub.publish(live, e);
        this.metrics.hints.inc({ priority: e.priority });
        this.metrics.hintLatency.observe((Date.now() - receivedMs) / 1000);
      } else if (e.type === "error")
        this.sendError(this.ws, e.code as ErrorCode, { callId: c.callId, seq: c.seq, message: e.message });
    }
    this.replyDurable({ type: "ack", callId: c.callId, seq: c.seq }, logged);
  }

  private end(callId: string, now: number): void {
    const live = this.live(callId);
    if (live.pending.size > 0) {
      const seqs = [...live.pending.keys()].sort((a, b) => a - b);
      this.sendError(this.ws, "CC_ERR_SEQ_GAP", {
        callId,
        seq: seqs[0],
        message: `chunks before ${seqs[0]} never arrived`,
      });
      for (const s of seqs) {
        live.nextSeq = s;
        const p = pendingAt(live, s) as Pending;
        p.from.analyse(live, p.chunk, now);
      }
      live.pending.clear();
    }
    const summary = IngestConnection.finish(this.hub, live, this.metrics, now, this.store);
    this.owned.delete(live);
    this.replyDurable(summary);
  }

  /** Ends a call (on `end`, idle timeout or shutdown) and publishes its summary. */
  static finish(
    hub: Hub,
    live: LiveCall,
    metrics: Metrics,
    now: number,
    store: SqliteStore | undefined,
  ): object {
    const summary = live.call.end();
    live.release();
    hub.markEnded(live, now);
    metrics.activeCalls.dec();
    const published = hub.publish(live, summary);
    store?.endCall(live.tenant, summary, now);
    return published;
  }

  close(): void {
    // Calls outlive their producer's connection: it may reconnect and resume, or they end when idle.
    for (const live of this.owned) if (live.owner === this) live.owner = undefined;
    this.owned.clear();
    this.cluster?.removeConnection(this);
  }
}
