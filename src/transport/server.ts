import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import pino, { type Logger } from "pino";
import WebSocket, { WebSocketServer } from "ws";
import { type Analyzer, createAnalyzer } from "../analyzer.js";
import type { Broker } from "../cluster/broker.js";
import { ClusterNode } from "../cluster/node.js";
import { RedisBroker } from "../cluster/redis-broker.js";
import { ERRORS, type ErrorCode } from "../errors.js";
import { Hub, type Subscriber } from "../fanout/hub.js";
import { Webhook } from "../fanout/webhook.js";
import { SqliteStore } from "../store/sqlite-store.js";
import { type Claims, loadOrCreateSecret, type Role, verifyToken } from "./auth.js";
import { CallsApi } from "./calls-api.js";
import { IngestConnection, type Sendable } from "./ingest.js";
import { Metrics } from "./metrics.js";
import { resolveOptions, type ServerOptions } from "./options.js";
import { pageAssets } from "./page.js";
import { redact } from "./redact.js";
import { SubscribeConnection } from "./subscribe.js";

const PATH_ROLES: Readonly<Record<string, readonly Role[]>> = {
  "/v1/ingest": ["ingest"],
  "/v1/subscribe": ["agent", "supervisor"],
};

/** Close codes (RFC 6455 and our 4000s). */
export const CLOSE = { GOING_AWAY: 1001, POLICY: 1008, TOO_BIG: 1009, TOKEN_EXPIRED: 4001 } as const;

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly secret: string;
  readonly secretCreated: boolean;
  readonly options: ServerOptions;
  readonly hub: Hub;
  readonly metrics: Metrics;
  /** Hint delivery by HTTP POST, when `webhookUrl` is set. */
  readonly webhook: Webhook | undefined;
  /** This process as a node of several (a broker is configured, or it is a `--workers` worker). */
  readonly cluster: ClusterNode | undefined;
  /**
   * Stops accepting, ends open calls (summaries go out), closes sockets with
   * 1001. `endCalls: false` leaves open calls open in the store, for a
   * producer to resume on the next process (a rolling restart). One of
   * several instances over Redis hands its calls over instead (unless
   * `endCalls: true`): producers resume them on another instance.
   */
  stop(options?: { endCalls?: boolean }): Promise<void>;
}

/** Per-connection bookkeeping the server needs for limits, heartbeats and shutdown. */
interface Conn {
  ws: WebSocket;
  claims: Claims;
  alive: boolean;
  expiry: NodeJS.Timeout;
  firstMessage: NodeJS.Timeout | undefined;
}

function reject(socket: Duplex, status: number, code: ErrorCode): void {
  const body = JSON.stringify({ type: "error", code, message: ERRORS[code] });
  const reason =
    status === 401
      ? "Unauthorized"
      : status === 403
        ? "Forbidden"
        : status === 429
          ? "Too Many Requests"
          : "Service Unavailable";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function tokenOf(req: IncomingMessage, url: URL): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith("Bearer ")) return h.slice(7).trim();
  return url.searchParams.get("access_token") ?? undefined;
}

/**
 * `callcue serve`: one port for WebSocket `/v1/ingest` and `/v1/subscribe`
 * and HTTP `/healthz`, `/metrics`, `/`. Authentication happens in the HTTP
 * upgrade: a refused client gets 401/403 before any WebSocket state exists.
 */
