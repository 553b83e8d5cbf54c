import type { NormalizedText } from "../normalize/normalize.js";

/** Window of a speaker's recent `volumeDb` values whose median is their usual loudness. */
const VOLUME_WINDOW = 15;
/** Fewer samples than this and no median is trusted. */
const MIN_VOLUME_SAMPLES = 3;
export const SHOUT_DB_ABOVE_MEDIAN = 6;

/** Shouting from the text alone: ≥60% upper-case words (≥2 of them), or `!!`. Returns a weight or 0. */
export function textLoudness(norm: NormalizedText): number {
  if (norm.upperWords >= 2 && norm.upperWords >= 0.6 * norm.latinWords) return 0.75;
  if (norm.maxBangRun >= 2) return 0.6;
  return 0;
}

/** Running median of one speaker's `volumeDb`, in a fixed ring (bounded state). */
export class VolumeBaseline {
  private readonly ring = new Float64Array(VOLUME_WINDOW);
  private readonly sorted = new Float64Array(VOLUME_WINDOW);
  private count = 0;

  /** True when `volumeDb` is ≥ 6 dB above the median of the previous values; then records it. */
  isShout(volumeDb: number): boolean {
    const n = Math.min(this.count, VOLUME_WINDOW);
    let shout = false;
    if (n >= MIN_VOLUME_SAMPLES) {
      for (let i = 0; i < n; i++) this.sorted[i] = this.ring[i] as number;
      const s = this.sorted.subarray(0, n).sort();
      const median =
        n % 2 ? (s[n >> 1] as number) : ((s[(n >> 1) - 1] as number) + (s[n >> 1] as number)) / 2;
      shout = volumeDb >= median + SHOUT_DB_ABOVE_MEDIAN;
    }
    this.ring[this.count % VOLUME_WINDOW] = volumeDb;
    this.count++;
    return shout;
  }
}
