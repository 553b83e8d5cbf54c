import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Deterministic mixed-language corpus of ASR-like chunks (seeded), for the benchmarks.
// Proportions follow PERFORMANCE.md: zh-Hans 51%, zh-Hant 14%, ko 14%, en 20%, mean ~25 chars,
// and a known share of chunks carrying a planted lexicon phrase.

/** mulberry32: small, fast, seedable. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FILLER = {
  "zh-Hans": [
    "我想问一下",
    "那个快递",
    "订单号是",
    "昨天下单的",
    "预计周三送达",
    "地址没有错",
    "嗯 就是说",
    "然后呢",
    "我这边看了一下",
    "系统显示",
    "已经发货了",
    "话费怎么扣了",
    "套餐是多少钱",
    "帮我查一下",
  ],
  "zh-Hant": [
    "我想問一下",
    "那個包裹",
    "訂單編號是",
    "昨天下單的",
    "預計週三送達",
    "地址沒有錯",
    "然後呢",
    "系統顯示",
    "已經出貨了",
    "資費怎麼扣了",
    "幫我查一下",
    "帳單上面",
  ],
  ko: [
    "저기 그 택배가",
    "주문 번호는",
    "어제 주문했는데",
    "수요일 도착 예정이래요",
    "주소는 맞아요",
    "음 그러니까",
    "확인 좀 해 주세요",
    "요금이 왜 이렇게",
    "배송 조회를 했는데",
    "카드 결제가",
  ],
  en: [
    "so um my order",
    "the tracking number is",
    "i ordered it yesterday",
    "it says wednesday",
    "the address is correct",
    "uh let me see",
    "the app says",
    "it was shipped",
    "my bill went up",
    "can you check",
  ],
};

/** Phrases the lexicon must find (one signal each). */
export const PLANTED = {
  "zh-Hans": ["我要投诉到国家局", "你们这帮骗子", "马上给我退款", "叫你们领导来", "我要向媒体反映"],
  "zh-Hant": ["我要去消基會投訴", "你們這些騙子", "馬上給我退款", "叫你們主管出來"],
  ko: ["소비자원에 신고할 거예요", "환불해 주세요", "책임자 바꿔요", "당장 해결해"],
  en: ["i will sue you", "let me speak to your manager", "i want a refund", "you idiot"],
};

const MIX = [
  ["zh-Hans", 0.51],
  ["zh-Hant", 0.14],
  ["ko", 0.14],
  ["en", 0.2],
];

/**
 * @param {number} chunks how many chunks
 * @param {{ seed?: number, hitRate?: number, calls?: number }} [o]
 * @returns {{ messages: object[], planted: number, chars: number, byLanguage: Record<string, string[]>, languages: string[] }}
 *   `planted`: customer chunks carrying a planted phrase (each must yield a signal).
 */
export function makeCorpus(chunks, o = {}) {
  const rand = rng(o.seed ?? 42);
  const hitRate = o.hitRate ?? 0.02;
  const calls = o.calls ?? 1000;
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const messages = [];
  const clock = new Float64Array(calls);
  const seqs = new Int32Array(calls);
  const langOf = [];
  for (let c = 0; c < calls; c++) {
    let r = rand();
    let lang = "en";
    for (const [l, p] of MIX) {
      if (r < p) {
        lang = l;
        break;
      }
      r -= p;
    }
    langOf.push(lang);
  }
  const byLanguage = { "zh-Hans": [], "zh-Hant": [], ko: [], en: [] };
  let planted = 0;
  let chars = 0;
  for (let i = 0; i < chunks; i++) {
    const c = i % calls;
    const lang = langOf[c];
    // Fragments plus a number (an order id, an amount), so one caller's chunks rarely repeat each other.
    let text = `${pick(FILLER[lang])} ${Math.floor(rand() * 100000)}`;
    const target = lang === "en" ? 24 : 12;
    while (text.length < target) text += ` ${pick(FILLER[lang])}`;
    const speaker = rand() < 0.45 ? "agent" : "customer";
    if (rand() < hitRate) {
      text += ` ${pick(PLANTED[lang])}`;
      if (speaker === "customer") planted++;
    }
    const startMs = clock[c];
    const endMs = startMs + 400 + text.length * (lang === "en" ? 80 : 220);
    clock[c] = endMs + 300;
    seqs[c]++;
    chars += text.length;
    byLanguage[lang].push(text);
    messages.push({
      type: "chunk",
      callId: `b-${c}`,
      seq: seqs[c],
      speaker,
      text,
      final: true,
      startMs,
      endMs,
    });
  }
  return { messages, planted, chars, byLanguage, languages: langOf };
}

/** The labelled fixture calls (start plus chunks), for the scenarios that stream whole realistic calls. */
export function fixtureCalls() {
  const out = [];
  for (const lang of ["zh-Hans", "zh-Hant", "ko", "en"])
    for (const f of readdirSync(join("fixtures", lang)).sort()) {
      const lines = readFileSync(join("fixtures", lang, f), "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
      out.push({ start: lines[0], chunks: lines.filter((l) => l.type === "chunk") });
    }
  return out;
}
