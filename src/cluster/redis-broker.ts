import { randomUUID } from "node:crypto";
import { type ChainableCommander, Redis } from "ioredis";
import type { Published } from "../fanout/hub.js";
import type { ChunkMessage, StartMessage } from "../types.js";
import type { Broker, BrokerEvent, BrokerHandlers, CallLog, CallMeta, NodeMessage } from "./broker.js";

const P = "callcue:";
/** A node's liveness key lives this long; it is refreshed every third of it. */
const NODE_TTL_MS = 3000;
const OWNER_TTL_MS = 24 * 3_600_000;

// Take the call if it is free, already ours, or its owner's liveness key is gone.
const CLAIM = `
local o = redis.call('GET', KEYS[1])
if o and o ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. o) == 1 then return o end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return ARGV[1]`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The writes of one event-loop turn: each call's chunks in one RPUSH, then
 * the events, in one pipeline. Logs go first, so an event in Redis always
 * has its chunk there too (a node taking the call over never sees a hint
 * whose chunk is missing).
 */
interface Batch {
  logs: Map<string, string[]>;
  events: ((p: ChainableCommander) => void)[];
  done: Promise<void>;
}

/** Redis keys are built from the call key (tenant NUL callId), each part escaped. */
function redisKey(key: string): string {
  return key.split("\u0000").map(encodeURIComponent).join(":");
}

export interface RedisBrokerOptions {
  url: string;
  historyEvents: number;
  keepEndedMs: number;
}

/**
 * Several `callcue serve` instances over one Redis: ownership by lease
 * (`SET` with the owner's liveness key checked in a script), per-call event
 * streams whose ids are the offsets (gap fill is one `XRANGE`), a per-call
 * chunk list for take-over, pub/sub for live fan-out and node-to-node
 * forwarding. Commands wait through a cut link (no retry limit), so an ack
 * waiting on the log is delayed, never given without it.
 */
export class RedisBroker implements Broker {
  readonly nodeId = randomUUID();
  readonly holdsCallLogs = true;
  private readonly cmd: Redis;
  private readonly sub: Redis;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly peers = new Set<string>();
  private batch: Batch | undefined;

  constructor(private readonly o: RedisBrokerOptions) {
    const common = {
      maxRetriesPerRequest: null,
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
      lazyConnect: true,
    };
    // Commands of one event-loop turn (a burst of chunks' log appends) leave in one write.
    this.cmd = new Redis(o.url, { ...common, enableAutoPipelining: true });
    this.sub = new Redis(o.url, common);
    for (const r of [this.cmd, this.sub]) r.on("error", () => {});
    this.cmd.defineCommand("ccClaim", { numberOfKeys: 1, lua: CLAIM });
    this.cmd.defineCommand("ccRelease", { numberOfKeys: 1, lua: RELEASE });
  }

  async start(h: BrokerHandlers): Promise<void> {
    try {
      await Promise.all([this.cmd.connect(), this.sub.connect()]);
    } catch (err) {
      this.cmd.disconnect();
      this.sub.disconnect();
      const where = new URL(this.o.url);
      where.password = "";
      throw new Error(`cannot reach the broker at ${where.href}: ${(err as Error).message}`);
    }
    await this.alive();
    this.heartbeat = setInterval(() => {
      void this.alive().catch(() => {});
      void this.checkPeers(h);
    }, NODE_TTL_MS / 3);
    this.heartbeat.unref();
    this.sub.on("message", (channel: string, text: string) => {
      try {
        if (channel === `${P}events`) h.event(JSON.parse(text) as BrokerEvent);
        else h.message(JSON.parse(text) as NodeMessage);
      } catch {
        // Only our own nodes publish here; a bad message is dropped rather than crash the node.
      }
    });
    // Every (re)subscription after the first follows a cut link: what was published meanwhile is fetched.
    this.sub.on("ready", () => h.resync());
    await this.sub.subscribe(`${P}events`, `${P}to:${this.nodeId}`);
  }

  private alive(): Promise<unknown> {
    return this.cmd.set(`${P}node:${this.nodeId}`, "1", "PX", NODE_TTL_MS);
  }

