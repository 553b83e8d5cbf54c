import { Command } from "commander";
import { analyzeCommand } from "./analyze.js";
import { evaluate, formatReport } from "./eval.js";

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
    .action(async (files: string[]) => {
      code = await analyzeCommand(files);
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

  await program.parseAsync(argv);
  return code;
}
