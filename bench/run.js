// One benchmark runner with named scenarios: `node bench/run.js [scenario…] [--quick]`.
// Every figure is reported next to a baseline run in the same process (absolute numbers move
// 25–35% between runs on shared VMs; ratios are steady to ~10%, see PERFORMANCE.md).
import { execSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { createAnalyzer } from "../dist/index.js";
import { loadCompiledLexicon } from "../dist/lexicon/load.js";
import { NormalizedText } from "../dist/normalize/normalize.js";
import { makeCorpus } from "./corpus.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const wanted = args.filter((a) => !a.startsWith("--"));
const CHUNKS = quick ? 100_000 : 400_000;
const RUNS = quick ? 3 : 7;

let sink = 0; // keeps results alive so nothing is optimised away

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
function spread(xs) {
  const m = median(xs);
  return (Math.max(...xs) - Math.min(...xs)) / m;
}
/** Runs fn RUNS times after a warm-up; returns per-run seconds. */
function time(fn) {
  fn();
  const out = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return out;
}

const analyzer = createAnalyzer();
const corpus = makeCorpus(CHUNKS, { seed: 7 });
const texts = corpus.messages.map((m) => m.text);
const results = {
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  figures: {},
};
const rows = [];
function report(name, value, unit, baseline, note = "") {
  results.figures[name] = { value, unit, baseline, note };
  rows.push([
    name,
    typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 2 }) : value,
    unit,
    baseline ?? "",
    note,
  ]);
}