  /** Nodes this one forwards to are checked every beat: a dead one voids its routes. */
  private async checkPeers(h: BrokerHandlers): Promise<void> {
    for (const peer of this.peers) {
      try {
        if ((await this.cmd.exists(`${P}node:${peer}`)) === 0) {
          this.peers.delete(peer);
          h.nodeDown(peer);
        }
      } catch {
        return;
      }
    }
  }

  async claim(key: string): Promise<string> {
    const owner = (await (
      this.cmd as unknown as { ccClaim(k: string, ...a: (string | number)[]): Promise<string> }
    ).ccClaim(`${P}owner:${redisKey(key)}`, this.nodeId, `${P}node:`, OWNER_TTL_MS)) as string;
    if (owner !== this.nodeId) this.peers.add(owner);
    return owner;
  }

  release(key: string): void {
    void (this.cmd as unknown as { ccRelease(k: string, me: string): Promise<unknown> })
      .ccRelease(`${P}owner:${redisKey(key)}`, this.nodeId)
      .catch(() => {});
  }

  send(nodeId: string, m: NodeMessage): void {
    void this.cmd.publish(`${P}to:${nodeId}`, JSON.stringify(m)).catch(() => {});
  }

  private current(): Batch {
    if (this.batch) return this.batch;
    const logs = new Map<string, string[]>();
    const events: Batch["events"] = [];
    const done = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.batch = undefined;
        const p = this.cmd.pipeline();
        for (const [k, values] of logs) p.rpush(k, ...values);
        for (const add of events) add(p);
        // A stale event id (already logged) fails alone; the log appends' own replies decide the acks.
        p.exec().then((replies) => {
          const failed = replies?.slice(0, logs.size).find(([err]) => err);
          if (failed) reject(failed[0]);
          else resolve();
        }, reject);
      });
    });
    this.batch = { logs, events, done };
    return this.batch;
  }

  publish(key: string, e: BrokerEvent): void {
    const rk = redisKey(key);
    const json = JSON.stringify(e);
    this.current().events.push((p) => {
      if (e.event)
        p.xadd(`${P}ev:${rk}`, "MAXLEN", "~", this.o.historyEvents, `${e.event.offset}-1`, "e", json);
      else p.hset(`${P}calls`, rk, JSON.stringify(e.meta));
      p.publish(`${P}events`, json);
    });
  }

  async events(key: string, offset: number): Promise<Published[]> {
    const rows = await this.cmd.xrange(`${P}ev:${redisKey(key)}`, `${offset + 1}-0`, "+");
    return rows.map(([, fields]) => (JSON.parse(fields[1] as string) as BrokerEvent).event as Published);
  }

  async openCalls(): Promise<{ key: string; meta: CallMeta }[]> {
    const all = await this.cmd.hgetall(`${P}calls`);
    return Object.values(all).map((json) => {
      const meta = JSON.parse(json) as CallMeta;
      return { key: `${meta.tenant}\u0000${meta.callId}`, meta };
    });
  }

  appendLog(key: string, m: StartMessage | ChunkMessage): Promise<void> {
    const b = this.current();
    const k = `${P}log:${redisKey(key)}`;
    const values = b.logs.get(k);
    if (values) values.push(JSON.stringify(m));
    else b.logs.set(k, [JSON.stringify(m)]);
    return b.done;
  }

  async loadLog(key: string): Promise<CallLog | undefined> {
    const rows = await this.cmd.lrange(`${P}log:${redisKey(key)}`, 0, -1);
    if (rows.length === 0) return undefined;
    const [start, ...chunks] = rows.map((r) => JSON.parse(r) as StartMessage | ChunkMessage);
    return { start: start as StartMessage, chunks: chunks as ChunkMessage[] };
  }

  ended(key: string): void {
    const rk = redisKey(key);
    this.current().events.push((p) =>
      p
        .hdel(`${P}calls`, rk)
        .pexpire(`${P}ev:${rk}`, this.o.keepEndedMs)
        .pexpire(`${P}log:${rk}`, this.o.keepEndedMs),
    );
    this.release(key);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.cmd.del(`${P}node:${this.nodeId}`).catch(() => {});
    this.sub.disconnect();
    await this.cmd.quit().catch(() => {});
  }
}
