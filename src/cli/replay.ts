import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import WebSocket from "ws";
import { ADAPTERS, type AdapterOptions, adapterFor, createAdapterState } from "../adapters/index.js";
import { createAnalyzer } from "../analyzer.js";
import { Producer } from "../client/producer.js";
import { Subscriber, type SubscriberEvent } from "../client/subscriber.js";
import { buildHtmlReport, buildJsonReport, collectCalls, formatJsonReport } from "../report/index.js";
import { collectInParallel } from "../report/parallel.js";
import type { ChunkMessage, HintEvent, SummaryEvent } from "../types.js";
import { expandPaths } from "./input.js";
import { CallRouter } from "./replay-calls.js";

export interface ReplayOptions {
  /** The files are recorded ASR vendor output (one call per file), e.g. "deepgram". */
  format?: string;
  language?: string;
  /** JSON: vendor channel → "customer" | "agent". */
  channelMap?: string;
  /** Write the QA report here (one self-contained HTML file). */
  report?: string;
  /** Write the JSON report here. */
  json?: string;
  server?: string;
  token?: string;
  watchToken?: string;
  /** "1" real time (default), "N" N times faster, "max" as fast as possible. */
  speed?: string;
  /** Send the replay as live traffic (not marked as a replay). */
  live?: boolean;
  /** Route every replayed call to this agent (a demo desktop), instead of the recording's agent. */
  agentId?: string;
}

type Message = Record<string, unknown> & { type: string; callId: string };

/** One line per hint, readable on a terminal. */
export function formatHint(h: HintEvent): string {
  const signals = h.signals
    .map((s) => `${s.kind}${s.target ? `→${s.target}` : ""} “${s.evidence.text}”`)
    .join(", ");
  return `[${h.callId}] seq ${h.seq} ${h.priority.toUpperCase().padEnd(6)} ${h.customerType.label} (${Math.round(h.customerType.confidence * 100)}%) tone ${h.tone.level} ${h.tone.trend} | ${h.technique.name}: ${h.technique.say[0] ?? ""}${signals ? ` | ${signals}` : ""}`;
}

export function formatSummary(s: SummaryEvent): string {
  const counts = Object.entries(s.signalCounts)
    .map(([k, n]) => `${k}×${n}`)
    .join(" ");
  return `[${s.callId}] summary: ${s.customerType.label} (${Math.round(s.customerType.confidence * 100)}%), peak tone ${s.tone.peak.level}, ${s.hintCount} hints${counts ? `, ${counts}` : ""}`;
}

function readMessages(paths: string[], o: ReplayOptions = {}): Message[] {
  return expandPaths(paths).flatMap((f) => {
    const lines = readFileSync(f, "utf8")
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return o.format ? fromVendor(f, lines, o) : (lines as Message[]);
  });
}

/** Recorded vendor output (one call per file) as wire messages, through the same adapters the server uses. */
function fromVendor(file: string, payloads: unknown[], o: ReplayOptions): Message[] {
  const adapter = adapterFor(o.format ?? "");
  if (!adapter) throw new Error(`--format must be one of ${Object.keys(ADAPTERS).join(", ")}`);
  const callId = basename(file).replace(/\.[^.]*$/, "");
  const state = createAdapterState(callId);
  const options: AdapterOptions = {};
  if (o.channelMap) options.channelMap = JSON.parse(o.channelMap) as Record<string, "customer" | "agent">;
  if (o.language) options.language = o.language;
  const start: Message = { type: "start", callId, ...(o.language ? { language: o.language } : {}) };
  const chunks = payloads.flatMap((p) => adapter(p, state, options) as unknown as Message[]);
  return [start, ...chunks, { type: "end", callId }];
}

/**
 * Offline replay into the QA reports, on worker threads (every core), with a
 * progress bar on a terminal and plain lines otherwise.
 */