const scenarios = {
  /** The whole analyzer on the mixed corpus vs the charCodeAt ceiling and the matcher alone. */
  analyzer() {
    const loop = time(() => {
      let s = 0;
      for (const t of texts) for (let i = 0; i < t.length; i++) s += t.charCodeAt(i);
      sink += s;
    });
    const norm = new NormalizedText();
    const lx = analyzer.lexicon;
    const matcherOnly = time(() => {
      let hits = 0;
      for (const t of texts) {
        norm.normalize(t, lx.fold);
        lx.matcher.scan(norm.buf, norm.length, () => hits++);
      }
      sink += hits;
    });
    let signals = 0;
    const whole = time(() => {
      const calls = new Map();
      signals = 0;
      for (const m of corpus.messages) {
        let call = calls.get(m.callId);
        if (!call) {
          call = analyzer.openCall({ callId: m.callId });
          calls.set(m.callId, call);
        }
        sink += call.push(m).length;
      }
      for (const call of calls.values()) {
        const s = call.end();
        for (const k in s.signalCounts) signals += s.signalCounts[k];
      }
    });
    // Baselines with the same patterns on the same normalised chunks.
    const patterns = [...new Set(loadCompiledLexicon().patterns.map((p) => p[0]))];
    const normalized = texts.map((t) => norm.normalize(t, lx.fold).text());
    const NpmAhoCorasick = createRequire(import.meta.url)("ahocorasick");
    const npmAc = new NpmAhoCorasick(patterns);
    const npmRuns = time(() => {
      let hits = 0;
      for (const t of normalized) hits += npmAc.search(t).length;
      sink += hits;
    });
    // All patterns as RegExp alternations, each source kept under V8's ~20 KB optimisation cliff.
    const regexps = [];
    let group = [];
    let size = 0;
    for (const p of patterns.sort((a, b) => b.length - a.length)) {
      const src = p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (size + src.length > 19_000) {
        regexps.push(new RegExp(group.join("|"), "g"));
        group = [];
        size = 0;
      }
      group.push(src);
      size += src.length + 1;
    }
    regexps.push(new RegExp(group.join("|"), "g"));
    const regexRuns = time(() => {
      let hits = 0;
      for (const t of normalized) for (const re of regexps) hits += (t.match(re) ?? []).length;
      sink += hits;
    });
    const perSec = (runs) => CHUNKS / median(runs);
    report(
      "analyzer.chunksPerSec",
      Math.round(perSec(whole)),
      "chunks/s",
      `spread ${(spread(whole) * 100).toFixed(0)}%`,
    );
    report("matcher.chunksPerSec", Math.round(perSec(matcherOnly)), "chunks/s", "normalise + scan only");
    report("charCodeAt.chunksPerSec", Math.round(perSec(loop)), "chunks/s", "ceiling");
    report(
      "npm-ahocorasick.chunksPerSec",
      Math.round(perSec(npmRuns)),
      "chunks/s",
      `${patterns.length} patterns, matching only`,
    );
    report(
      "regexp.chunksPerSec",
      Math.round(perSec(regexRuns)),
      "chunks/s",
      `${regexps.length} RegExps < 20 KB`,
    );
    report("analyzer.vsNpmAhoCorasick", perSec(whole) / perSec(npmRuns), "×", "npm ahocorasick", "goal ≥ 5");
    report(
      "analyzer.perCharCostVsCharCodeAt",
      median(whole) / median(loop),
      "×",
      "charCodeAt loop",
      "goal ≤ 15",
    );
    report(
      "analyzer.signals",
      signals,
      "signals",
      `planted ${corpus.planted}`,
      signals >= corpus.planted ? "ok" : "BROKEN: fewer signals than planted",
    );
    if (signals < corpus.planted) process.exitCode = 1;
  },

  /** Per-chunk latency distribution of call.push. */
  latency() {
    const calls = new Map();
    const ns = new Float64Array(corpus.messages.length);
    corpus.messages.forEach((m, i) => {
      let call = calls.get(m.callId);
      if (!call) {
        call = analyzer.openCall({ callId: m.callId });
        calls.set(m.callId, call);
      }
      const t0 = process.hrtime.bigint();
      sink += call.push(m).length;
      ns[i] = Number(process.hrtime.bigint() - t0);
    });
    const sorted = Array.from(ns).sort((a, b) => a - b);
    const q = (p) => sorted[Math.floor(p * (sorted.length - 1))] / 1000;
    report("push.p50", q(0.5), "µs", "", "incl. hrtime overhead");
    report("push.p99", q(0.99), "µs", "", "goal ≤ 10");
    report("push.p999", q(0.999), "µs", "");
  },

  /** Cost independent of call length: chunks 19,001–20,000 vs 1–1,000 of one call. */
  callLength() {
    const call = analyzer.openCall({ callId: "long" });
    const msgs = corpus.messages
      .slice(0, 20_000)
      .map((m, i) => ({ ...m, callId: "long", seq: i + 1, startMs: i * 3000, endMs: i * 3000 + 2500 }));
    const window = (from, to) => {
      const t0 = process.hrtime.bigint();
      for (let i = from; i < to; i++) sink += call.push(msgs[i]).length;
      return Number(process.hrtime.bigint() - t0) / (to - from);
    };
    // warm the JIT on a throwaway call first
    const warm = analyzer.openCall({ callId: "warm" });
    for (let i = 0; i < 5000; i++) sink += warm.push({ ...msgs[i], callId: "warm" }).length;
    const first = window(0, 1000);
    window(1000, 19_000);
    const last = window(19_000, 20_000);
    report("callLength.ratio", last / first, "×", "chunks 1–1,000", "goal ≤ 1.1");
  },

  /** Heap per open call after 50 chunks, and the lexicon's build cost and size. */
  memory() {
    if (!global.gc) {
      report("memory", "skipped", "", "", "run with node --expose-gc");
      return;
    }
    const N = 10_000;
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const calls = [];
    for (let c = 0; c < N; c++) {
      const call = analyzer.openCall({ callId: `m-${c}` });
      for (let i = 0; i < 50; i++) {
        const m = corpus.messages[(c * 50 + i) % corpus.messages.length];
        call.push({ ...m, callId: `m-${c}`, seq: i + 1 });
      }
      calls.push(call);
    }
    global.gc();
    const perCall = (process.memoryUsage().heapUsed - before) / N;
    sink += calls.length;
    report(
      "memory.perOpenCall",
      Math.round(perCall),
      "bytes",
      "after 50 chunks, 10,000 calls",
      "goal ≤ 8192",
    );
    const compiled = loadCompiledLexicon();
    const t0 = performance.now();
    const a2 = createAnalyzer({ lexicon: compiled });
    report(
      "lexicon.buildMs",
      Math.round(performance.now() - t0),
      "ms",
      `${a2.lexicon.matcher.patternCount} patterns`,
      "goal ≤ 300",
    );
    report(
      "lexicon.matcherBytes",
      a2.lexicon.matcher.memoryBytes(),
      "bytes",
      `${a2.lexicon.matcher.stateCount} states`,
    );
  },
};

const names = wanted.length ? wanted : Object.keys(scenarios);
for (const n of names) {
  if (!scenarios[n]) throw new Error(`unknown scenario ${n}; known: ${Object.keys(scenarios).join(", ")}`);
  scenarios[n]();
}
const width = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => String(r[i]).length)));
for (const r of rows)
  console.log(r.map((c, i) => String(c)[i === 1 ? "padStart" : "padEnd"](width[i])).join("  "));
let commit = "";
try {
  commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] })
    .toString()
    .trim();
} catch {}
const stamp = new Date().toISOString().slice(0, 10);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL(`./results/${stamp}-${os.hostname()}.json`, import.meta.url),
  JSON.stringify({ ...results, commit, quick, chunks: CHUNKS, sink: sink % 7 }, null, 2),
);
