import type { IncomingMessage, ServerResponse } from "node:http";
import { ERRORS, type ErrorCode } from "../errors.js";
import { entitled } from "../fanout/hub.js";
import type { SqliteStore } from "../store/sqlite-store.js";
import { verifyToken } from "./auth.js";

/**
 * Read access for QA and supervisors, authorised like subscriptions:
 * `GET /v1/calls?since=&until=&label=&urgent=1&agentId=&limit=` (tenant-scoped list)
 * and `GET /v1/calls/:id` (timeline: start, chunks, hints, summary).
 * Agents see only the calls they are entitled to.
 */
export class CallsApi {
  constructor(
    private readonly store: SqliteStore,
    private readonly key: Uint8Array,
  ) {}

  private fail(res: ServerResponse, status: number, code: ErrorCode): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ type: "error", code, message: ERRORS[code] }));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : url.searchParams.get("access_token");
    const claims = token ? await verifyToken(token, this.key) : undefined;
    if (!claims) return this.fail(res, 401, "CC_ERR_UNAUTHORIZED");
    if (claims.role === "ingest") return this.fail(res, 403, "CC_ERR_FORBIDDEN");
    const id = url.pathname.startsWith("/v1/calls/")
      ? decodeURIComponent(url.pathname.slice("/v1/calls/".length))
      : "";
    res.setHeader("content-type", "application/json");
    if (id) {
      const call = this.store.getCall(claims.tenant, id);
      const agentId = typeof call?.start.meta?.agentId === "string" ? call.start.meta.agentId : undefined;
      // Unknown and not entitled look alike: no probing of call ids.
      if (!call || !entitled(claims, claims.tenant, id, agentId))
        return this.fail(res, 404, "CC_ERR_NOT_ENTITLED");
      res.end(JSON.stringify(call));
      return;
    }
    const time = (name: string): number | undefined => {
      const v = url.searchParams.get(name);
      if (v === null) return undefined;
      const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      return Number.isFinite(ms) ? ms : undefined;
    };
    const filter: Parameters<SqliteStore["listCalls"]>[1] = {};
    const since = time("since");
    const until = time("until");
    if (since !== undefined) filter.sinceMs = since;
    if (until !== undefined) filter.untilMs = until;
    const label = url.searchParams.get("label");
    if (label) filter.label = label;
    if (url.searchParams.get("urgent") === "1") filter.urgent = true;
    const limit = Number(url.searchParams.get("limit") ?? "100");
    if (Number.isSafeInteger(limit) && limit > 0) filter.limit = limit;
    const agentFilter = url.searchParams.get("agentId");
    if (claims.role === "agent") {
      // An agent lists its own calls (by agent id) plus the ones named in its token.
      const rows = this.store
        .listCalls(claims.tenant, filter)
        .filter((r) => entitled(claims, claims.tenant, r.callId, r.agentId ?? undefined));
      res.end(JSON.stringify({ calls: rows }));
      return;
    }
    if (agentFilter) filter.agentId = agentFilter;
    res.end(JSON.stringify({ calls: this.store.listCalls(claims.tenant, filter) }));
  }
}
