/**
 * The subscriber client for agent desktops, in Node and in browsers (no Node
 * imports: pass `WebSocket` in Node 20, browsers have it). It subscribes,
 * reconnects with backoff, and resumes every call from the last offset it
 * saw, so a desktop never silently misses a hint: the server replays exactly
 * what was missed, or sends a snapshot with `recovered: false`.
 *
 * @example
 * import WebSocket from "ws";
 * const sub = new Subscriber({ url: "ws://127.0.0.1:8080", token, WebSocket, onEvent: (e) => console.log(e) });
 * sub.subscribe({ agentId: "a-1001" });
 */

/** The minimal WebSocket surface used (the browser's and `ws` both have it). */
interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
type SocketConstructor = new (url: string) => SocketLike;

export interface SubscriberEvent {
  type: "hint" | "summary" | "snapshot" | "error";
  callId?: string;
  offset?: number;
  recovered?: boolean;
  code?: string;
  [key: string]: unknown;
}

export interface SubscriberOptions {
  url: string;
  /** An `agent` or `supervisor` token (sent as `access_token`, which browsers can do). */
  token: string;
  onEvent: (event: SubscriberEvent) => void;
  onStatus?: (status: "connected" | "disconnected") => void;
  WebSocket?: SocketConstructor;
  /** @default 200 */
  backoffMs?: number;
  /** @default 5000 */
  maxBackoffMs?: number;
}

export type Subscription = ({ callId: string } | { agentId: string } | { all: true }) & {
  includeReplay?: boolean;
};

export class Subscriber {
  private socket: SocketLike | undefined;
  private readonly subscriptions: Subscription[] = [];
  /** Last offset seen per call: what a reconnect resumes from. */
  readonly offsets = new Map<string, number>();
  private backoff: number;
  private stopped = false;

  constructor(private readonly options: SubscriberOptions) {
    this.backoff = options.backoffMs ?? 200;
    this.open();
  }

  private open(): void {
    const Ctor =
      this.options.WebSocket ?? (globalThis as unknown as { WebSocket?: SocketConstructor }).WebSocket;
    if (!Ctor) throw new Error("no WebSocket implementation: pass one in the options");
    const url = `${this.options.url.replace(/\/$/, "")}/v1/subscribe?access_token=${encodeURIComponent(this.options.token)}`;
    const ws = new Ctor(url);
    this.socket = ws;
    ws.onopen = () => {
      this.backoff = this.options.backoffMs ?? 200;
      this.options.onStatus?.("connected");
      // Calls already followed resume from their offset; then the standing subscriptions again.
      for (const [callId, offset] of this.offsets)
        ws.send(JSON.stringify({ type: "subscribe", callId, offset }));
      for (const s of this.subscriptions)
        if (!("callId" in s) || !this.offsets.has(s.callId))
          ws.send(JSON.stringify({ type: "subscribe", ...s }));
    };
    ws.onmessage = (ev) => {
      let e: SubscriberEvent;
      try {
        e = JSON.parse(String(ev.data)) as SubscriberEvent;
      } catch {
        return;
      }
      if (e.callId && typeof e.offset === "number") {
        const seen = this.offsets.get(e.callId);
        // A replayed event already seen (a subscription by agent and by call overlapping) is skipped.
        if (e.type !== "snapshot" && seen !== undefined && e.offset <= seen) return;
        this.offsets.set(e.callId, e.offset);
      }
      this.options.onEvent(e);
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      this.options.onStatus?.("disconnected");
      if (this.stopped) return;
      const delay = this.backoff;
      this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs ?? 5000);
      setTimeout(() => this.open(), delay);
    };
  }

  subscribe(s: Subscription): void {
    this.subscriptions.push(s);
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify({ type: "subscribe", ...s }));
  }

  /** For tests and tools: drops the connection as a network fault would (the client reconnects). */
  dropConnection(): void {
    this.socket?.close(4000);
  }

  close(): void {
    this.stopped = true;
    this.socket?.close(1000);
  }
}
