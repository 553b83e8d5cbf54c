// Compiles lexicons/** into dist/lexicon.json (run by `npm run build`).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { compileLexicon, readLexiconEntries } from "../dist/lexicon/compile.js";
import { COMPILED_LEXICON_FILE } from "../dist/paths.js";

const t0 = performance.now();
const compiled = compileLexicon(readLexiconEntries());
mkdirSync(dirname(COMPILED_LEXICON_FILE), { recursive: true });
writeFileSync(COMPILED_LEXICON_FILE, JSON.stringify(compiled));
const ms = Math.round(performance.now() - t0);
console.error(`lexicon: ${compiled.terms.length} terms, ${compiled.patterns.length} patterns (${ms} ms)`);
