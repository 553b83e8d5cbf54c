import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";
import type { Published } from "../fanout/hub.js";
import type { Broker, BrokerEvent, BrokerHandlers, CallMeta, NodeMessage } from "./broker.js";

/** Every IPC message of ours carries `cc`, so other users of the channel (prom-client) are left alone. */
type ToPrimary =
  | { cc: 1; op: "claim" | "events"; rid: number; key: string; offset?: number }
  | { cc: 1; op: "openCalls" | "metrics"; rid: number }
  | { cc: 1; op: "release" | "ended"; key: string }
  | { cc: 1; op: "send"; to: string; m: NodeMessage }
  | { cc: 1; op: "publish"; key: string; meta: CallMeta; offset?: number; json: string }
  | { cc: 1; op: "listening"; url: string };

type ToWorker =
  | { cc: 1; op: "reply"; rid: number; value: unknown }
  | { cc: 1; op: "event"; json: string }
  | { cc: 1; op: "message"; m: NodeMessage }
  | { cc: 1; op: "nodeDown"; id: string };

const isOurs = (m: unknown): boolean =>
  typeof m === "object" && m !== null && (m as { cc?: unknown }).cc === 1;

/**
 * The worker's side of the cluster broker: requests to the primary with ids,
 * events and forwarded messages from it. Chunk logs stay in the shared
 * SQLite store (every worker opens the same database).
 */
export class IpcBroker implements Broker {
  readonly nodeId = `w${cluster.worker?.id ?? process.pid}`;
  readonly holdsCallLogs = false;
  private nextRid = 1;
  private readonly waiting = new Map<number, (value: unknown) => void>();

  async start(h: BrokerHandlers): Promise<void> {
    // Without its primary a worker can neither route nor claim: it stops, and whatever supervises the service restarts it.
    process.on("disconnect", () => process.exit(1));
    process.on("message", (raw: unknown) => {
      if (!isOurs(raw)) return;
      const m = raw as ToWorker;
      if (m.op === "reply") {
        this.waiting.get(m.rid)?.(m.value);
        this.waiting.delete(m.rid);
      } else if (m.op === "event") h.event(JSON.parse(m.json) as BrokerEvent);
      else if (m.op === "message") h.message(m.m);
      else h.nodeDown(m.id);
    });
  }

  private ask<T>(m: Record<string, unknown>): Promise<T> {
    const rid = this.nextRid++;
    return new Promise<T>((resolve) => {
      this.waiting.set(rid, resolve as (v: unknown) => void);
      this.post({ ...m, rid } as ToPrimary);
    });
  }

  private post(m: ToPrimary): void {
    process.send?.(m);
  }

  claim(key: string): Promise<string> {
    return this.ask({ cc: 1, op: "claim", key });
  }
  release(key: string): void {
    this.post({ cc: 1, op: "release", key });
  }
  send(to: string, m: NodeMessage): void {
    this.post({ cc: 1, op: "send", to, m });
  }
  /** The event crosses as one string: the primary stores and relays it without parsing it. */
  publish(key: string, e: BrokerEvent): void {
    const json = JSON.stringify(e);
    this.post({
      cc: 1,
      op: "publish",
      key,
      meta: e.meta,
      ...(e.event ? { offset: e.event.offset } : {}),
      json,
    });
  }
  async events(key: string, offset: number): Promise<Published[]> {
    const logged = await this.ask<string[]>({ cc: 1, op: "events", key, offset });
    return logged.map((json) => (JSON.parse(json) as BrokerEvent).event as Published);
  }
  openCalls(): Promise<{ key: string; meta: CallMeta }[]> {
    return this.ask({ cc: 1, op: "openCalls" });
  }
  appendLog(): undefined {
    return undefined;
  }
  async loadLog(): Promise<undefined> {
    return undefined;
  }
  ended(key: string): void {
    this.post({ cc: 1, op: "ended", key });
  }
  shareMetrics(registry: Registry): void {
    // prom-client's own cluster protocol answers the primary's requests for this registry.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([registry]);
  }
  clusterMetrics(): Promise<string> {
    return this.ask({ cc: 1, op: "metrics" });
  }
  async close(): Promise<void> {}
}

