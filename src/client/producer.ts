import { EventEmitter } from "node:events";
import WebSocket from "ws";
import type { ChunkMessage, SummaryEvent } from "../types.js";

export interface ProducerOptions {
  /**
   * e.g. `ws://127.0.0.1:8080` (the `/v1/ingest` path is added). Several
   * instances of one cluster: a reconnect tries the next, and resumes there.
   */
  url: string | string[];
  /** An `ingest` token. */
  token: string;
  /** First reconnect delay; doubles up to `maxBackoffMs`. @default 100 */
  backoffMs?: number;
  /** @default 5000 */
  maxBackoffMs?: number;
}

export interface ProducerEvents {
  connected: [];
  disconnected: [code: number];
  ack: [callId: string, seq: number];
  /** A typed error from the server (`CC_ERR_*`), e.g. a gap or a bad field. */
  error: [err: { code: string; message: string; callId?: string; seq?: number }];
  summary: [summary: SummaryEvent];
}

interface OpenCall {
  start: Record<string, unknown>;
  /** Chunks sent but not acknowledged yet, resent after a reconnect. */
  unacked: Map<number, ChunkMessage>;
  ending: boolean;
  /** The server confirmed the call: a reconnect resumes it instead of starting it. */
  known: boolean;
  /** A start or resume was sent again after a refusal; further refusals until "started" are its echoes. */
  retrying: boolean;
}

/**
 * The producer client for telephony platforms: start/chunk/end, every chunk
 * kept until the server acknowledges it, reconnection with backoff, and
 * resumption of every open call from its last ack — so a cut connection loses
 * nothing and duplicates nothing (the server acks retransmits without
 * analysing them twice).
 *
 * @example
 * const p = new Producer({ url: "ws://127.0.0.1:8080", token });
 * p.startCall("c-1", { language: "en", meta: { agentId: "a-1001" } });
 * p.chunk({ type: "chunk", callId: "c-1", seq: 1, speaker: "customer", text: "hello", final: true });
 * await p.endCall("c-1");
 */
export class Producer extends EventEmitter<ProducerEvents> {
  private ws: WebSocket | undefined;
  private readonly calls = new Map<string, OpenCall>();
  private readonly summaries = new Map<string, (s: SummaryEvent) => void>();
  private backoff: number;
  private closed = false;
  private connecting: Promise<void> | undefined;
  private readonly urls: string[];
  private urlIndex = 0;

  constructor(private readonly options: ProducerOptions) {
    super();
    this.backoff = options.backoffMs ?? 100;
    this.urls = typeof options.url === "string" ? [options.url] : options.url;
    if (this.urls.length === 0) throw new Error("a producer needs at least one url");
    this.on("error", () => {}); // errors are events here, never crashes
  }

  /** Opens the connection (also done lazily by the first send). */
  connect(): Promise<void> {
    this.connecting ??= new Promise<void>((resolve) => {
      const url = this.urls[this.urlIndex % this.urls.length] as string;
      const ws = new WebSocket(`${url.replace(/\/$/, "")}/v1/ingest`, {
        headers: { authorization: `Bearer ${this.options.token}` },
      });
      ws.on("open", () => {
        this.ws = ws;
        this.backoff = this.options.backoffMs ?? 100;
        // Resume every open call (or start it, if the server never confirmed it), then resend what was never acknowledged.
        for (const [callId, c] of this.calls) this.resend(callId, c, c.known);
        this.emit("connected");
        resolve();
      });
      ws.on("message", (data) => this.onMessage(String(data)));
      ws.on("error", () => {});
      ws.on("close", (code) => {
        this.ws = undefined;
        this.connecting = undefined;
        this.emit("disconnected", code);
        if (this.closed) return resolve();
        this.urlIndex += 1;
        const delay = this.backoff;
        this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs ?? 5000);
        setTimeout(() => void this.connect().then(resolve), delay);
      });
    });
    return this.connecting;
  }

  private onMessage(text: string): void {
    let m: Record<string, unknown>;
    try {
      m = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const callId = typeof m.callId === "string" ? m.callId : "";
    if (m.type === "started") {
      const c = this.calls.get(callId);
      if (c) {
        c.known = true;
        c.retrying = false;
      }
    } else if (m.type === "ack" && typeof m.seq === "number") {
      this.calls.get(callId)?.unacked.delete(m.seq);
      this.emit("ack", callId, m.seq);
    } else if (m.type === "summary") {
      this.calls.delete(callId);
      this.emit("summary", m as unknown as SummaryEvent);
      this.summaries.get(callId)?.(m as unknown as SummaryEvent);
      this.summaries.delete(callId);
    } else if (m.type === "error") {
      const c = this.calls.get(callId);
      // A start whose reply was lost with the connection: the server has the call, so resume it.
      if (m.code === "CC_ERR_CALL_EXISTS" && c && !c.known && !c.retrying) {
        c.retrying = true;
        this.resend(callId, c, true);
        return;
      }
      // A resume the server cannot honour (the start never became durable before a crash): start again.
      if (m.code === "CC_ERR_UNKNOWN_CALL" && c && !c.retrying) {
        c.retrying = true;
        c.known = false;
        this.resend(callId, c, false);
        return;
      }
      if ((m.code === "CC_ERR_UNKNOWN_CALL" || m.code === "CC_ERR_CALL_EXISTS") && c?.retrying) return;
      this.emit("error", m as { code: string; message: string; callId?: string; seq?: number });
    }
  }

  /** Sends a call's start (or resume), every unacknowledged chunk in order, and its end if it was asked for. */
  private resend(callId: string, c: OpenCall, resume: boolean): void {
    this.send(resume ? { ...c.start, resume: true } : c.start);
    for (const seq of [...c.unacked.keys()].sort((a, b) => a - b)) this.send(c.unacked.get(seq) as object);
    if (c.ending) this.send({ type: "end", callId });
  }

  private send(message: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
    else void this.connect();
  }

  startCall(callId: string, o: { language?: string; meta?: Record<string, unknown> } = {}): void {
    const start: Record<string, unknown> = { type: "start", callId, ...o };
    this.calls.set(callId, { start, unacked: new Map(), ending: false, known: false, retrying: false });
    this.send(start);
  }

  chunk(chunk: ChunkMessage): void {
    const c = this.calls.get(chunk.callId);
    if (!c) throw new Error(`call ${chunk.callId} was not started by this producer`);
    c.unacked.set(chunk.seq, chunk);
    this.send(chunk);
  }

  /** Sends `end`; resolves with the call's summary once the server sent it. */
  endCall(callId: string): Promise<SummaryEvent> {
    const c = this.calls.get(callId);
    if (!c) return Promise.reject(new Error(`call ${callId} is not open`));
    c.ending = true;
    const p = new Promise<SummaryEvent>((resolve) => this.summaries.set(callId, resolve));
    this.send({ type: "end", callId });
    return p;
  }

  /** Chunks not acknowledged yet, per call. */
  pending(): number {
    let n = 0;
    for (const c of this.calls.values()) n += c.unacked.size;
    return n;
  }

  /** For tests and tools: drops the connection as a network fault would (the producer reconnects). */
  dropConnection(): void {
    this.ws?.terminate();
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}
