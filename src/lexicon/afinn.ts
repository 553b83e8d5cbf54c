import { createRequire } from "node:module";

/**
 * Adapter over natural's English AFINN-165 vocabulary (word → valence −5..5).
 * Only natural's sentiment submodule is loaded: its top-level import costs
 * ~1 s and ~48 MB (PERFORMANCE.md). Used at lexicon compile time, so the
 * words join the one automaton and cost nothing extra per chunk.
 */
export function afinnVocabulary(): Map<string, number> {
  const require = createRequire(import.meta.url);
  const { SentimentAnalyzer } = require("natural/lib/natural/sentiment/index.js") as {
    SentimentAnalyzer: new (
      language: string,
      stemmer: null,
      vocabulary: string,
    ) => { vocabulary: Record<string, number> };
  };
  const analyzer = new SentimentAnalyzer("English", null, "afinn");
  return new Map(Object.entries(analyzer.vocabulary));
}