export async function startServer(
  partial: Partial<ServerOptions> = {},
  deps: { analyzer?: Analyzer; logger?: Logger; broker?: Broker } = {},
): Promise<RunningServer> {
  const options = resolveOptions(partial);
  const { secret, created } = loadOrCreateSecret(options.dataDir, options.secret);
  const key = new TextEncoder().encode(secret);
  const log = deps.logger ?? pino({ level: options.logLevel }, pino.destination(2));
  const metrics = new Metrics();
  const conns = new Set<Conn>();
  const perTenant = new Map<string, number>();
  let stopping = false;
  /** Ended calls stay this long for late subscribers and resumes. */
  const keepEndedMs = 10 * 60_000;

  const hub = new Hub(
    deps.analyzer ?? createAnalyzer(),
    {
      historyEvents: options.historyEvents,
      maxBufferedBytes: options.maxBufferedBytes,
      slowSubscriberMs: options.slowSubscriberMs,
      keepEndedMs,
      maxEndedCalls: options.maxEndedCalls,
    },
    (s: Subscriber, reason: string) => {
      log.warn({ tenant: redact(s.claims.tenant), reason }, "dropping subscriber");
      // It is not reading, so a close handshake would never finish: cut it.
      s.ws.terminate();
    },
  );

  const assets = pageAssets();
  const store = options.store === "sqlite" ? new SqliteStore(options.dataDir) : undefined;
  const broker: Broker | undefined =
    deps.broker ??
    (options.broker
      ? new RedisBroker({ url: options.broker, historyEvents: options.historyEvents, keepEndedMs })
      : undefined);
  const cluster: ClusterNode | undefined = broker
    ? new ClusterNode(broker, hub, store, metrics, log, (from, conn, tenant): IngestConnection => {
        // A producer connected to another node, whose calls this node owns: replies go back through the broker.
        const peer: Sendable = {
          readyState: WebSocket.OPEN,
          send: (text) => broker.send(from, { kind: "reply", conn, text }),
        };
        const claims: Claims = { role: "ingest", tenant, exp: Number.MAX_SAFE_INTEGER };
        return new IngestConnection(peer, claims, hub, options, metrics, sendError, store, cluster);
      })
    : undefined;
  broker?.shareMetrics?.(metrics.registry);
  if (store) {
    hub.listeners.push((live, event) => store.appendEvent(live.tenant, live.callId, event));
    const purged = store.purge(Date.now() - options.retentionDays * 86_400_000);
    // Calls open when the process stopped: rebuilt by replaying their stored chunks (the analyzer is deterministic).
    // With several nodes, a call is rebuilt by whichever node its producer resumes on (it may have moved).
    const t0 = Date.now();
    const open = cluster ? [] : store.openCalls();
    for (const c of open) hub.rebuild(c, t0);
    metrics.activeCalls.set(open.length);
    log.info({ recovered: open.length, purged, ms: Date.now() - t0 }, "store opened");
  }

  const http: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (path?.startsWith("/v1/calls")) {
      if (!callsApi) res.writeHead(404).end();
      else callsApi.handle(req, res);
      return;
    }
    if (path === "/healthz") {
      res.writeHead(stopping ? 503 : 200, { "content-type": "application/json" });
      const health = { status: stopping ? "stopping" : "ok", calls: metricsCalls() };
      res.end(JSON.stringify(cluster ? { ...health, node: cluster.nodeId } : health));
    } else if (path === "/metrics") {
      (broker?.clusterMetrics?.() ?? metrics.registry.metrics()).then(
        (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else if (path !== undefined && assets.has(path)) {
      // The desktop: `/` (with its CSP), its script and style, the element, the client, the techniques.
      const asset = assets.get(path)!;
      res.writeHead(200, asset.headers).end(asset.body);
    } else res.writeHead(404).end();
  });

  const callsApi = store ? new CallsApi(store, key) : undefined;
  const webhook = options.webhookUrl
    ? new Webhook({
        url: options.webhookUrl,
        secret: options.webhookSecret ?? secret,
        deadLetterFile: join(options.dataDir, "webhook-dead-letter.jsonl"),
      })
    : undefined;
  if (webhook) hub.listeners.push((live, event) => webhook.deliver(live.tenant, event));
  /** Calls this node analyses (mirrors of other nodes' calls are not counted). */
  const metricsCalls = (): number => [...hub.calls.values()].filter((c) => !c.ended && !c.mirror).length;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
  });

  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    if (stopping) return reject(socket, 503, "CC_ERR_SHUTTING_DOWN");
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      return reject(socket, 403, "CC_ERR_FORBIDDEN");
    }
    const roles = PATH_ROLES[url.pathname];
    if (!roles) return reject(socket, 403, "CC_ERR_FORBIDDEN");
    const origin = req.headers.origin;
    if (
      origin !== undefined &&
      origin !== `http://${req.headers.host}` &&
      !options.allowedOrigins.includes(origin)
    )
      return reject(socket, 403, "CC_ERR_FORBIDDEN");
    const token = tokenOf(req, url);
    if (!token || token.length > 8192) return reject(socket, 401, "CC_ERR_UNAUTHORIZED");
    verifyToken(token, key).then((claims) => {
      if (socket.destroyed) return;
      if (!claims) return reject(socket, 401, "CC_ERR_UNAUTHORIZED");
      if (!roles.includes(claims.role)) return reject(socket, 403, "CC_ERR_FORBIDDEN");
      if ((perTenant.get(claims.tenant) ?? 0) >= options.maxConnectionsPerTenant)
        return reject(socket, 429, "CC_ERR_RATE_LIMITED");
      if (stopping) return reject(socket, 503, "CC_ERR_SHUTTING_DOWN");
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, claims, url.pathname));
    });
  });

  function accept(ws: WebSocket, claims: Claims, path: string): void {
    perTenant.set(claims.tenant, (perTenant.get(claims.tenant) ?? 0) + 1);
    metrics.connections.inc({ path });
    const msLeft = claims.exp * 1000 - Date.now();
    const conn: Conn = {
      ws,
      claims,
      alive: true,
      expiry: setTimeout(
        () => {
          sendError(ws, "CC_ERR_TOKEN_EXPIRED");
          ws.close(CLOSE.TOKEN_EXPIRED, "token expired");
          setTimeout(() => ws.terminate(), 1000).unref();
        },
        Math.max(0, Math.min(msLeft, 2 ** 31 - 1)),
      ),
      firstMessage: setTimeout(() => ws.close(CLOSE.POLICY, "no message"), options.firstMessageMs),
    };
    conns.add(conn);
    ws.on("pong", () => {
      conn.alive = true;
    });
    const handler =
      path === "/v1/ingest"
        ? new IngestConnection(ws, claims, hub, options, metrics, sendError, store, cluster)
        : new SubscribeConnection(ws, claims, hub, sendError);
    ws.on("message", (data, isBinary) => {
      if (conn.firstMessage) {
        clearTimeout(conn.firstMessage);
        conn.firstMessage = undefined;
      }
      handler.message(data as Buffer, isBinary);
    });
    ws.on("error", (err) => log.debug({ err: err.message }, "socket error"));
    ws.on("close", () => {
      clearTimeout(conn.expiry);
      if (conn.firstMessage) clearTimeout(conn.firstMessage);
      conns.delete(conn);
      perTenant.set(claims.tenant, (perTenant.get(claims.tenant) ?? 1) - 1);
      metrics.connections.dec({ path });
      handler.close();
    });
  }

  function sendError(
    ws: Sendable,
    code: ErrorCode,
    extra: { callId?: string; seq?: number; message?: string } = {},
  ): void {
    metrics.errors.inc({ code });
    if (ws.readyState !== WebSocket.OPEN) return;
    const e: Record<string, unknown> = { type: "error", code, message: extra.message ?? ERRORS[code] };
    if (extra.callId !== undefined) e.callId = extra.callId;
    if (extra.seq !== undefined) e.seq = extra.seq;
    ws.send(JSON.stringify(e));
  }

  // Heartbeat: a peer that did not answer the previous ping is terminated.
  const heartbeat = setInterval(() => {
    for (const c of conns) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();
  // Idle calls end with a summary; long-ended ones are forgotten.
  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const live of hub.calls.values()) {
        if (!live.ended && !live.mirror && now - live.lastActivityMs > options.idleCallMs)
          IngestConnection.finish(hub, live, metrics, now, store);
      }
      hub.sweepEnded(now);
      hub.sweepSlow(now);
      void cluster?.sweepOrphans(now, options.idleCallMs);
      metrics.activeCalls.set(metricsCalls());
    },
    Math.min(1000, options.idleCallMs),
  );
  sweeper.unref();

  await cluster?.start();
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${port}`;
  log.info({ port, host: options.host }, "listening");

  return {
    url,
    port,
    secret,
    secretCreated: created,
    options,
    hub,
    metrics,
    webhook,
    cluster,
    async stop(stopOptions: { endCalls?: boolean } = {}): Promise<void> {
      if (stopping) return;
      stopping = true;
      clearInterval(heartbeat);
      clearInterval(sweeper);
      http.close();
      const now = Date.now();
      const owned = [...hub.calls.values()].filter((c) => !c.ended && !c.mirror);
      // With the calls' logs in the broker, a stopping instance hands its calls over: it lets go of
      // them before its producers are told to go, and they resume on another instance.
      const handOver = cluster?.broker.holdsCallLogs === true && stopOptions.endCalls !== true;
      if (handOver) await cluster?.close(owned);
      else if (stopOptions.endCalls !== false || !store)
        for (const live of owned) IngestConnection.finish(hub, live, metrics, now, store);
      const closing = [...conns].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.ws.once("close", () => resolve());
            c.ws.close(CLOSE.GOING_AWAY, "server shutting down");
          }),
      );
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, 4000).unref());
      await Promise.race([Promise.all(closing), deadline]);
      for (const c of conns) c.ws.terminate();
      http.closeAllConnections?.();
      metrics.stop();
      if (!handOver) await cluster?.close();
      store?.close();
      log.info("stopped");
    },
  };
}
