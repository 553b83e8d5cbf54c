import { type CustomerKind, type CustomerType, LABELS, type Label } from "../types.js";

/**
 * How much one occurrence of a signal (at weight 1) says for each label —
 * SPEC §4's "typical signals" column as numbers. Anger-type signals count
 * against `rational`.
 */
export const EVIDENCE: Readonly<Record<CustomerKind | "inquiry", Partial<Record<Label, number>>>> = {
  loudness: { hot_tempered: 1.0, rational: -0.6 },
  fast_speech: { hot_tempered: 0.7, anxious: 0.3, rational: -0.3 },
  interruption: { hot_tempered: 0.8, rational: -0.4 },
  escalation_threat: { hot_tempered: 0.9, negotiator: 0.2, rational: -0.6 },
  manager_request: { hot_tempered: 0.5, commanding: 0.7, erratic: 0.4, rational: -0.3 },
  profanity: { abusive: 1.0, harasser: 0.3, hot_tempered: 0.2, rational: -0.8 },
  insult: { abusive: 1.6, rational: -0.8 },
  harassment: { harasser: 1.4, rational: -0.8 },
  off_topic: { rambler: 1.3, harasser: 0.35 },
  demand: { commanding: 1.0, erratic: 0.2, hot_tempered: 0.15, rational: -0.3 },
  contradiction: { erratic: 1.5 },
  hangup_refusal: { erratic: 1.5, commanding: 0.2 },
  urgency: { anxious: 1.1, rational: -0.2 },
  churn_threat: { anxious: 0.8, negotiator: 0.1 },
  repetition: { grumbler: 1.0 },
  venting: { grumbler: 0.9, hot_tempered: 0.1, rational: -0.3 },
  compensation_demand: { negotiator: 1.3 },
  sympathy_seeking: { victim: 1.4 },
  improvement_request: { quality_critic: 1.4 },
  politeness: { rational: 0.3 },
  inquiry: { rational: 0.7 },
};

/** EVIDENCE as dense rows indexed like LABELS (no per-chunk lookups by name). */
const ROWS = Object.fromEntries(
  Object.entries(EVIDENCE).map(([kind, row]) => [kind, Float64Array.from(LABELS, (l) => row[l] ?? 0)]),
) as Record<CustomerKind | "inquiry", Float64Array>;

/** Below this much evidence, the caller is `neutral`. */
const MIN_EVIDENCE = 0.75;
/** A challenger must beat the current label by this factor and margin (no flicker). */
const SWITCH_FACTOR = 1.15;
const SWITCH_MARGIN = 0.1;

const NEUTRAL = LABELS.indexOf("neutral");

/**
 * Customer type from accumulated, time-decayed evidence with hysteresis.
 * State is one Float64Array of 13 scores: constant size however long the call.
 */
export class CustomerTypeModel {
  private readonly scores = new Float64Array(LABELS.length);
  private lastMs = 0;
  private current = NEUTRAL;

  constructor(private readonly halfLifeMs: number) {}

  /** Decays the evidence to `nowMs` (call time). */
  advance(nowMs: number): void {
    const dt = nowMs - this.lastMs;
    if (dt <= 0) return;
    const f = 0.5 ** (dt / this.halfLifeMs);
    for (let i = 0; i < this.scores.length; i++) this.scores[i] = (this.scores[i] as number) * f;
    this.lastMs = nowMs;
  }

  add(kind: CustomerKind | "inquiry", weight: number): void {
    const row = ROWS[kind];
    for (let i = 0; i < row.length; i++) {
      const v = (this.scores[i] as number) + (row[i] as number) * weight;
      this.scores[i] = Math.max(v, 0);
    }
  }

  /** Re-evaluates the label (with hysteresis) and returns it with confidence and runner-up. */
  update(): CustomerType {
    let best = NEUTRAL;
    let second = NEUTRAL;
    let total = 0;
    for (let i = 0; i < LABELS.length; i++) {
      const s = this.scores[i] as number;
      total += s;
      if (i === NEUTRAL) continue;
      if (best === NEUTRAL || s > (this.scores[best] as number)) {
        second = best;
        best = i;
      } else if (second === NEUTRAL || s > (this.scores[second] as number)) second = i;
    }
    const bestScore = this.scores[best] as number;
    const candidate = bestScore >= MIN_EVIDENCE ? best : NEUTRAL;
    if (candidate !== this.current) {
      const cur = this.current === NEUTRAL ? MIN_EVIDENCE : (this.scores[this.current] as number);
      if (
        candidate === NEUTRAL ||
        this.current === NEUTRAL ||
        bestScore >= cur * SWITCH_FACTOR + SWITCH_MARGIN
      )
        this.current = candidate;
    }
    const label = this.current;
    const score = label === NEUTRAL ? MIN_EVIDENCE : (this.scores[label] as number);
    const runnerUp =
      label === best
        ? second === NEUTRAL || (this.scores[second] as number) < 0.3
          ? NEUTRAL
          : second
        : best;
    const confidence =
      label === NEUTRAL ? 1 - Math.min(1, bestScore / MIN_EVIDENCE) * 0.5 : score / (total + 0.5);
    return {
      label: LABELS[label] as Label,
      confidence: round2(Math.min(1, Math.max(0, confidence))),
      runnerUp: (runnerUp === label
        ? label === NEUTRAL
          ? LABELS[best]
          : "neutral"
        : LABELS[runnerUp]) as Label,
    };
  }
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
