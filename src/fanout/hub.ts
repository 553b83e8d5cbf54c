import type WebSocket from "ws";
import type { Analyzer } from "../analyzer.js";
import { openOptions } from "../analyzer.js";
import { CallcueError } from "../errors.js";
import type { Call } from "../session/call.js";
import type { Claims } from "../transport/auth.js";
import type { ChunkMessage, HintEvent, StartMessage, SummaryEvent } from "../types.js";

/** An event as subscribers see it: the analyzer's event plus its per-call offset. */
export type Published = (HintEvent | SummaryEvent) & { offset: number };

/** One desktop connection and what it follows. */
export interface Subscriber {
  ws: WebSocket;
  claims: Claims;
  /** Call keys this subscriber receives. */
  calls: Set<string>;
  /** Since when the send buffer has been over the cap (0 = not lagging). */
  laggingSinceMs: number;
  /** Events were dropped while lagging: the next send starts with a snapshot. */
  dropped: Set<string>;
  /** Also follow QA replays (calls whose start says `meta.replay`) when watching an agent or the tenant. */
  includeReplay: boolean;
}

export interface HubOptions {
  historyEvents: number;
  maxBufferedBytes: number;
  slowSubscriberMs: number;
  /** Ended calls stay this long for late subscribers and resumes. */
  keepEndedMs: number;
  /** At most this many ended calls are kept (the oldest go first), whatever their age. */
  maxEndedCalls: number;
}

/** A live (or recently ended) call: the analyzer state, ingest ordering and its event history. */
export class LiveCall {
  readonly key: string;
  /** Next seq expected; undefined until the first chunk. */
  nextSeq: number | undefined;
  /** Chunks that arrived ahead of `nextSeq`, waiting for the ones before them (bounded by the reorder window). */
  readonly pending = new Map<number, unknown>();
  /** Seqs declared missing (bounded): a late arrival is reported stale, not analysed. */
  readonly skipped = new Set<number>();
  owner: object | undefined;
  lastActivityMs: number;
  endedAtMs = 0;
  lastHint: HintEvent | undefined;
  summary: SummaryEvent | undefined;
  /** A QA replay (start.meta.replay): not pushed to live desktops unless they ask for replays. */
  replay = false;
  /** Owned by another node: this copy only relays its events to local subscribers. */
  mirror = false;
  private readonly history: Published[] = [];
  private nextOffset = 1;
  readonly subscribers = new Set<Subscriber>();

  constructor(
    readonly tenant: string,
    readonly callId: string,
    readonly agentId: string | undefined,
    private analysis: Call | undefined,
    nowMs: number,
    private readonly historyLimit: number,
  ) {
    this.key = callKey(tenant, callId);
    this.lastActivityMs = nowMs;
  }

  /** The analyzer state of a call this node analyses (mirrors and ended calls have none). */
  get call(): Call {
    if (!this.analysis) throw new CallcueError("CC_ERR_CALL_ENDED", "the call has ended");
    return this.analysis;
  }

  /** An ended call keeps its events and summary for late readers, not its analyzer state. */
  release(): void {
    this.analysis = undefined;
  }

  /** Puts back the event history of a call rebuilt after a restart. */
  restore(events: Published[]): void {
    for (const e of events) {
      this.history.push(e);
      if (this.history.length > this.historyLimit) this.history.shift();
      if (e.type === "hint") this.lastHint = e;
      else this.summary = e;
      this.nextOffset = e.offset + 1;
    }
  }

  get lastOffset(): number {
    return this.nextOffset - 1;
  }

  get ended(): boolean {
    return this.summary !== undefined;
  }

  record(event: HintEvent | SummaryEvent): Published {
    const p = { ...event, offset: this.nextOffset++ } as Published;
    this.history.push(p);
    if (this.history.length > this.historyLimit) this.history.shift();
    if (event.type === "hint") this.lastHint = event;
    else this.summary = event;
    return p;
  }

  /** Events after `offset`, or undefined when some of them are no longer kept. */
  since(offset: number): Published[] | undefined {
    if (offset >= this.lastOffset) return [];
    const oldest = this.history[0]?.offset ?? this.nextOffset;
    if (offset + 1 < oldest) return undefined;
    return this.history.filter((e) => e.offset > offset);
  }

