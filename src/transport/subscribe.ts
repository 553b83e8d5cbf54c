import type WebSocket from "ws";
import { entitled, type Hub, type Subscriber } from "../fanout/hub.js";
import type { Claims } from "./auth.js";
import type { SendError } from "./ingest.js";

const MAX_ID = 256;

/**
 * One desktop on `/v1/subscribe`. Messages:
 * `{"type":"subscribe","callId":"c-1","offset"?:n}` — one call (resume after offset n);
 * `{"type":"subscribe","agentId":"a-7"}` — every call of that agent, as each starts;
 * `{"type":"subscribe","all":true}` — supervisors: every call of the tenant.
 * QA replays reach agent and tenant subscriptions only with `"includeReplay":true`.
 * Every refusal is a typed error; nothing is sent for calls the token may not see.
 */
export class SubscribeConnection {
  private readonly sub: Subscriber;

  constructor(
    private readonly ws: WebSocket,
    private readonly claims: Claims,
    private readonly hub: Hub,
    private readonly sendError: SendError,
  ) {
    this.sub = { ws, claims, calls: new Set(), laggingSinceMs: 0, dropped: new Set(), includeReplay: false };
    hub.addSubscriber(this.sub);
  }

  message(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.sendError(this.ws, "CC_ERR_BINARY_FRAME");
    let m: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(data.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error();
      m = parsed as Record<string, unknown>;
    } catch {
      return this.sendError(this.ws, "CC_ERR_BAD_JSON");
    }
    if (m.type !== "subscribe")
      return this.sendError(this.ws, "CC_ERR_BAD_MESSAGE", { message: 'type must be "subscribe"' });
    const { callId, agentId, all, offset } = m;
    if (m.includeReplay === true) this.sub.includeReplay = true;
    if (offset !== undefined && (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0))
      return this.sendError(this.ws, "CC_ERR_BAD_OFFSET");
    if (typeof callId === "string" && callId.length > 0 && callId.length <= MAX_ID)
      return this.followCall(callId, offset as number | undefined);
    if (typeof agentId === "string" && agentId.length > 0 && agentId.length <= MAX_ID)
      return this.followAgent(agentId);
    if (all === true) {
      if (this.claims.role !== "supervisor") return this.sendError(this.ws, "CC_ERR_NOT_ENTITLED");
      for (const live of this.hub.watch(this.sub, this.claims.tenant, "*")) this.hub.follow(this.sub, live);
      return;
    }
    this.sendError(this.ws, "CC_ERR_BAD_FIELD", { message: "subscribe needs callId, agentId or all:true" });
  }

  private followCall(callId: string, offset: number | undefined): void {
    const live = this.hub.get(this.claims.tenant, callId);
    // Unknown and not-entitled look the same: no probing of other tenants' call ids.
    if (!live || !entitled(this.claims, live.tenant, live.callId, live.agentId))
      return this.sendError(this.ws, "CC_ERR_NOT_ENTITLED", { callId });
    if (offset !== undefined && offset > live.lastOffset)
      return this.sendError(this.ws, "CC_ERR_BAD_OFFSET", { callId });
    this.hub.follow(this.sub, live, offset);
  }

  private followAgent(agentId: string): void {
    const allowed =
      this.claims.role === "supervisor" || (this.claims.role === "agent" && this.claims.agentId === agentId);
    if (!allowed) return this.sendError(this.ws, "CC_ERR_NOT_ENTITLED");
    for (const live of this.hub.watch(this.sub, this.claims.tenant, agentId)) this.hub.follow(this.sub, live);
  }

  close(): void {
    this.hub.removeSubscriber(this.sub);
  }
}