async function reportCommand(paths: string[], o: ReplayOptions): Promise<number> {
  const t0 = Date.now();
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  const progress = (done: number, total: number, calls: number) => {
    const secs = (Date.now() - t0) / 1000;
    const rate = calls / Math.max(secs, 0.001);
    const eta = done > 0 ? ((total - done) * secs) / done : 0;
    if (tty) {
      const width = 30;
      const bar = "█".repeat(Math.round((done / total) * width)).padEnd(width, "░");
      process.stderr.write(
        `\r${bar} ${done}/${total} files, ${calls} calls, ${rate.toFixed(0)} calls/s, ETA ${eta.toFixed(0)} s `,
      );
      if (done === total) process.stderr.write("\n");
    } else if (done === total || Date.now() - lastLine > 2000) {
      lastLine = Date.now();
      process.stderr.write(
        `replay: ${done}/${total} files, ${calls} calls, ${rate.toFixed(0)} calls/s, ETA ${eta.toFixed(0)} s\n`,
      );
    }
  };
  // Vendor recordings are converted first (small batches); wire files replay on worker threads.
  const { files, records, skipped } = o.format
    ? (() => {
        const c = collectCalls(readMessages(paths, o), createAnalyzer());
        return { files: expandPaths(paths), records: c.records, skipped: c.skipped.length };
      })()
    : await collectInParallel(paths, progress);
  const options = { skippedMessages: skipped };
  const json = buildJsonReport(records, options);
  if (o.report) writeFileSync(o.report, buildHtmlReport(records, options));
  if (o.json) writeFileSync(o.json, formatJsonReport(json));
  const secs = (Date.now() - t0) / 1000;
  process.stderr.write(
    `replayed ${records.length} calls from ${files.length} files in ${secs.toFixed(1)} s (${Math.round(records.length / Math.max(secs, 0.001))} calls/s)${skipped ? `, ${skipped} bad lines or messages skipped` : ""}\n`,
  );
  if (o.report) process.stderr.write(`report: ${o.report}\n`);
  if (o.json) process.stderr.write(`json: ${o.json}\n`);
  return 0;
}

/** `callcue replay FILE|DIR…`: offline through the in-process analyzer, or into a running server. */
export async function replayCommand(paths: string[], o: ReplayOptions): Promise<number> {
  if (!o.server && (o.report || o.json)) return reportCommand(paths, o);
  const messages = readMessages(paths, o);
  if (!o.server) {
    const router = new CallRouter(createAnalyzer());
    const out: string[] = [];
    for (const m of messages) {
      for (const e of router.message(m)) {
        if (e.type === "hint") out.push(formatHint(e));
        else if (e.type === "summary") out.push(formatSummary(e));
        else out.push(`[${e.callId ?? "?"}] error ${e.code}: ${e.message}`);
      }
    }
    for (const e of router.finish()) if (e.type === "summary") out.push(formatSummary(e));
    process.stdout.write(`${out.join("\n")}\n`);
    return 0;
  }
  if (!o.token) throw new Error("--server needs --token (an ingest token)");
  const speed = o.speed === "max" ? Number.POSITIVE_INFINITY : Number(o.speed ?? "1");
  if (!(speed > 0)) throw new Error(`--speed must be a positive number or "max", got ${o.speed}`);
  const producer = new Producer({ url: o.server, token: o.token });
  producer.on("error", (e) =>
    process.stderr.write(`error ${e.code}${e.callId ? ` [${e.callId}]` : ""}: ${e.message}\n`),
  );
  let subscriber: Subscriber | undefined;
  if (o.watchToken) {
    const claims = JSON.parse(Buffer.from(o.watchToken.split(".")[1] ?? "", "base64url").toString()) as {
      role?: string;
      agentId?: string;
    };
    subscriber = new Subscriber({
      url: o.server,
      token: o.watchToken,
      WebSocket: WebSocket as never,
      onEvent: (e: SubscriberEvent) => {
        if (e.type === "hint") process.stdout.write(`${formatHint(e as unknown as HintEvent)}\n`);
        else if (e.type === "error") process.stderr.write(`subscriber error ${e.code}\n`);
      },
    });
    subscriber.subscribe(
      claims.role === "agent" && claims.agentId
        ? { agentId: claims.agentId, includeReplay: true }
        : { all: true, includeReplay: true },
    );
    await new Promise((r) => setTimeout(r, 200));
  }
  await producer.connect();
  // Each call keeps its own clock: a chunk is sent when its endMs (or +1 s per chunk) comes round, ÷ speed.
  const t0 = Date.now();
  const clock = new Map<string, number>();
  const summaries: Promise<SummaryEvent>[] = [];
  for (const m of messages) {
    if (m.type === "chunk" && Number.isFinite(speed)) {
      const c = m as unknown as ChunkMessage;
      const at = typeof c.endMs === "number" ? c.endMs : (clock.get(m.callId) ?? 0) + 1000;
      clock.set(m.callId, at);
      const wait = at / speed - (Date.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    if (m.type === "start") {
      // Marked as a replay: live desktops following an agent or the tenant don't get it unless they ask.
      const meta = {
        ...(m.meta as Record<string, unknown> | undefined),
        ...(o.agentId ? { agentId: o.agentId } : {}),
        ...(o.live ? {} : { replay: true }),
      };
      producer.startCall(m.callId, { language: m.language as string | undefined, meta });
    } else if (m.type === "chunk") producer.chunk(m as unknown as ChunkMessage);
    else if (m.type === "end") summaries.push(producer.endCall(m.callId));
  }
  for (const s of await Promise.all(summaries)) process.stdout.write(`${formatSummary(s)}\n`);
  await new Promise((r) => setTimeout(r, 100));
  producer.close();
  subscriber?.close();
  return 0;
}