  snapshot(recovered?: boolean): Record<string, unknown> {
    const s: Record<string, unknown> = {
      type: "snapshot",
      callId: this.callId,
      offset: this.lastOffset,
      agentId: this.agentId ?? null,
      hint: this.lastHint ?? null,
      summary: this.summary ?? null,
    };
    if (recovered !== undefined) s.recovered = recovered;
    return s;
  }
}

export function callKey(tenant: string, callId: string): string {
  return `${tenant}\u0000${callId}`;
}

/** May these claims see this call? Tenant first, then role and entitlement (SPEC §10). */
export function entitled(
  claims: Claims,
  tenant: string,
  callId: string,
  agentId: string | undefined,
): boolean {
  if (claims.tenant !== tenant) return false;
  if (claims.role === "supervisor") return true;
  if (claims.role !== "agent") return false;
  return (
    (claims.calls?.includes(callId) ?? false) || (claims.agentId !== undefined && claims.agentId === agentId)
  );
}

/**
 * The subscriber hub: live calls by tenant and id, who follows what, and the
 * one guarded send (checks `bufferedAmount` before every message, drops to
 * the latest state when a desktop cannot keep up, closes it if it stays over).
 */
export class Hub {
  readonly calls = new Map<string, LiveCall>();
  /** Subscribers following an agent id (key tenant+agentId) or a whole tenant (key tenant+"*"). */
  private readonly watchers = new Map<string, Set<Subscriber>>();
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    readonly analyzer: Analyzer,
    private readonly options: HubOptions,
    private readonly onDrop: (s: Subscriber, reason: string) => void,
  ) {}

  /** Opens a call from its `start` (language, vendor format) for a tenant. */
  open(start: StartMessage, tenant: string, agentId: string | undefined, nowMs: number): LiveCall {
    const callId = start.callId;
    const call = this.analyzer.openCall(openOptions(start));
    const live = new LiveCall(tenant, callId, agentId, call, nowMs, this.options.historyEvents);
    live.replay = start.meta?.replay === true;
    this.add(live);
    return live;
  }

  /** A call owned by another node, whose events arrive through the broker. */
  openMirror(
    tenant: string,
    callId: string,
    agentId: string | undefined,
    replay: boolean,
    nowMs: number,
  ): LiveCall {
    const live = new LiveCall(tenant, callId, agentId, undefined, nowMs, this.options.historyEvents);
    live.replay = replay;
    live.mirror = true;
    this.add(live);
    return live;
  }

  /** Registers a call (taking over the subscribers of the copy it replaces) and tells its watchers. */
  private add(live: LiveCall): void {
    const { tenant, callId, agentId } = live;
    const prior = this.calls.get(live.key);
    this.calls.set(live.key, live);
    if (prior) {
      for (const s of prior.subscribers) live.subscribers.add(s);
      return;
    }
    // Desktops following this agent (or the whole tenant) get the new call at once.
    for (const key of [watchKey(tenant, agentId ?? "\u0001"), watchKey(tenant, "*")]) {
      for (const s of this.watchers.get(key) ?? []) {
        if (entitled(s.claims, tenant, callId, agentId) && (!live.replay || s.includeReplay))
          this.follow(s, live);
      }
    }
  }

  /**
   * Rebuilds a call from its log (after a restart, or taken over from a node
   * that died): its chunks go through the analyzer again (it is
   * deterministic) and its events come back with their offsets.
   */
  rebuild(
    c: { tenant: string; start: StartMessage; chunks: ChunkMessage[]; events: Published[] },
    nowMs: number,
  ): LiveCall {
    const agentId = typeof c.start.meta?.agentId === "string" ? c.start.meta.agentId : undefined;
    const live = this.open(c.start, c.tenant, agentId, nowMs);
    for (const chunk of c.chunks) live.call.push(chunk);
    const last = c.chunks.at(-1);
    if (last) {
      live.nextSeq = last.seq + 1;
      live.call.continueVendorAt(last.seq + 1);
    }
    live.restore(c.events);
    return live;
  }

  get(tenant: string, callId: string): LiveCall | undefined {
    return this.calls.get(callKey(tenant, callId));
  }

  addSubscriber(s: Subscriber): void {
    this.subscribers.add(s);
  }

  removeSubscriber(s: Subscriber): void {
    this.subscribers.delete(s);
    for (const key of s.calls) this.calls.get(key)?.subscribers.delete(s);
    for (const set of this.watchers.values()) set.delete(s);
  }

  /** Starts sending a call's events to a subscriber; `offset` resumes after the last event it saw. */
  follow(s: Subscriber, live: LiveCall, offset?: number): void {
    s.calls.add(live.key);
    live.subscribers.add(s);
    if (offset === undefined) {
      this.send(s, live, live.snapshot());
      return;
    }
    const missed = live.since(offset);
    if (missed === undefined) this.send(s, live, live.snapshot(false));
    else for (const e of missed) this.send(s, live, e);
  }

  watch(s: Subscriber, tenant: string, agentId: string | "*"): LiveCall[] {
    const key = watchKey(tenant, agentId);
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(s);
    return [...this.calls.values()].filter(
      (c) =>
        c.tenant === tenant &&
        !c.ended &&
        (agentId === "*" || c.agentId === agentId) &&
        (!c.replay || s.includeReplay),
    );
  }

  /** Called with every published event: the store persists it, the webhook posts it. */
  readonly listeners: ((live: LiveCall, event: Published) => void)[] = [];

  publish(live: LiveCall, event: HintEvent | SummaryEvent): Published {
    const p = live.record(event);
    for (const listen of this.listeners) listen(live, p);
    for (const s of live.subscribers) this.send(s, live, p);
    return p;
  }

  /** A mirrored call's event, with the offset its owner gave it, to the local subscribers. */
  relay(live: LiveCall, event: Published, nowMs: number): void {
    live.restore([event]);
    if (event.type === "summary") this.markEnded(live, nowMs);
    for (const s of live.subscribers) this.send(s, live, event);
  }

  /** Events of a mirrored call are lost for good: subscribers get its state, flagged as not recovered. */
  lost(live: LiveCall, latest: Published, nowMs: number): void {
    live.restore([latest]);
    if (latest.type === "summary") this.markEnded(live, nowMs);
    for (const s of live.subscribers) this.send(s, live, live.snapshot(false));
  }

  /** The guarded send: never lets a subscriber's buffer grow past the cap by more than one message. */
  private send(s: Subscriber, live: LiveCall, message: object): void {
    const ws = s.ws;
    if (ws.readyState !== 1) return;
    const now = Date.now();
    if (ws.bufferedAmount > this.options.maxBufferedBytes) {
      if (s.laggingSinceMs === 0) s.laggingSinceMs = now;
      s.dropped.add(live.key);
      if (now - s.laggingSinceMs > this.options.slowSubscriberMs) this.onDrop(s, "slow subscriber");
      return;
    }
    s.laggingSinceMs = 0;
    if (s.dropped.delete(live.key)) {
      // Coalesced: what was dropped is replaced by the latest state, flagged as not recovered.
      ws.send(JSON.stringify(live.snapshot(false)));
      if ((message as { type?: string }).type === "snapshot") return;
    }
    ws.send(JSON.stringify(message));
  }

  /**
   * Lagging subscribers: one that drained gets the latest state of what it
   * missed; one still over the cap after `slowSubscriberMs` is dropped.
   */
  sweepSlow(nowMs: number): void {
    for (const s of this.subscribers) {
      if (s.laggingSinceMs === 0) continue;
      if (s.ws.bufferedAmount <= this.options.maxBufferedBytes) {
        s.laggingSinceMs = 0;
        for (const key of [...s.dropped]) {
          const live = this.calls.get(key);
          if (live) this.send(s, live, live.snapshot(false));
        }
      } else if (nowMs - s.laggingSinceMs > this.options.slowSubscriberMs) this.onDrop(s, "slow subscriber");
    }
  }

  /** Ended calls, oldest first: forgotten after `keepEndedMs`, or sooner past `maxEndedCalls`. */
  private readonly endedOrder: LiveCall[] = [];

  markEnded(live: LiveCall, nowMs: number): void {
    live.endedAtMs = nowMs;
    this.endedOrder.push(live);
  }

  sweepEnded(nowMs: number): void {
    const { keepEndedMs, maxEndedCalls } = this.options;
    let n = 0;
    for (const c of this.endedOrder) {
      if (nowMs - c.endedAtMs <= keepEndedMs && this.endedOrder.length - n <= maxEndedCalls) break;
      n++;
      if (this.calls.get(c.key) !== c) continue;
      this.calls.delete(c.key);
      for (const s of c.subscribers) s.calls.delete(c.key);
    }
    if (n > 0) this.endedOrder.splice(0, n);
  }
}

function watchKey(tenant: string, agentId: string): string {
  return `${tenant}\u0000${agentId}`;
}
