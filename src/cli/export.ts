import { writeFileSync } from "node:fs";
import { SqliteStore } from "../store/sqlite-store.js";
import { toJsonl, toVcon } from "../store/vcon.js";

export interface ExportOptions {
  dataDir: string;
  tenant: string;
  call?: string;
  /** ISO date or ms since the epoch. */
  since?: string;
  format: "jsonl" | "vcon";
  out?: string;
}

/**
 * `callcue export`: calls from the store as replayable wire JSONL (one file
 * can be fed to `analyze` or `replay`), or as vCon JSON with the analysis
 * attached (one vCon per line).
 */
export function exportCommand(o: ExportOptions): number {
  if (!o.call && !o.since) throw new Error("export needs --call ID or --since DATE");
  const store = new SqliteStore(o.dataDir);
  try {
    const sinceMs = o.since ? (/^\d+$/.test(o.since) ? Number(o.since) : Date.parse(o.since)) : undefined;
    if (sinceMs !== undefined && !Number.isFinite(sinceMs))
      throw new Error(`--since: not a date: ${o.since}`);
    const ids = o.call
      ? [o.call]
      : store
          .listCalls(o.tenant, { sinceMs, limit: 1000 })
          .map((r) => r.callId)
          .reverse();
    const parts: string[] = [];
    for (const id of ids) {
      const call = store.getCall(o.tenant, id);
      if (!call) throw new Error(`no call ${id} for tenant ${o.tenant}`);
      parts.push(
        o.format === "vcon"
          ? `${JSON.stringify(toVcon(call, store.startedAt(o.tenant, id) ?? 0))}\n`
          : toJsonl(call),
      );
    }
    const text = parts.join("");
    if (o.out) writeFileSync(o.out, text);
    else process.stdout.write(text);
    process.stderr.write(`exported ${ids.length} call(s) as ${o.format}\n`);
    return 0;
  } finally {
    store.close();
  }
}
