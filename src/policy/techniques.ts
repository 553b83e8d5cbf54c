import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LEXICON_DIR } from "../paths.js";
import type { Label, Language, SignalKind, TechniqueRef } from "../types.js";

export const TECHNIQUE_IDS = [
  "soft_firm",
  "empathy",
  "validate",
  "interject_refocus",
  "sandwich",
  "feel_felt_found",
  "guided_questions",
  "gather_5w1h",
  "offer_options",
  "escalate_supervisor",
  "callback_commitment",
  "apologize",
  "give_way_out",
  "restate_and_close",
  "set_boundary",
  "terminate_call",
  "clear_answer",
] as const;
export type TechniqueId = (typeof TECHNIQUE_IDS)[number];

interface TechniqueText {
  name: string;
  say: string[];
  avoid: string[];
}

interface Policy {
  labels: Record<Label, { primary: TechniqueId; alternates: TechniqueId[] }>;
  urgent: Partial<Record<SignalKind, TechniqueId>>;
  abuseAfterWarning: { technique: TechniqueId; afterUtterances: number };
}

const LANGUAGES: readonly Language[] = ["zh-Hans", "zh-Hant", "ko", "en"];

/** The technique catalogue (lexicons/techniques/*.json) and the label → technique policy. */
export class TechniqueCatalog {
  readonly policy: Policy;
  private readonly text: Record<Language, Record<TechniqueId, TechniqueText>>;

  constructor(dir = join(DEFAULT_LEXICON_DIR, "techniques")) {
    this.policy = JSON.parse(readFileSync(join(dir, "policy.json"), "utf8")) as Policy;
    this.text = Object.fromEntries(
      LANGUAGES.map((l) => [l, JSON.parse(readFileSync(join(dir, `${l}.json`), "utf8"))]),
    ) as Record<Language, Record<TechniqueId, TechniqueText>>;
    for (const l of LANGUAGES) {
      for (const id of TECHNIQUE_IDS) {
        const t = this.text[l][id];
        if (!t?.name || t.say.length < 1 || t.say.length > 3 || t.avoid.length < 1)
          throw new Error(`lexicons/techniques/${l}.json: technique ${id} is missing or incomplete`);
      }
    }
  }

  lines(id: TechniqueId, language: Language): TechniqueText {
    return this.text[language][id];
  }

  /**
   * The technique for a label, with the urgent signals of this moment put
   * first among the alternates (harassment makes ending the call primary).
   */
  choose(
    label: Label,
    urgentKinds: readonly SignalKind[],
    abuseAfterWarning: boolean,
    language: Language,
  ): TechniqueRef {
    const rule = this.policy.labels[label];
    let primary: TechniqueId = rule.primary;
    const alternates: TechniqueId[] = [];
    for (const kind of urgentKinds) {
      const t = this.policy.urgent[kind];
      if (!t) continue;
      if (kind === "harassment") primary = t;
      else if (t !== primary && !alternates.includes(t)) alternates.push(t);
    }
    if (abuseAfterWarning) primary = this.policy.abuseAfterWarning.technique;
    for (const t of [rule.primary, ...rule.alternates])
      if (t !== primary && !alternates.includes(t)) alternates.push(t);
    const text = this.lines(primary, language);
    return {
      id: primary,
      name: text.name,
      say: text.say,
      avoid: text.avoid,
      alternates: alternates.slice(0, 2),
    };
  }
}
