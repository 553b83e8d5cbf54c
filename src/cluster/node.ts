import type { Logger } from "pino";
import { callKey, type Hub, type LiveCall, type Published } from "../fanout/hub.js";
import type { SqliteStore } from "../store/sqlite-store.js";
import type { Metrics } from "../transport/metrics.js";
import type { Broker, BrokerEvent, NodeMessage } from "./broker.js";

/** The part of an ingest connection the node routes for. */
export interface Routable {
  readonly id: number;
  readonly tenant: string;
  /** Replies (from the owner of a forwarded call) go straight to the producer. */
  sendRaw(text: string): void;
  /** The owner of one of its calls is gone: the producer must reconnect and resume. */
  drop(): void;
}

/** A remote producer connection as its forwarded calls' owner sees it. */
export interface ProxyConnection {
  message(data: Buffer, isBinary: boolean): void;
  close(): void;
}

type Route = { node: string } | { queue: { text: string; run: () => void }[] };

/** Remote routes one producer connection remembers before they are dropped. */
const MAX_ROUTES = 10_000;

/**
 * This process as one node of several: routes each call's messages to the
 * node that owns it (claiming it when free, rebuilding it from the shared log
 * when its owner died), publishes owned calls' events, and keeps mirrors of
 * other nodes' calls for local subscribers — filling any gap an offset shows
 * from the broker's per-call log.
 */
export class ClusterNode {
  private readonly routes = new Map<Routable, Map<string, Route>>();
  private readonly connections = new Map<number, Routable>();
  private readonly proxies = new Map<string, ProxyConnection>();
  /** Mirrors being filled, with the live events that arrived meanwhile. */
  private readonly filling = new Map<string, Published[]>();

  constructor(
    readonly broker: Broker,
    private readonly hub: Hub,
    private readonly store: SqliteStore | undefined,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly proxyFor: (from: string, conn: number, tenant: string) => ProxyConnection,
  ) {}

  async start(): Promise<void> {
    this.hub.listeners.push((live, event) => {
      this.broker.publish(live.key, { from: this.broker.nodeId, meta: metaOf(live), event });
      if (event.type === "summary") this.broker.ended(live.key);
    });
    await this.broker.start({
      event: (e) => this.onEvent(e),
      message: (m) => this.onMessage(m),
      nodeDown: (id) => this.onNodeDown(id),
      resync: () => void this.resync(),
    });
    await this.resync();
  }

  get nodeId(): string {
    return this.broker.nodeId;
  }

  /** A call this node analyses (not a mirror of another node's). */
  isLocal(tenant: string, callId: string): boolean {
    const live = this.hub.get(tenant, callId);
    return live !== undefined && !live.mirror;
  }

  /** An owned call opened: every node learns of it (desktops watching its agent anywhere get it). */
  opened(live: LiveCall): void {
    this.broker.publish(live.key, { from: this.broker.nodeId, meta: metaOf(live) });
  }

  appendLog(live: LiveCall, m: Parameters<Broker["appendLog"]>[1]): Promise<void> | undefined {
    return this.broker.appendLog(live.key, m);
  }

  addConnection(c: Routable): void {
    this.connections.set(c.id, c);
    this.routes.set(c, new Map());
  }

  removeConnection(c: Routable): void {
    const routes = this.routes.get(c);
    this.routes.delete(c);
    this.connections.delete(c.id);
    const told = new Set<string>();
    for (const r of routes?.values() ?? []) {
      if ("node" in r && !told.has(r.node)) {
        told.add(r.node);
        this.broker.send(r.node, { kind: "closed", from: this.broker.nodeId, conn: c.id });
      }
    }
  }

  /**
   * A message for a call that is not local: forwarded to its owner, or — once
   * this node has claimed it (rebuilding it if it lived elsewhere) — run here.
   * A call's messages keep their order while its claim is pending.
   */
  route(c: Routable, callId: string, text: string, run: () => void): void {
    const routes = this.routes.get(c);
    if (!routes) return;
    const r = routes.get(callId);
    if (r && "node" in r) return this.forward(c, r.node, text);
    if (r) {
      r.queue.push({ text, run });
      return;
    }
    const pending: Route = { queue: [{ text, run }] };
    // Routes of long-ended calls are forgotten in bulk; a live call's route is simply claimed again.
    if (routes.size >= MAX_ROUTES) for (const [id, old] of routes) if ("node" in old) routes.delete(id);
    routes.set(callId, pending);
    const key = callKey(c.tenant, callId);
    this.broker
      .claim(key)
      .then(async (owner) => {
        if (owner === this.broker.nodeId) await this.adopt(c.tenant, callId);
        if (!this.routes.has(c)) return;
        if (owner === this.broker.nodeId) {
          routes.delete(callId);
          for (const q of pending.queue) q.run();
          // A claim for nothing (a chunk of an unknown call) is given back.
          if (!this.isLocal(c.tenant, callId)) this.broker.release(key);
        } else {
          routes.set(callId, { node: owner });
          for (const q of pending.queue) this.forward(c, owner, q.text);
        }
      })
      .catch((err: Error) => {
        this.log.warn({ err: err.message }, "claim failed");
        routes.delete(callId);
        c.drop();
      });
  }

  private forward(c: Routable, node: string, text: string): void {
    this.metrics.forwarded.inc();
    this.broker.send(node, { kind: "ingest", from: this.broker.nodeId, conn: c.id, tenant: c.tenant, text });
  }

