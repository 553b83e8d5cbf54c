import cluster from "node:cluster";
import { IpcBroker } from "../cluster/ipc-broker.js";
import { runPrimary } from "../cluster/workers.js";
import { signToken } from "../transport/auth.js";
import { resolveOptions, type ServerOptions } from "../transport/options.js";
import { startServer } from "../transport/server.js";

/**
 * `callcue serve`: starts the server; with no secret configured, prints
 * ready-to-use demo tokens. `workers` > 1: a primary process forks that many
 * servers on the same port (node:cluster), which share calls through it — or
 * through the Redis broker when one is configured.
 */
export async function serveCommand(options: Partial<ServerOptions>, workers = 1): Promise<void> {
  if (workers > 1 && cluster.isPrimary) {
    await runPrimary(workers, resolveOptions(options), (url, secret, created) =>
      printBanner(url, secret, created, options, workers),
    );
    return;
  }
  const ipc = cluster.isWorker && !resolveOptions(options).broker ? new IpcBroker() : undefined;
  const server = await startServer(options, ipc ? { broker: ipc } : {});
  if (cluster.isWorker) process.send?.({ cc: 1, op: "listening", url: server.url });
  else await printBanner(server.url, server.secret, server.secretCreated, options, 1);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: shutting down\n`);
    const hard = setTimeout(() => process.exit(0), 5000);
    hard.unref();
    server.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function printBanner(
  url: string,
  secret: string,
  created: boolean,
  options: Partial<ServerOptions>,
  workers: number,
): Promise<void> {
  const dataDir = resolveOptions(options).dataDir;
  const tenant = "demo";
  const ingest = await signToken({ role: "ingest", tenant }, secret);
  const agent = await signToken({ role: "agent", tenant, agentId: "a-1001" }, secret);
  const supervisor = await signToken({ role: "supervisor", tenant }, secret);
  const ws = url.replace(/^http/, "ws");
  process.stdout.write(
    [
      `callcue listening on ${url}${workers > 1 ? ` (${workers} workers)` : ""}`,
      `  agent page:   ${url}/`,
      `  ingest:       ${ws}/v1/ingest      subscribe: ${ws}/v1/subscribe`,
      `  health:       ${url}/healthz   metrics: ${url}/metrics`,
      created
        ? `  created a secret in ${dataDir}/secret`
        : `  secret: ${options.secret ? "from the environment/flags" : `${dataDir}/secret`}`,
      `demo tokens (tenant "${tenant}", valid 24 h):`,
      `  ingest:     ${ingest}`,
      `  agent:      ${agent}   (agentId a-1001)`,
      `  supervisor: ${supervisor}`,
      `try: node bin/callcue.js replay fixtures/en/hot_tempered-01-parcel-missed-linehaul.jsonl --server ${ws} --token <ingest token> --live --agent-id a-1001 --speed 5`,
      "",
    ].join("\n"),
  );
}