interface CallState {
  meta: CallMeta;
  /** The call's recent events as published (JSON of a BrokerEvent), with their offsets. */
  events: { offset: number; json: string }[];
  ended: boolean;
}

/**
 * The primary's side: owners by call, each call's recent events (bounded),
 * relaying between workers. A worker that dies loses its calls' ownership
 * (they are taken over on resume) and every other worker hears of it.
 */
export class IpcBrokerPrimary {
  private readonly owners = new Map<string, string>();
  private readonly calls = new Map<string, CallState>();
  private readonly workers = new Map<string, Worker>();
  private readonly aggregator = new AggregatorRegistry();

  constructor(
    private readonly historyEvents: number,
    private readonly keepEndedMs: number,
    private readonly onListening: (url: string, nodeId: string) => void,
  ) {}

  attach(worker: Worker): void {
    const id = `w${worker.id}`;
    this.workers.set(id, worker);
    worker.on("message", (raw: unknown) => {
      if (isOurs(raw)) this.handle(id, worker, raw as ToPrimary);
    });
    worker.on("exit", () => {
      this.workers.delete(id);
      for (const [key, owner] of this.owners) if (owner === id) this.owners.delete(key);
      for (const w of this.workers.values()) this.post(w, { cc: 1, op: "nodeDown", id });
    });
  }

  private post(w: Worker, m: ToWorker): void {
    if (w.isConnected()) w.send(m);
  }

  private handle(id: string, w: Worker, m: ToPrimary): void {
    switch (m.op) {
      case "claim": {
        const owner = this.owners.get(m.key);
        if (owner === undefined || !this.workers.has(owner)) this.owners.set(m.key, id);
        return this.post(w, { cc: 1, op: "reply", rid: m.rid, value: this.owners.get(m.key) });
      }
      case "release":
        if (this.owners.get(m.key) === id) this.owners.delete(m.key);
        return;
      case "send": {
        const to = this.workers.get(m.to);
        if (to) this.post(to, { cc: 1, op: "message", m: m.m });
        return;
      }
      case "publish": {
        let c = this.calls.get(m.key);
        if (!c) {
          c = { meta: m.meta, events: [], ended: false };
          this.calls.set(m.key, c);
        }
        if (m.offset !== undefined) {
          c.events.push({ offset: m.offset, json: m.json });
          if (c.events.length > this.historyEvents) c.events.shift();
        }
        for (const [wid, other] of this.workers)
          if (wid !== id) this.post(other, { cc: 1, op: "event", json: m.json });
        return;
      }
      case "events": {
        const offset = m.offset ?? 0;
        const value = (this.calls.get(m.key)?.events ?? [])
          .filter((e) => e.offset > offset)
          .map((e) => e.json);
        return this.post(w, { cc: 1, op: "reply", rid: m.rid, value });
      }
      case "openCalls": {
        const value = [...this.calls].filter(([, c]) => !c.ended).map(([key, c]) => ({ key, meta: c.meta }));
        return this.post(w, { cc: 1, op: "reply", rid: m.rid, value });
      }
      case "ended": {
        const c = this.calls.get(m.key);
        if (c) c.ended = true;
        this.owners.delete(m.key);
        setTimeout(() => this.calls.delete(m.key), this.keepEndedMs).unref();
        return;
      }
      case "metrics":
        this.aggregator.clusterMetrics().then(
          (value) => this.post(w, { cc: 1, op: "reply", rid: m.rid, value }),
          (err: Error) => this.post(w, { cc: 1, op: "reply", rid: m.rid, value: `# ${err.message}\n` }),
        );
        return;
      case "listening":
        return this.onListening(m.url, id);
    }
  }
}
