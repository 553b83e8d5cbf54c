import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ChunkMessage, HintEvent, StartMessage, SummaryEvent } from "../types.js";

export interface StoredCall {
  tenant: string;
  callId: string;
  start: StartMessage;
  chunks: ChunkMessage[];
  events: ((HintEvent | SummaryEvent) & { offset: number })[];
  summary?: SummaryEvent;
}

export interface CallRow {
  callId: string;
  agentId: string | null;
  language: string | null;
  startedAt: number;
  endedAt: number | null;
  label: string | null;
  urgent: number;
}

type Op = () => void;

/**
 * The embedded store: calls, chunks, hints and summaries in SQLite (WAL,
 * synchronous=NORMAL: a committed transaction survives a process crash).
 *
 * Writes are queued and committed together once per event-loop turn (group
 * commit); `afterCommit` callbacks — the acks — run only once the transaction
 * holding their writes has committed, so an ack always means durable.
 */
export class SqliteStore {
  private readonly db: Database.Database;
  private queue: Op[] = [];
  private callbacks: (() => void)[] = [];
  private scheduled = false;
  private readonly stmt: Record<string, Database.Statement>;
  /** One transaction function for every group commit (making one per commit costs as much as the commit). */
  private readonly commit: (ops: Op[]) => void;

  /** Chunks arrive here already redacted when the policy is "redact" (the server redacts before analysing). */
  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, "callcue.db"));
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS calls (
        tenant TEXT NOT NULL, call_id TEXT NOT NULL, agent_id TEXT, language TEXT, start TEXT NOT NULL,
        started_at INTEGER NOT NULL, ended_at INTEGER, label TEXT, urgent INTEGER NOT NULL DEFAULT 0, summary TEXT,
        PRIMARY KEY (tenant, call_id));
      CREATE INDEX IF NOT EXISTS calls_by_time ON calls (tenant, started_at);
      CREATE TABLE IF NOT EXISTS chunks (
        tenant TEXT NOT NULL, call_id TEXT NOT NULL, seq INTEGER NOT NULL, message TEXT NOT NULL,
        PRIMARY KEY (tenant, call_id, seq)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (
        tenant TEXT NOT NULL, call_id TEXT NOT NULL, "offset" INTEGER NOT NULL, event TEXT NOT NULL,
        PRIMARY KEY (tenant, call_id, "offset")) WITHOUT ROWID;
    `);
    this.stmt = {
      start: this.db.prepare(
        "INSERT OR IGNORE INTO calls (tenant, call_id, agent_id, language, start, started_at) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      chunk: this.db.prepare(
        "INSERT OR IGNORE INTO chunks (tenant, call_id, seq, message) VALUES (?, ?, ?, ?)",
      ),
      event: this.db.prepare(
        'INSERT OR IGNORE INTO events (tenant, call_id, "offset", event) VALUES (?, ?, ?, ?)',
      ),
      urgent: this.db.prepare("UPDATE calls SET urgent = urgent + 1 WHERE tenant = ? AND call_id = ?"),
      has: this.db.prepare("SELECT 1 FROM calls WHERE tenant = ? AND call_id = ?"),
      end: this.db.prepare(
        "UPDATE calls SET ended_at = ?, label = ?, summary = ? WHERE tenant = ? AND call_id = ?",
      ),
    };
    this.commit = this.db.transaction((ops: Op[]) => {
      for (const op of ops) op();
    });
  }

  private enqueue(op: Op, afterCommit?: () => void): void {
    this.queue.push(op);
    if (afterCommit) this.callbacks.push(afterCommit);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Runs `cb` once everything queued so far has committed (an ack for a retransmitted chunk). */
  afterCommit(cb: () => void): void {
    this.enqueue(() => {}, cb);
  }

  /** Commits everything queued in one transaction, then runs the callbacks waiting for it. */
  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0 && this.callbacks.length === 0) return;
    const ops = this.queue;
    const callbacks = this.callbacks;
    this.queue = [];
    this.callbacks = [];
    this.commit(ops);
    for (const cb of callbacks) cb();
  }

  startCall(tenant: string, start: StartMessage, nowMs: number, afterCommit?: () => void): void {
    const agentId = typeof start.meta?.agentId === "string" ? start.meta.agentId : null;
    const json = JSON.stringify(start);
    this.enqueue(
      () => this.stmt.start?.run(tenant, start.callId, agentId, start.language ?? null, json, nowMs),
      afterCommit,
    );
  }

  appendChunk(tenant: string, chunk: ChunkMessage, afterCommit?: () => void): void {
    const json = JSON.stringify(chunk);
    this.enqueue(() => this.stmt.chunk?.run(tenant, chunk.callId, chunk.seq, json), afterCommit);
  }

  appendEvent(tenant: string, callId: string, event: (HintEvent | SummaryEvent) & { offset: number }): void {
    const json = JSON.stringify(event);
    const urgent = event.type === "hint" && event.priority === "urgent";
    this.enqueue(() => {
      this.stmt.event?.run(tenant, callId, event.offset, json);
      if (urgent) this.stmt.urgent?.run(tenant, callId);
    });
  }

  endCall(tenant: string, summary: SummaryEvent, nowMs: number, afterCommit?: () => void): void {
    const json = JSON.stringify(summary);
    this.enqueue(
      () => this.stmt.end?.run(nowMs, summary.customerType.label, json, tenant, summary.callId),
      afterCommit,
    );
  }

  /** Calls that were open when the process stopped, with everything needed to rebuild them. */
  openCalls(): StoredCall[] {
    const rows = this.db
      .prepare("SELECT tenant, call_id, start FROM calls WHERE ended_at IS NULL ORDER BY started_at, call_id")
      .all() as { tenant: string; call_id: string; start: string }[];
    return rows.map((r) => this.load(r.tenant, r.call_id, r.start));
  }

  private load(tenant: string, callId: string, start: string, summary?: string | null): StoredCall {
    const chunks = (
      this.db
        .prepare("SELECT message FROM chunks WHERE tenant = ? AND call_id = ? ORDER BY seq")
        .all(tenant, callId) as { message: string }[]
    ).map((c) => JSON.parse(c.message) as ChunkMessage);
    const events = (
      this.db
        .prepare('SELECT event FROM events WHERE tenant = ? AND call_id = ? ORDER BY "offset"')
        .all(tenant, callId) as { event: string }[]
    ).map((e) => JSON.parse(e.event) as StoredCall["events"][number]);
    const out: StoredCall = { tenant, callId, start: JSON.parse(start) as StartMessage, chunks, events };
    if (summary) out.summary = JSON.parse(summary) as SummaryEvent;
    return out;
  }

  /** Is there a call with this id (open or ended) in the store? */
  hasCall(tenant: string, callId: string): boolean {
    return this.stmt.has?.get(tenant, callId) !== undefined;
  }

  /** When a call started (ms since the epoch), for exports. */
  startedAt(tenant: string, callId: string): number | undefined {
    const row = this.db
      .prepare("SELECT started_at FROM calls WHERE tenant = ? AND call_id = ?")
      .get(tenant, callId) as { started_at: number } | undefined;
    return row?.started_at;
  }

  /** One call's timeline (chunks, hints, summary), or undefined. */
  getCall(tenant: string, callId: string): StoredCall | undefined {
    const row = this.db
      .prepare("SELECT start, summary FROM calls WHERE tenant = ? AND call_id = ?")
      .get(tenant, callId) as { start: string; summary: string | null } | undefined;
    return row ? this.load(tenant, callId, row.start, row.summary) : undefined;
  }

  listCalls(
    tenant: string,
    filter: {
      sinceMs?: number;
      untilMs?: number;
      label?: string;
      urgent?: boolean;
      agentId?: string;
      limit?: number;
    },
  ): CallRow[] {
    const where = ["tenant = ?"];
    const args: (string | number)[] = [tenant];
    const add = (clause: string, value?: string | number) => {
      where.push(clause);
      if (value !== undefined) args.push(value);
    };
    if (filter.sinceMs !== undefined) add("started_at >= ?", filter.sinceMs);
    if (filter.untilMs !== undefined) add("started_at < ?", filter.untilMs);
    if (filter.label) add("label = ?", filter.label);
    if (filter.urgent) add("urgent > 0");
    if (filter.agentId) add("agent_id = ?", filter.agentId);
    const rows = this.db
      .prepare(
        `SELECT call_id, agent_id, language, started_at, ended_at, label, urgent FROM calls WHERE ${where.join(" AND ")} ORDER BY started_at DESC, call_id LIMIT ?`,
      )
      .all(...args, Math.min(filter.limit ?? 100, 1000)) as {
      call_id: string;
      agent_id: string | null;
      language: string | null;
      started_at: number;
      ended_at: number | null;
      label: string | null;
      urgent: number;
    }[];
    return rows.map((r) => ({
      callId: r.call_id,
      agentId: r.agent_id,
      language: r.language,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      label: r.label,
      urgent: r.urgent,
    }));
  }

  /** Deletes calls (and their chunks and events) started before `beforeMs`; returns how many. */
  purge(beforeMs: number): number {
    return this.db.transaction(() => {
      const old = this.db.prepare("SELECT tenant, call_id FROM calls WHERE started_at < ?").all(beforeMs) as {
        tenant: string;
        call_id: string;
      }[];
      for (const c of old) {
        this.db.prepare("DELETE FROM chunks WHERE tenant = ? AND call_id = ?").run(c.tenant, c.call_id);
        this.db.prepare("DELETE FROM events WHERE tenant = ? AND call_id = ?").run(c.tenant, c.call_id);
        this.db.prepare("DELETE FROM calls WHERE tenant = ? AND call_id = ?").run(c.tenant, c.call_id);
      }
      return old.length;
    })();
  }

  integrityCheck(): string {
    return String(this.db.pragma("integrity_check", { simple: true }));
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
