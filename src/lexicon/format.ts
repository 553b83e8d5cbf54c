import { CallcueError } from "../errors.js";
import type { LexiconLanguage } from "../lang.js";
import { AGENT_KINDS, CUSTOMER_KINDS, type LexiconKind, SUPPORT_KINDS, type ThreatTarget } from "../types.js";

/** One line of a lexicon file, parsed (see lexicons/README.md). */
export interface LexiconEntry {
  kind: LexiconKind;
  lang: LexiconLanguage;
  phrase: string;
  weight: number;
  severity?: number;
  target?: ThreatTarget;
  negatable: boolean;
  scope?: "before" | "after" | "both";
  homophones: boolean;
  block: boolean;
  /** `file:line`, for error messages and explanations. */
  source: string;
}

const NON_LEXICAL = new Set(["fast_speech", "interruption", "repetition", "off_topic"]);
export const LEXICON_KINDS: ReadonlySet<string> = new Set<string>(
  [...CUSTOMER_KINDS, ...AGENT_KINDS, ...SUPPORT_KINDS].filter((k) => !NON_LEXICAL.has(k)),
);

/** Customer kinds a negation cue never cancels: swearing, shouting tags, self-corrections, courtesy. */
const NOT_NEGATABLE = new Set(["profanity", "loudness", "contradiction", "politeness"]);
/** Kinds whose phrases a nearby negation cue cancels unless marked `neg=no`. */
const NEGATABLE: ReadonlySet<string> = new Set([
  ...CUSTOMER_KINDS.filter((k) => !NOT_NEGATABLE.has(k) && LEXICON_KINDS.has(k)),
  "sentiment",
  "inquiry",
]);

const TARGETS = new Set(["regulator", "media", "legal", "social"]);

/** Parses one lexicon file; throws `CC_ERR_BAD_LEXICON` naming the line on any malformed input. */
export function parseLexiconFile(
  content: string,
  kind: string,
  lang: LexiconLanguage,
  fileName: string,
): LexiconEntry[] {
  if (!LEXICON_KINDS.has(kind))
    throw new CallcueError("CC_ERR_BAD_LEXICON", `${fileName}: unknown kind "${kind}"`);
  const out: LexiconEntry[] = [];
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const source = `${fileName}:${i + 1}`;
    const line = raw.replace(/\s+$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const fail = (why: string): never => {
      throw new CallcueError("CC_ERR_BAD_LEXICON", `${source}: ${why}`);
    };
    const [phraseRaw = "", weightRaw = "", attrsRaw = "", ...rest] = line.split("\t");
    if (rest.length > 0) fail("more than three tab-separated columns");
    const phrase = phraseRaw.trim();
    if (phrase === "") fail("empty phrase");
    if ((phrase.match(/…/g) ?? []).length > 1) fail("at most one gap (…) per phrase");
    if (phrase.startsWith("…") || phrase.endsWith("…")) fail("a gap (…) needs text on both sides");
    const weight = weightRaw.trim() === "" ? 0.7 : Number(weightRaw);
    if (!Number.isFinite(weight)) fail(`weight "${weightRaw}" is not a number`);
    const signed = kind === "sentiment";
    const multiplier = kind === "intensifier";
    if (
      signed ? weight < -1 || weight > 1 : multiplier ? weight <= 0 || weight > 3 : weight < 0 || weight > 1
    )
      fail(`weight ${weight} out of range`);
    const entry: LexiconEntry = {
      kind: kind as LexiconKind,
      lang,
      phrase,
      weight,
      negatable: NEGATABLE.has(kind),
      homophones: false,
      block: false,
      source,
    };
    for (const attr of attrsRaw.split(/[\s,]+/).filter(Boolean)) {
      const [key, value] = attr.split("=", 2) as [string, string | undefined];
      switch (key) {
        case "sev": {
          const sev = Number(value);
          if (sev !== 1 && sev !== 2 && sev !== 3) fail(`sev must be 1, 2 or 3, got "${value}"`);
          entry.severity = sev;
          break;
        }
        case "target":
          if (!value || !TARGETS.has(value))
            fail(`target must be regulator|media|legal|social, got "${value}"`);
          entry.target = value as ThreatTarget;
          break;
        case "neg":
          if (value !== "no" && value !== "yes") fail(`neg must be yes or no, got "${value}"`);
          entry.negatable = value === "yes";
          break;
        case "scope":
          if (value !== "before" && value !== "after" && value !== "both")
            fail(`scope must be before|after|both`);
          entry.scope = value as "before" | "after" | "both";
          break;
        case "hom":
          if (lang !== "zh") fail("hom is for Chinese phrases only");
          entry.homophones = true;
          break;
        case "block":
          entry.block = true;
          break;
        default:
          fail(`unknown attribute "${attr}"`);
      }
    }
    if (kind === "escalation_threat" && !entry.target && !entry.block)
      fail("escalation_threat needs target=");
    if ((kind === "negation" || kind === "intent") && !entry.scope) entry.scope = "before";
    out.push(entry);
  });
  return out;
}
