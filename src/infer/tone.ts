import type { CustomerKind, Tone, ToneLevel, Trend } from "../types.js";
import { round2 } from "./customer-type.js";

/** How much one signal (at weight 1) heats the tone. Politeness cools it. */
export const HEAT: Readonly<Partial<Record<CustomerKind, number>>> = {
  loudness: 0.55,
  fast_speech: 0.2,
  interruption: 0.3,
  profanity: 0.6,
  insult: 0.9,
  escalation_threat: 0.6,
  manager_request: 0.35,
  churn_threat: 0.25,
  compensation_demand: 0.1,
  demand: 0.3,
  urgency: 0.2,
  venting: 0.3,
  harassment: 0.2,
  hangup_refusal: 0.35,
  repetition: 0.15,
  sympathy_seeking: 0.1,
  politeness: -0.15,
};

/** Score thresholds between calm < tense < angry < hostile. */
const LEVELS: readonly [ToneLevel, number][] = [
  ["hostile", 0.78],
  ["angry", 0.55],
  ["tense", 0.28],
];
/** Crossing back down needs this much extra (no flicker at a boundary). */
const HYSTERESIS = 0.04;
const TREND_DELTA = 0.05;

/**
 * Tone: short-memory heat (decays with `halfLifeMs`) mapped to a score in
 * [0, 1) and a level, with a trend against a slower moving average.
 */
export class ToneModel {
  private heat = 0;
  private lastMs = 0;
  private slow = 0;
  private level: ToneLevel = "calm";
  score = 0;
  trend: Trend = "steady";

  constructor(private readonly halfLifeMs: number) {}

  advance(nowMs: number): void {
    const dt = nowMs - this.lastMs;
    if (dt <= 0) return;
    this.heat *= 0.5 ** (dt / this.halfLifeMs);
    this.lastMs = nowMs;
  }

  add(kind: CustomerKind, weight: number): void {
    const h = HEAT[kind];
    if (h !== undefined) this.heat = Math.max(0, this.heat + h * weight);
  }

  /** Negative valence (−1..1 per utterance) heats, positive cools. */
  addValence(valence: number): void {
    this.heat = Math.max(0, this.heat - (valence < 0 ? 0.5 : 0.2) * valence);
  }

  update(): Tone {
    const score = 1 - Math.exp(-this.heat);
    const diff = score - this.slow;
    this.trend = diff > TREND_DELTA ? "rising" : diff < -TREND_DELTA ? "falling" : "steady";
    this.slow += 0.35 * diff;
    this.score = score;
    const raw = levelOf(score);
    if (raw !== this.level) {
      const rising = toneRank(raw) > toneRank(this.level);
      if (rising || levelOf(score + HYSTERESIS) === raw) this.level = raw;
    }
    return { level: this.level, score: round2(score), trend: this.trend };
  }

  get currentLevel(): ToneLevel {
    return this.level;
  }
}

function levelOf(score: number): ToneLevel {
  for (const [level, min] of LEVELS) if (score >= min) return level;
  return "calm";
}

export function toneRank(l: ToneLevel): number {
  return l === "calm" ? 0 : l === "tense" ? 1 : l === "angry" ? 2 : 3;
}
