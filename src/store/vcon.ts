import { createHash } from "node:crypto";
import type { HintEvent } from "../types.js";
import type { StoredCall } from "./sqlite-store.js";

/** A deterministic UUID (version 8, RFC 9562) from the tenant and call id: exporting twice gives the same vCon. */
function uuidFor(tenant: string, callId: string): string {
  const h = createHash("sha256").update(`${tenant}\u0000${callId}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A call as a vCon (IETF draft-ietf-vcon-vcon-core): parties (customer,
 * agent), the transcript as text dialogs, and this analyzer's hints and
 * summary as analysis entries. `startedAtMs` anchors the chunks' relative
 * times on the wall clock.
 */
export function toVcon(call: StoredCall, startedAtMs: number): Record<string, unknown> {
  const agentId = typeof call.start.meta?.agentId === "string" ? call.start.meta.agentId : undefined;
  const parties = [{ role: "customer" }, agentId ? { role: "agent", id: agentId } : { role: "agent" }];
  const iso = (ms: number) => new Date(startedAtMs + ms).toISOString();
  const dialog = call.chunks
    .filter((c) => c.final !== false)
    .map((c) => {
      const d: Record<string, unknown> = {
        type: "text",
        start: iso(c.startMs ?? c.endMs ?? 0),
        parties: [c.speaker === "customer" ? 0 : 1],
        originator: c.speaker === "customer" ? 0 : 1,
        mimetype: "text/plain",
        encoding: "none",
        body: c.text,
      };
      if (c.startMs !== undefined && c.endMs !== undefined) d.duration = (c.endMs - c.startMs) / 1000;
      return d;
    });
  const hints = call.events.filter((e): e is HintEvent & { offset: number } => e.type === "hint");
  const analysis: Record<string, unknown>[] = [
    { type: "callcue-hints", vendor: "callcue", schema: "callcue-hint", encoding: "json", body: hints },
  ];
  if (call.summary)
    analysis.push({
      type: "callcue-summary",
      vendor: "callcue",
      schema: "callcue-summary",
      encoding: "json",
      body: call.summary,
    });
  return {
    vcon: "0.0.2",
    uuid: uuidFor(call.tenant, call.callId),
    created_at: new Date(startedAtMs).toISOString(),
    subject: `call ${call.callId}`,
    parties,
    dialog,
    analysis,
    attachments: [{ type: "callcue-start", encoding: "json", body: call.start }],
  };
}

/** A call as replayable wire JSONL: start, chunks, end. */
export function toJsonl(call: StoredCall): string {
  const lines = [call.start, ...call.chunks, ...(call.summary ? [{ type: "end", callId: call.callId }] : [])];
  return `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`;
}
