import { signToken } from "../transport/auth.js";
import type { ServerOptions } from "../transport/options.js";
import { startServer } from "../transport/server.js";

/** `callcue serve`: starts the server; with no secret configured, prints ready-to-use demo tokens. */
export async function serveCommand(options: Partial<ServerOptions>): Promise<void> {
  const server = await startServer(options);
  const tenant = "demo";
  const ingest = await signToken({ role: "ingest", tenant }, server.secret);
  const agent = await signToken({ role: "agent", tenant, agentId: "a-1001" }, server.secret);
  const supervisor = await signToken({ role: "supervisor", tenant }, server.secret);
  const ws = server.url.replace(/^http/, "ws");
  process.stdout.write(
    [
      `callcue listening on ${server.url}`,
      `  agent page:   ${server.url}/`,
      `  ingest:       ${ws}/v1/ingest      subscribe: ${ws}/v1/subscribe`,
      `  health:       ${server.url}/healthz   metrics: ${server.url}/metrics`,
      server.secretCreated
        ? `  created a secret in ${server.options.dataDir}/secret`
        : `  secret: ${options.secret ? "from the environment/flags" : `${server.options.dataDir}/secret`}`,
      `demo tokens (tenant "${tenant}", valid 24 h):`,
      `  ingest:     ${ingest}`,
      `  agent:      ${agent}   (agentId a-1001)`,
      `  supervisor: ${supervisor}`,
      `try: node bin/callcue.js replay fixtures/en/hot_tempered-01-parcel-missed-linehaul.jsonl --server ${ws} --token <ingest token> --live --agent-id a-1001 --speed 5`,
      "",
    ].join("\n"),
  );
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
