import cluster, { type Worker } from "node:cluster";
import { loadOrCreateSecret } from "../transport/auth.js";
import type { ServerOptions } from "../transport/options.js";
import { IpcBrokerPrimary } from "./ipc-broker.js";

/**
 * The primary of `serve --workers N`: forks N servers sharing the port, is
 * their broker (unless Redis is), forks a replacement for a worker that
 * dies, and on SIGTERM/SIGINT stops them all before it exits.
 */
export async function runPrimary(
  n: number,
  options: ServerOptions,
  ready: (url: string, secret: string, created: boolean) => Promise<void>,
): Promise<void> {
  // Created once here, so the workers do not race to create it.
  const { secret, created } = loadOrCreateSecret(options.dataDir, options.secret);
  const listening = new Set<string>();
  let announced = false;
  const onListening = (url: string, nodeId: string) => {
    listening.add(nodeId);
    if (announced || listening.size < n) return;
    announced = true;
    void ready(url, secret, created);
  };
  const broker = options.broker
    ? undefined
    : new IpcBrokerPrimary(options.historyEvents, 10 * 60_000, onListening);
  let stopping = false;
  const fork = (): Worker => {
    const w = cluster.fork({ CALLCUE_JWT_SECRET: secret });
    if (broker) broker.attach(w);
    else
      w.on("message", (m: { cc?: number; op?: string; url?: string }) => {
        if (m?.cc === 1 && m.op === "listening" && m.url) onListening(m.url, `w${w.id}`);
      });
    w.on("exit", (code, signal) => {
      listening.delete(`w${w.id}`);
      if (stopping) return;
      process.stderr.write(`worker ${w.id} exited (${signal ?? code}); starting another\n`);
      fork();
    });
    return w;
  };
  for (let i = 0; i < n; i++) fork();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping ${n} workers\n`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    let left = workers.length;
    if (left === 0) process.exit(0);
    for (const w of workers) {
      w.once("exit", () => {
        left -= 1;
        if (left === 0) process.exit(0);
      });
      w.process.kill("SIGTERM");
    }
    setTimeout(() => process.exit(0), 8000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
