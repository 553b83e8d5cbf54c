/** Server options; every limit is enforced where data enters. Defaults in `DEFAULTS`. */
export interface ServerOptions {
  /** TCP port; 0 picks a free one. @default 8080 (env CALLCUE_PORT) */
  port: number;
  /** Interface to bind. @default "127.0.0.1" (env CALLCUE_HOST) */
  host: string;
  /** HS256 secret for tokens; created in `dataDir` when absent. (env CALLCUE_JWT_SECRET) */
  secret?: string;
  /** Folder for the secret (and, later, the store). @default ".callcue" (env CALLCUE_DATA_DIR) */
  dataDir: string;
  /** Largest accepted frame; bigger ones close the socket with 1009. @default 65536 */
  maxPayloadBytes: number;
  /** Open calls one ingest connection may carry. @default 1000 */
  maxCallsPerConnection: number;
  /** Concurrent connections per tenant (ingest and subscribe together). @default 2000 */
  maxConnectionsPerTenant: number;
  /** Messages per second per connection (token bucket, burst of twice this). @default 500 */
  maxMessagesPerSecond: number;
  /** A subscriber's send buffer cap; above it events are dropped to the latest state. @default 1048576 */
  maxBufferedBytes: number;
  /** A subscriber over the cap this long is cut (it is not reading, so no close handshake). @default 5000 */
  slowSubscriberMs: number;
  /** Ping interval; a peer that misses a pong is terminated at the next one. @default 30000 */
  heartbeatMs: number;
  /** An upgraded socket that sends nothing for this long is closed. @default 10000 */
  firstMessageMs: number;
  /** A call with no chunk for this long is ended with a summary. @default 300000 */
  idleCallMs: number;
  /** Out-of-order chunks within this many seqs are reordered. @default 32 */
  reorderWindow: number;
  /** Events kept per call for subscribers that resume. @default 512 */
  historyEvents: number;
  /** Ended calls kept in memory (10 minutes each, for late subscribers and resumes) at most. @default 20000 */
  maxEndedCalls: number;
  /** Browser origins allowed besides the server's own page. @default [] */
  allowedOrigins: string[];
  /** pino level. @default "info" (env CALLCUE_LOG_LEVEL) */
  logLevel: string;
  /** "sqlite": calls kept in `<dataDir>/callcue.db`, acks mean durable; "none": memory only. @default "sqlite" */
  store: "sqlite" | "none";
  /** Card numbers, phones, ids and emails inside text: "redact" before storing, or "keep". @default "redact" */
  pii: "redact" | "keep";
  /** Calls started longer ago than this are purged from the store. @default 30 */
  retentionDays: number;
  /** POST every hint and summary here as well (signed, retried, dead-lettered). */
  webhookUrl?: string;
  /** HMAC key for webhook signatures. @default the token secret */
  webhookSecret?: string;
  /** `redis://host:port`: several instances share call ownership, logs and hint fan-out through it. (env CALLCUE_BROKER) */
  broker?: string;
}

export const DEFAULTS: ServerOptions = {
  port: 8080,
  host: "127.0.0.1",
  dataDir: ".callcue",
  maxPayloadBytes: 64 * 1024,
  maxCallsPerConnection: 1000,
  maxConnectionsPerTenant: 2000,
  maxMessagesPerSecond: 500,
  maxBufferedBytes: 1024 * 1024,
  slowSubscriberMs: 5000,
  heartbeatMs: 30_000,
  firstMessageMs: 10_000,
  idleCallMs: 300_000,
  reorderWindow: 32,
  historyEvents: 512,
  maxEndedCalls: 20_000,
  allowedOrigins: [],
  logLevel: "info",
  store: "sqlite",
  pii: "redact",
  retentionDays: 30,
};

/** Defaults, then environment, then explicit options. */
export function resolveOptions(o: Partial<ServerOptions> = {}, env = process.env): ServerOptions {
  const fromEnv: Partial<ServerOptions> = {};
  if (env.CALLCUE_PORT) fromEnv.port = Number(env.CALLCUE_PORT);
  if (env.CALLCUE_HOST) fromEnv.host = env.CALLCUE_HOST;
  if (env.CALLCUE_JWT_SECRET) fromEnv.secret = env.CALLCUE_JWT_SECRET;
  if (env.CALLCUE_DATA_DIR) fromEnv.dataDir = env.CALLCUE_DATA_DIR;
  if (env.CALLCUE_LOG_LEVEL) fromEnv.logLevel = env.CALLCUE_LOG_LEVEL;
  if (env.CALLCUE_BROKER) fromEnv.broker = env.CALLCUE_BROKER;
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const out = { ...DEFAULTS, ...fromEnv, ...defined } as ServerOptions;
  if (out.maxPayloadBytes > 64 * 1024) throw new Error("maxPayloadBytes must be at most 65536");
  if (out.store !== "sqlite" && out.store !== "none") throw new Error('store must be "sqlite" or "none"');
  if (out.pii !== "redact" && out.pii !== "keep") throw new Error('pii must be "redact" or "keep"');
  if (out.broker !== undefined && !/^rediss?:\/\//.test(out.broker))
    throw new Error("broker must be a redis:// or rediss:// URL");
  return out;
}
