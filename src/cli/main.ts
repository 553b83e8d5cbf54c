import { Command } from "commander";
import { analyzeCommand } from "./analyze.js";
import { evaluate, formatReport } from "./eval.js";
import { exportCommand } from "./export.js";
import { replayCommand } from "./replay.js";
import { serveCommand } from "./serve.js";

/** The `callcue` command line (SPEC §8). Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command()
    .name("callcue")
    .description(
      "Real-time call analyzer for contact centers: customer type, tone and handling technique from live ASR text.",
    )
    .showHelpAfterError();

  program
    .command("analyze")
    .description("JSONL messages in (files or stdin), JSONL events out; deterministic byte for byte")
    .argument("[files...]", "transcript files in the wire format (default: stdin)")
    .option(
      "--format <vendor>",
      "the files are recorded ASR vendor output (one call per file): aws-transcribe, aws-call-analytics, google-v1, google-v2, deepgram, azure, genesys",
    )
    .option("--call-id <id>", "with --format: the call id (default: the file name)")
    .option("--language <tag>", "with --format: the call's language")
    .option("--channel-map <json>", 'with --format: e.g. \'{"ch_0":"agent","ch_1":"customer"}\'')
    .action(async (files: string[], o: import("./analyze.js").VendorInput) => {
      code = await analyzeCommand(files, o);
    });

  program
    .command("eval")
    .description("precision, recall and F1 per label and per signal against start.meta.expected")
    .argument("<paths...>", "labelled transcript files or folders")
    .option("--json", "print the report as JSON")
    .option("-v, --verbose", "list every call with a wrong label or signal")
    .option("--min-macro-f1 <x>", "exit 1 when macro-F1 is below this", Number.parseFloat)
    .option("--min-signal-recall <x>", "exit 1 when signal recall is below this", Number.parseFloat)
    .action(
      (
        paths: string[],
        opts: { json?: boolean; verbose?: boolean; minMacroF1?: number; minSignalRecall?: number },
      ) => {
        const report = evaluate(paths);
        process.stdout.write(
          `${opts.json ? JSON.stringify(report, null, 2) : formatReport(report, opts.verbose ?? false)}\n`,
        );
        if (opts.minMacroF1 !== undefined && report.macroF1 < opts.minMacroF1) code = 1;
        if (opts.minSignalRecall !== undefined && report.signalRecall < opts.minSignalRecall) code = 1;
      },
    );

  program
    .command("replay")
    .description("replay recorded calls: offline through the analyzer, or streamed into a running server")
    .argument("<paths...>", "transcript files or folders (JSONL, wire format)")
    .option("--server <url>", "stream into this server (ws://host:port) instead of analysing offline")
    .option("--token <jwt>", "ingest token for --server")
    .option("--watch-token <jwt>", "agent or supervisor token: print the hints a subscriber sees")
    .option("--speed <n|max>", "1 = real time (default), N = N× faster, max = as fast as possible", "1")
    .option("--live", "with --server: send as live traffic (replays are otherwise kept from live desktops)")
    .option("--agent-id <id>", "with --server: route the calls to this agent's desktop")
    .option(
      "--format <vendor>",
      "the files are recorded ASR vendor output, one call per file (see analyze --format)",
    )
    .option("--language <tag>", "with --format: the calls' language")
    .option("--channel-map <json>", "with --format: vendor channel → customer/agent")
    .option("--report <file.html>", "offline: write the QA report (one self-contained HTML file)")
    .option("--json <file.json>", "offline: write the QA report as JSON")
    .action(async (paths: string[], o: import("./replay.js").ReplayOptions) => {
      code = await replayCommand(paths, o);
    });

  program
    .command("serve")
    .description("the real-time server: WebSocket ingest and subscribe, the agent page, health and metrics")
    .option("-p, --port <n>", "port (env CALLCUE_PORT, default 8080; 0 = any free port)", Number.parseInt)
    .option("--host <addr>", "interface to bind (env CALLCUE_HOST, default 127.0.0.1)")
    .option(
      "--secret <s>",
      "HS256 token secret (env CALLCUE_JWT_SECRET; default: created in the data folder)",
    )
    .option("--data-dir <dir>", "data folder (env CALLCUE_DATA_DIR, default .callcue)")
    .option("--max-payload <bytes>", "largest frame, at most 65536", Number.parseInt)
    .option(
      "--max-calls-per-connection <n>",
      "open calls per ingest connection (default 1000)",
      Number.parseInt,
    )
    .option("--max-connections-per-tenant <n>", "connections per tenant (default 2000)", Number.parseInt)
    .option("--max-messages-per-second <n>", "per connection (default 500)", Number.parseInt)
    .option("--max-buffered-bytes <n>", "subscriber send-buffer cap (default 1 MiB)", Number.parseInt)
    .option("--idle-call-ms <ms>", "end a call with no chunk for this long (default 300000)", Number.parseInt)
    .option("--allowed-origin <origin...>", "browser origins allowed besides the server's own page")
    .option("--log-level <level>", "pino level (env CALLCUE_LOG_LEVEL, default info)")
    .option("--store <sqlite|none>", "keep calls in <data-dir>/callcue.db (default) or in memory only")
    .option(
      "--pii <redact|keep>",
      "card numbers, phones, ids, emails in text: redact before analysis and storage (default) or keep",
    )
    .option("--retention-days <n>", "purge stored calls older than this (default 30)", Number.parseFloat)
    .option("--webhook-url <url>", "also POST every hint and summary here (signed, retried, dead-lettered)")
    .option("--webhook-secret <s>", "HMAC key for the webhook signature (default: the token secret)")
    .option("--workers <n>", "server processes on this port, one per core (default 1)", Number.parseInt)
    .option(
      "--broker <url>",
      "redis://host:port shared by several instances: call ownership, logs, hint fan-out (env CALLCUE_BROKER)",
    )
    .action(async (o: Record<string, unknown>) => {
      const workers = (o.workers as number | undefined) ?? 1;
      if (!Number.isSafeInteger(workers) || workers < 1 || workers > 64)
        throw new Error("--workers must be a whole number from 1 to 64");
      await serveCommand(
        {
          port: o.port as number | undefined,
          host: o.host as string | undefined,
          secret: o.secret as string | undefined,
          dataDir: o.dataDir as string | undefined,
          maxPayloadBytes: o.maxPayload as number | undefined,
          maxCallsPerConnection: o.maxCallsPerConnection as number | undefined,
          maxConnectionsPerTenant: o.maxConnectionsPerTenant as number | undefined,
          maxMessagesPerSecond: o.maxMessagesPerSecond as number | undefined,
          maxBufferedBytes: o.maxBufferedBytes as number | undefined,
          idleCallMs: o.idleCallMs as number | undefined,
          allowedOrigins: o.allowedOrigin as string[] | undefined,
          logLevel: o.logLevel as string | undefined,
          store: o.store as "sqlite" | "none" | undefined,
          pii: o.pii as "redact" | "keep" | undefined,
          retentionDays: o.retentionDays as number | undefined,
          webhookUrl: o.webhookUrl as string | undefined,
          webhookSecret: o.webhookSecret as string | undefined,
          broker: o.broker as string | undefined,
        },
        workers,
      );
      code = -1; // keep running
    });

  program
    .command("export")
    .description("calls from the store as replayable JSONL or as vCon JSON with the analysis attached")
    .requiredOption("--tenant <tenant>", "the tenant whose calls to export")
    .option("--call <id>", "one call")
    .option("--since <date>", "every call started since (ISO date or ms)")
    .option("--format <jsonl|vcon>", "output format", "jsonl")
    .option(
      "--data-dir <dir>",
      "data folder (env CALLCUE_DATA_DIR, default .callcue)",
      process.env.CALLCUE_DATA_DIR ?? ".callcue",
    )
    .option("--out <file>", "write here instead of stdout")
    .action(
      (o: {
        tenant: string;
        call?: string;
        since?: string;
        format: string;
        dataDir: string;
        out?: string;
      }) => {
        if (o.format !== "jsonl" && o.format !== "vcon") throw new Error("--format must be jsonl or vcon");
        code = exportCommand({ ...o, format: o.format });
      },
    );

  await program.parseAsync(argv);
  return code;
}