  /** Takes over a call whose owner is gone: rebuilt from the broker's log or the shared store. */
  private async adopt(tenant: string, callId: string): Promise<void> {
    if (this.isLocal(tenant, callId)) return;
    const key = callKey(tenant, callId);
    if (this.broker.holdsCallLogs) {
      const log = await this.broker.loadLog(key);
      if (!log || this.isLocal(tenant, callId)) return;
      const events = await this.broker.events(key, 0);
      if (this.isLocal(tenant, callId)) return;
      if (events.at(-1)?.type === "summary") {
        // Ended (on whichever node): kept as ended, so a start or chunk for it is refused as such.
        const now = Date.now();
        this.hub.markEnded(this.hub.rebuild({ tenant, start: log.start, chunks: [], events }, now), now);
        this.broker.release(key);
        return;
      }
      this.hub.rebuild({ tenant, ...log, events }, Date.now());
    } else {
      const stored = this.store?.getCall(tenant, callId);
      if (!stored || stored.summary) return;
      this.hub.rebuild(stored, Date.now());
    }
    this.metrics.takenOver.inc();
    this.log.info({ node: this.broker.nodeId }, "call taken over");
  }

  private onMessage(m: NodeMessage): void {
    if (m.kind === "reply") {
      this.connections.get(m.conn)?.sendRaw(m.text);
      return;
    }
    const id = `${m.from}/${m.conn}`;
    if (m.kind === "closed") {
      this.proxies.get(id)?.close();
      this.proxies.delete(id);
      return;
    }
    let p = this.proxies.get(id);
    if (!p) {
      p = this.proxyFor(m.from, m.conn, m.tenant);
      this.proxies.set(id, p);
    }
    p.message(Buffer.from(m.text), false);
  }

  private onNodeDown(id: string): void {
    // Producers whose calls it owned reconnect and resume: the calls are claimed (and rebuilt) anew.
    for (const [c, routes] of this.routes) {
      for (const r of routes.values()) {
        if ("node" in r && r.node === id) {
          c.drop();
          break;
        }
      }
    }
    for (const [key, p] of this.proxies) {
      if (key.startsWith(`${id}/`)) {
        p.close();
        this.proxies.delete(key);
      }
    }
  }

  private onEvent(e: BrokerEvent): void {
    if (e.from === this.broker.nodeId) return;
    const { tenant, callId, agentId, replay } = e.meta;
    let live = this.hub.get(tenant, callId);
    if (live && !live.mirror) return;
    live ??= this.hub.openMirror(tenant, callId, agentId, replay, Date.now());
    if (e.event) this.apply(live, e.event);
  }

  private apply(live: LiveCall, event: Published): void {
    live.lastActivityMs = Date.now();
    const queued = this.filling.get(live.key);
    if (queued) {
      queued.push(event);
      return;
    }
    if (event.offset <= live.lastOffset) return;
    if (event.offset === live.lastOffset + 1) return this.hub.relay(live, event, Date.now());
    this.metrics.gaps.inc({ outcome: "detected" });
    void this.fill(live);
    this.filling.get(live.key)?.push(event);
  }

  /** A gap in a mirror's offsets: the missing events come from the broker's log, in order. */
  private async fill(live: LiveCall): Promise<void> {
    if (this.filling.has(live.key)) return;
    const queued: Published[] = [];
    this.filling.set(live.key, queued);
    let logged: Published[] = [];
    try {
      logged = await this.broker.events(live.key, live.lastOffset);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "gap fill failed");
    }
    this.filling.delete(live.key);
    const now = Date.now();
    let filled = 0;
    for (const e of [...logged, ...queued].sort((a, b) => a.offset - b.offset)) {
      if (e.offset <= live.lastOffset) continue;
      if (e.offset === live.lastOffset + 1) {
        this.hub.relay(live, e, now);
        filled++;
      } else {
        // Older than the log keeps: said, never silent.
        this.metrics.gaps.inc({ outcome: "lost" }, e.offset - live.lastOffset - 1);
        this.hub.lost(live, e, now);
      }
    }
    if (filled > 0) this.metrics.gaps.inc({ outcome: "filled" }, filled);
  }

  /** At start and after a cut link: every open call is mirrored and brought up to date. */
  private async resync(): Promise<void> {
    try {
      const open = await this.broker.openCalls();
      const now = Date.now();
      for (const { meta } of open) {
        if (!this.hub.get(meta.tenant, meta.callId))
          this.hub.openMirror(meta.tenant, meta.callId, meta.agentId, meta.replay, now);
      }
      for (const live of [...this.hub.calls.values()]) if (live.mirror && !live.ended) void this.fill(live);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "resync failed");
    }
  }

  /**
   * Calls whose owner died and whose producer never came back would stay open
   * for ever: a mirror quiet for `idleMs` is claimed, and if it is free it is
   * rebuilt here — already idle, so the idle sweep ends it with a summary.
   */
  async sweepOrphans(nowMs: number, idleMs: number): Promise<void> {
    for (const live of [...this.hub.calls.values()]) {
      if (!live.mirror || live.ended || nowMs - live.lastActivityMs < idleMs) continue;
      live.lastActivityMs = nowMs;
      const owner = await this.broker.claim(live.key).catch(() => undefined);
      if (owner !== this.broker.nodeId) continue;
      await this.adopt(live.tenant, live.callId);
      const adopted = this.hub.get(live.tenant, live.callId);
      if (adopted && !adopted.mirror) adopted.lastActivityMs = nowMs - idleMs - 1;
      else this.broker.release(live.key);
    }
  }

  /** Stops claiming; `handOver`: this node's calls are released for producers to resume elsewhere. */
  async close(handOver: LiveCall[] = []): Promise<void> {
    for (const live of handOver) this.broker.release(live.key);
    await this.broker.close();
  }
}

function metaOf(live: LiveCall): BrokerEvent["meta"] {
  return {
    tenant: live.tenant,
    callId: live.callId,
    ...(live.agentId !== undefined ? { agentId: live.agentId } : {}),
    replay: live.replay,
  };
}
