import { pinyin } from "pinyin-pro";

/**
 * Chinese ASR homophones, at build time: an ASR that hears 投诉 may write
 * 头诉. For a phrase marked `hom`, every single-character swap to a common
 * character with the same pinyin *and tone* is added as a variant. pinyin-pro
 * costs 30–40 µs per chunk, so this runs at compile time only.
 */

let bySound: Map<string, string[]> | undefined;

/** The 3,755 level-1 GB2312 characters (the common ones), grouped by toned pinyin. */
function commonCharsBySound(): Map<string, string[]> {
  if (bySound) return bySound;
  bySound = new Map();
  const gbk = new TextDecoder("gbk");
  for (let hi = 0xb0; hi <= 0xd7; hi++) {
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const ch = gbk.decode(new Uint8Array([hi, lo]));
      if (ch.length !== 1 || ch === "\ufffd") continue;
      const sound = pinyin(ch, { toneType: "num" });
      const list = bySound.get(sound);
      if (list) list.push(ch);
      else bySound.set(sound, [ch]);
    }
  }
  return bySound;
}

/** Same-sound single-character variants of a Simplified phrase (not including the phrase). */
export function homophoneVariants(phrase: string): string[] {
  const chars = [...phrase];
  const sounds = pinyin(phrase, { toneType: "num", type: "array" });
  if (sounds.length !== chars.length) return [];
  const table = commonCharsBySound();
  const out: string[] = [];
  chars.forEach((ch, i) => {
    if (!/\p{Script=Han}/u.test(ch)) return;
    for (const alt of table.get(sounds[i] as string) ?? []) {
      if (alt === ch) continue;
      const v = [...chars];
      v[i] = alt;
      out.push(v.join(""));
    }
  });
  return out;
}
