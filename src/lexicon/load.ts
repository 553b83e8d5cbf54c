import { readFileSync } from "node:fs";
import { CallcueError } from "../errors.js";
import { COMPILED_LEXICON_FILE } from "../paths.js";
import type { CompiledLexicon } from "./compile.js";

/** Reads the lexicon compiled at build time (`npm run build` writes it). */
export function loadCompiledLexicon(file = COMPILED_LEXICON_FILE): CompiledLexicon {
  let data: CompiledLexicon;
  try {
    data = JSON.parse(readFileSync(file, "utf8")) as CompiledLexicon;
  } catch (err) {
    throw new CallcueError(
      "CC_ERR_BAD_LEXICON",
      `cannot read the compiled lexicon ${file} (run \`npm run build\`): ${(err as Error).message}`,
    );
  }
  if (data.format !== 1)
    throw new CallcueError("CC_ERR_BAD_LEXICON", `${file}: unknown format ${String(data.format)}`);
  return data;
}
