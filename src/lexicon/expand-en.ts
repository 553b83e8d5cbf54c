import { createRequire } from "node:module";
import nlp from "compromise";

/**
 * Build-time expansion of English phrases: `~` inflections (compromise),
 * contraction equivalences and one-letter misspellings. compromise costs
 * ~0.6 ms a call, which is why it runs here and never per chunk.
 */

const require = createRequire(import.meta.url);
let dictionary: Set<string> | undefined;
/** ~275k English words (an-array-of-english-words), lower case. */
export function englishWords(): Set<string> {
  dictionary ??= new Set((require("an-array-of-english-words") as string[]).map((w) => w.toLowerCase()));
  return dictionary;
}

/** All inflected forms of one word (verb and noun forms; the word itself first). */
export function inflect(word: string): string[] {
  const forms = new Set([word]);
  const asVerb = nlp(word);
  asVerb.tag("Verb");
  const verb = asVerb.verbs().conjugate()[0] as Record<string, string> | undefined;
  if (verb) {
    for (const k of ["Infinitive", "PastTense", "PresentTense", "Gerund", "Participle"]) {
      const f = verb[k];
      if (f && !f.includes(" ")) forms.add(f.toLowerCase());
    }
  }
  const asNoun = nlp(word);
  asNoun.tag("Noun");
  const plural = asNoun.nouns().toPlural().text().toLowerCase();
  if (plural && !plural.includes(" ")) forms.add(plural);
  // US and UK spellings of doubled-l forms (cancelled / canceled).
  for (const f of [...forms]) {
    if (/[aeiou]ll(ed|ing)$/.test(f)) forms.add(f.replace(/ll(ed|ing)$/, "l$1"));
  }
  return [...forms];
}

/** Expands every `word~` in a phrase into its inflections (cross product, bounded). */
export function expandInflections(phrase: string): string[] {
  let variants = [""];
  for (const token of phrase.split(" ")) {
    const forms = token.endsWith("~") ? inflect(token.slice(0, -1)) : [token];
    variants = variants.flatMap((v) => forms.map((f) => (v ? `${v} ${f}` : f))).slice(0, 64);
  }
  return variants;
}

/** Pairs written the long way and the short way; apostrophes are already gone. */
const CONTRACTIONS: [string, string][] = [
  ["i will", "ill"],
  ["you will", "youll"],
  ["i am", "im"],
  ["do not", "dont"],
  ["does not", "doesnt"],
  ["did not", "didnt"],
  ["will not", "wont"],
  ["can not", "cant"],
  ["cannot", "cant"],
  ["is not", "isnt"],
  ["are not", "arent"],
  ["was not", "wasnt"],
  ["were not", "werent"],
  ["have not", "havent"],
  ["has not", "hasnt"],
  ["would not", "wouldnt"],
  ["should not", "shouldnt"],
  ["could not", "couldnt"],
  ["i have", "ive"],
  ["it is", "its"],
  ["that is", "thats"],
  ["what is", "whats"],
  ["you are", "youre"],
  ["they are", "theyre"],
  ["going to", "gonna"],
  ["want to", "wanna"],
  ["got to", "gotta"],
  ["let me", "lemme"],
];

/** Both spellings of every contraction in an (apostrophe-free, lower-case) phrase. */
export function expandContractions(phrase: string): string[] {
  const out = new Set([phrase]);
  for (const [long, short] of CONTRACTIONS) {
    for (const v of [...out]) {
      const padded = ` ${v} `;
      if (padded.includes(` ${long} `)) out.add(padded.replaceAll(` ${long} `, ` ${short} `).trim());
      if (padded.includes(` ${short} `)) out.add(padded.replaceAll(` ${short} `, ` ${long} `).trim());
    }
    if (out.size >= 16) break;
  }
  return [...out];
}
