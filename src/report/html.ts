import {
  CUSTOMER_KINDS,
  type HintEvent,
  LABELS,
  type Label,
  type Priority,
  type SignalKind,
  type ToneLevel,
} from "../types.js";
import type { CallRecord } from "./collect.js";
import { type AnalyzedCall, analyzeCalls, type BatchReport, buildBatch, type ReportOptions } from "./json.js";
import { type AgentAct, type Finding, QA_RULES, RULE_TITLES } from "./scorecard.js";
import { type ChunkView, type PlacedSignal, THREAT_TARGETS, TONE_LEVELS } from "./view.js";

/** `title` heads the page; `generatedAt` is printed as given (absent by default: same input, same bytes). */
export type HtmlReportOptions = ReportOptions;

// ---------------------------------------------------------------- text helpers

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const esc = escapeHtml;

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

function score(x: number): string {
  return x.toFixed(2);
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function num(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

// ---------------------------------------------------------------- colours (always paired with text)

const TONE_COLOR: Readonly<Record<ToneLevel, string>> = {
  calm: "#2e7d32",
  tense: "#b7860b",
  angry: "#e65100",
  hostile: "#b71c1c",
};

const PRIORITY_COLOR: Readonly<Record<Priority, string>> = {
  info: "#1565c0",
  warn: "#e65100",
  urgent: "#b71c1c",
};

const LABEL_COLOR: Readonly<Record<Label, string>> = {
  hot_tempered: "#c62828",
  abusive: "#880e4f",
  harasser: "#6a1b9a",
  commanding: "#4527a0",
  erratic: "#ad1457",
  anxious: "#00838f",
  grumbler: "#6d4c41",
  negotiator: "#2e7d32",
  victim: "#00695c",
  quality_critic: "#1565c0",
  rational: "#37474f",
  rambler: "#9e9d24",
  neutral: "#757575",
};

type KindGroup = "heat" | "abuse" | "escalation" | "demand" | "distress" | "complaint" | "courtesy" | "other";

const KIND_GROUP: Readonly<Partial<Record<SignalKind, KindGroup>>> = {
  loudness: "heat",
  fast_speech: "heat",
  interruption: "heat",
  profanity: "abuse",
  insult: "abuse",
  harassment: "abuse",
  escalation_threat: "escalation",
  manager_request: "escalation",
  churn_threat: "escalation",
  compensation_demand: "demand",
  demand: "demand",
  hangup_refusal: "demand",
  contradiction: "demand",
  urgency: "distress",
  sympathy_seeking: "distress",
  repetition: "complaint",
  venting: "complaint",
  improvement_request: "complaint",
  off_topic: "complaint",
  politeness: "courtesy",
};

const GROUP_COLOR: Readonly<Record<KindGroup, string>> = {
  heat: "#e65100",
  abuse: "#b71c1c",
  escalation: "#6a1b9a",
  demand: "#795548",
  distress: "#00838f",
  complaint: "#546e7a",
  courtesy: "#2e7d32",
  other: "#616161",
};

/** Utterance-wide signals (the evidence is the whole line). */
const WHOLE_LINE: ReadonlySet<SignalKind> = new Set([
  "loudness",
  "fast_speech",
  "interruption",
  "repetition",
  "off_topic",
]);

function groupOf(kind: SignalKind): KindGroup {
  return KIND_GROUP[kind] ?? "other";
}

function signalName(s: PlacedSignal["signal"]): string {
  return s.target ? `${s.kind} (${s.target})` : s.kind;
}

// ---------------------------------------------------------------- style

const CSS = `
:root{--ink:#1a1a1a;--muted:#5f6368;--line:#d0d4d9;--bg:#fff;--soft:#f5f6f8}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Noto Sans KR",sans-serif;color:var(--ink);background:var(--bg);margin:0}
header.top{padding:16px 24px;border-bottom:2px solid var(--ink)}
header.top h1{margin:0 0 4px;font-size:22px}
main{padding:0 24px 40px;max-width:1200px}
h2{font-size:19px;margin:28px 0 8px}
h3{font-size:15px;margin:20px 0 6px}
.muted{color:var(--muted)}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--soft)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:24px}
figure{margin:0}
figcaption{font-weight:600;margin-bottom:4px}
.badge{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-weight:600;font-size:12px;white-space:nowrap}
.tone{font-weight:600}
.verdict-ok{color:#2e7d32;font-weight:700}
.verdict-bad{color:#b71c1c;font-weight:700}
section.call{border-top:2px solid var(--ink);margin-top:32px;padding-top:4px}
section.call dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}
section.call dt{color:var(--muted)}
section.call dd{margin:0}
.timeline{overflow-x:auto}
.timeline svg{max-width:100%;height:auto}
ol.transcript{list-style:none;padding:0;margin:6px 0}
ol.transcript li{display:grid;grid-template-columns:3.2em 3.6em 6.2em 1fr;gap:6px;padding:3px 4px;border-bottom:1px solid #eceff1}
ol.transcript li.agent{background:#f7f9fc}
ol.transcript li.flagged{box-shadow:inset 4px 0 0 #b71c1c}
ol.transcript li:target{outline:2px solid #1565c0}
.seq,.time{color:var(--muted);font-variant-numeric:tabular-nums}
.who{font-weight:600}
.tags{display:block;font-size:12px;color:var(--muted)}
.tag{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 4px;margin:2px 4px 0 0}
mark{background:#fff3b0;color:inherit;border-bottom:2px solid #b7860b;padding:0 1px}
mark.whole{background:#fff8dc;border-bottom:1px dotted #b7860b}
mark.g-abuse{background:#ffcdd2;border-color:#b71c1c}
mark.g-escalation{background:#e1bee7;border-color:#6a1b9a}
mark.g-demand{background:#efebe9;border-color:#795548}
mark.g-distress{background:#b2ebf2;border-color:#00838f}
mark.g-complaint{background:#eceff1;border-color:#546e7a}
mark.g-courtesy{background:#c8e6c9;border-color:#2e7d32}
mark.g-heat{background:#ffe0b2;border-color:#e65100}
ol.hints{padding-left:1.4em}
ol.hints li{margin:6px 0}
ol.hints ul{margin:2px 0 2px 0;padding-left:1.2em}
ul.findings{padding-left:1.2em}
ul.findings li{margin:4px 0}
blockquote{margin:2px 0 0;padding:2px 8px;border-left:3px solid var(--line);color:#333}
nav.toc{font-size:13px}
@media print{
  body{font-size:11px}
  main{max-width:none;padding:0 8px}
  section.call{break-before:page}
  a{color:inherit;text-decoration:none}
  .timeline{overflow:visible}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  ol.transcript li,ol.hints li,tr{break-inside:avoid}
}
`;

// ---------------------------------------------------------------- charts

interface Bar {
  label: string;
  value: number;
  color: string;
}

/** A horizontal bar chart in inline SVG: each bar has its label and its count as text. */
export function barChart(title: string, bars: readonly Bar[], id: string, labelW = 120): string {
  const barW = 260;
  const rowH = 20;
  const width = labelW + barW + 50;
  const height = bars.length * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowH;
    const w = (b.value / max) * barW;
    return (
      `<g><title>${esc(`${b.label}: ${b.value}`)}</title>` +
      `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" font-size="12">${esc(b.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${num(w)}" height="${rowH - 6}" fill="${b.color}"/>` +
      `<text x="${num(labelW + w + 4)}" y="${y + 14}" font-size="12">${b.value}</text></g>`
    );
  });
  return (
    `<figure><figcaption id="${id}">${esc(title)}</figcaption>` +
    `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}">` +
    `${rows.join("")}</svg></figure>`
  );
}

// ---------------------------------------------------------------- timeline

function hintTitle(h: HintEvent): string {
  const t = h.technique;
  const signals = h.signals.map((s) => `${signalName(s)} “${s.evidence.text}”`).join("; ");
  return (
    `seq ${h.seq} at ${clock(h.atMs)} — ${h.priority.toUpperCase()} · ${h.customerType.label} ` +
    `${pct(h.customerType.confidence)} · tone ${h.tone.level} ${score(h.tone.score)} ${h.tone.trend} · ` +
    `technique: ${t.name} (${t.id})${signals ? ` · signals: ${signals}` : ""}`
  );
}

/** A link to a transcript line, or the content alone when the line is not in the transcript. */
function lineLink(a: AnalyzedCall, anchor: string, seq: number, content: string): string {
  return a.view.lines.some((v) => v.chunk.seq === seq)
    ? `<a href="#${anchor}-seq-${seq}">${content}</a>`
    : content;
}

function timelineSvg(a: AnalyzedCall, anchor: string): string {
  const { view, card } = a;
  const record = view.record;
  const W = 960;
  const L = 130;
  const R = 16;
  const plotW = W - L - R;
  const maxMs = Math.max(1000, view.endMs);
  const x = (t: number): string => num(L + (Math.max(0, t) / maxMs) * plotW);
  const parts: string[] = [];
  let y = 8;

  // Hints lane.
  const hintY = y + 10;
  parts.push(`<text x="${L - 8}" y="${hintY + 4}" text-anchor="end" font-size="11">hints</text>`);
  for (const h of record.hints) {
    const cx = Number(x(h.atMs));
    const letter = h.priority === "urgent" ? "U" : h.priority === "warn" ? "W" : "I";
    parts.push(
      `<g class="hint"><title>${esc(hintTitle(h))}</title>` +
        `<path d="M${num(cx - 7)} ${hintY - 8} L${num(cx + 7)} ${hintY - 8} L${num(cx)} ${hintY + 6} Z" fill="${PRIORITY_COLOR[h.priority]}"/>` +
        `<text x="${num(cx)}" y="${hintY - 1}" text-anchor="middle" font-size="8" fill="#fff">${letter}</text></g>`,
    );
  }
  y = hintY + 12;

  // Tone chart.
  const toneH = 110;
  const top = y;
  const ty = (s: number): number => top + toneH - Math.max(0, Math.min(1, s)) * toneH;
  const bands: [ToneLevel, number, number][] = [
    ["calm", 0, 0.28],
    ["tense", 0.28, 0.55],
    ["angry", 0.55, 0.78],
    ["hostile", 0.78, 1],
  ];
  for (const [level, lo, hi] of bands) {
    parts.push(
      `<rect x="${L}" y="${num(ty(hi))}" width="${plotW}" height="${num(ty(lo) - ty(hi))}" fill="${TONE_COLOR[level]}" fill-opacity="0.08"/>` +
        `<text x="${L - 8}" y="${num((ty(lo) + ty(hi)) / 2 + 4)}" text-anchor="end" font-size="11" fill="${TONE_COLOR[level]}">${level}</text>`,
    );
  }
  parts.push(
    `<text x="6" y="${top + 12}" font-size="11" font-weight="600">tone score</text>` +
      `<line x1="${L}" y1="${top + toneH}" x2="${W - R}" y2="${top + toneH}" stroke="#9e9e9e"/>`,
  );
  // A step line: the analyzer reports the tone when it pushes a hint; it holds until the next one.
  const points: [number, number][] = [[0, 0]];
  let last = 0;
  for (const h of record.hints) {
    points.push([h.atMs, last], [h.atMs, h.tone.score]);
    last = h.tone.score;
  }
  points.push([view.endMs, last], [view.endMs, record.summary.tone.final.score]);
  parts.push(
    `<polyline fill="none" stroke="#263238" stroke-width="2" points="${points.map(([t, s]) => `${x(t)},${num(ty(s))}`).join(" ")}"><title>tone score over time (from the hints; the last point is the summary's final tone)</title></polyline>`,
  );
  for (const h of record.hints)
    parts.push(
      `<circle cx="${x(h.atMs)}" cy="${num(ty(h.tone.score))}" r="3.5" fill="${TONE_COLOR[h.tone.level]}"><title>${esc(`tone ${h.tone.level} ${score(h.tone.score)} ${h.tone.trend} at ${clock(h.atMs)} (seq ${h.seq})`)}</title></circle>`,
    );
  y = top + toneH + 10;

  // Speech lanes.
  const laneH = 16;
  for (const speaker of ["customer", "agent"] as const) {
    parts.push(`<text x="${L - 8}" y="${y + 12}" text-anchor="end" font-size="11">${speaker}</text>`);
    for (const v of view.lines) {
      if (v.chunk.speaker !== speaker) continue;
      const start = v.chunk.startMs ?? Math.max(0, v.atMs - 3000);
      const w = Math.max(2, Number(x(v.atMs)) - Number(x(start)));
      parts.push(
        `<rect x="${x(start)}" y="${y + 3}" width="${num(w)}" height="${laneH - 6}" fill="${speaker === "agent" ? "#90a4ae" : "#5c6bc0"}"><title>${esc(`seq ${v.chunk.seq} ${speaker} ${clock(v.atMs)}: ${truncate(v.chunk.text, 120)}`)}</title></rect>`,
      );
    }
    y += laneH;
  }

  // One lane per signal kind that fired.
  const kinds = CUSTOMER_KINDS.filter((k) => view.signals.some((s) => s.signal.kind === k));
  for (const kind of kinds) {
    const color = GROUP_COLOR[groupOf(kind)];
    parts.push(
      `<text x="${L - 8}" y="${y + 12}" text-anchor="end" font-size="11" fill="${color}">${kind}</text>`,
    );
    for (const s of view.signals) {
      if (s.signal.kind !== kind) continue;
      const cx = Number(x(s.atMs));
      const cy = y + laneH / 2;
      parts.push(
        lineLink(
          a,
          anchor,
          s.seq,
          `<path d="M${num(cx)} ${cy - 5} L${num(cx + 5)} ${cy} L${num(cx)} ${cy + 5} L${num(cx - 5)} ${cy} Z" fill="${color}"><title>${esc(`${signalName(s.signal)} at ${clock(s.atMs)} (seq ${s.seq}): “${truncate(s.signal.evidence.text, 80)}” weight ${score(s.signal.weight)}`)}</title></path>`,
        ),
      );
    }
    y += laneH;
  }

  // QA findings lane.
  if (card.findings.length > 0) {
    parts.push(
      `<text x="${L - 8}" y="${y + 12}" text-anchor="end" font-size="11" fill="#b71c1c">QA findings</text>`,
    );
    for (const f of card.findings) {
      const at = view.bySeq.get(f.seq)?.atMs ?? 0;
      const cx = Number(x(at));
      const cy = y + laneH / 2;
      parts.push(
        lineLink(
          a,
          anchor,
          f.seq,
          `<g stroke="#b71c1c" stroke-width="2.5"><title>${esc(`${RULE_TITLES[f.rule]} (seq ${f.seq}): ${f.detail}`)}</title>` +
            `<line x1="${num(cx - 5)}" y1="${cy - 5}" x2="${num(cx + 5)}" y2="${cy + 5}"/><line x1="${num(cx - 5)}" y1="${cy + 5}" x2="${num(cx + 5)}" y2="${cy - 5}"/></g>`,
        ),
      );
    }
    y += laneH;
  }

  // Time axis.
  y += 4;
  parts.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#616161"/>`);
  const steps = [5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
  const step = steps.find((s) => maxMs / s <= 12) ?? Math.ceil(maxMs / 12 / 60_000) * 60_000;
  for (let t = 0; t <= maxMs; t += step) {
    parts.push(
      `<line x1="${x(t)}" y1="${y}" x2="${x(t)}" y2="${y + 4}" stroke="#616161"/>` +
        `<text x="${x(t)}" y="${y + 15}" text-anchor="middle" font-size="10">${clock(t)}</text>`,
    );
  }
  const untimed = view.chunks.every((v) => v.chunk.startMs === undefined && v.chunk.endMs === undefined);
  parts.push(
    `<text x="${L - 24}" y="${y + 15}" text-anchor="end" font-size="11">${untimed ? "time (est.)" : "time"}</text>`,
  );
  const height = y + 22;
  const desc = `Timeline of ${view.callId}: tone score line from the hints, a marker per hint (U urgent, W warn, I info), speech turns, one lane per signal kind, QA findings.${untimed ? " The chunks carry no timestamps: each turn counts 4 s." : ""}`;
  return (
    `<svg width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(desc)}">` +
    `<title>${esc(desc)}</title>${parts.join("")}</svg>`
  );
}

// ---------------------------------------------------------------- transcript

/** A transcript line's text with every placed signal's evidence in a `<mark>` (overlaps split). */
export function markedText(text: string, signals: readonly PlacedSignal[]): string {
  const spans = signals
    .filter((s) => s.span && s.span.end > s.span.start && s.span.end <= text.length)
    .map((s) => ({ start: s.span!.start, end: s.span!.end, s }));
  if (spans.length === 0) return esc(text);
  const cuts = new Set<number>([0, text.length]);
  for (const sp of spans) {
    cuts.add(sp.start);
    cuts.add(sp.end);
  }
  const points = [...cuts].sort((p, q) => p - q);
  let out = "";
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const piece = text.slice(a, b);
    const over = spans.filter((sp) => sp.start <= a && sp.end >= b);
    if (over.length === 0) {
      out += esc(piece);
      continue;
    }
    const narrow = over.reduce((m, sp) => (sp.end - sp.start < m.end - m.start ? sp : m));
    const whole = WHOLE_LINE.has(narrow.s.signal.kind);
    const names = [...new Set(over.map((sp) => signalName(sp.s.signal)))].join(", ");
    out += `<mark class="g-${groupOf(narrow.s.signal.kind)}${whole ? " whole" : ""}" title="${esc(names)}">${esc(piece)}</mark>`;
  }
  return out;
}

function actTags(act: AgentAct | undefined): string[] {
  if (!act) return [];
  const tags: string[] = [];
  if (act.empathy !== undefined) tags.push(`empathy “${act.empathy}”`);
  if (act.apology !== undefined) tags.push(`apology “${act.apology}”`);
  if (act.hold !== undefined) tags.push(`hold “${act.hold}”`);
  if (act.promise !== undefined)
    tags.push(
      `promise “${act.promise}”${act.time !== undefined ? ` with time “${act.time}”` : " with no time"}`,
    );
  return tags;
}

function transcript(a: AnalyzedCall, anchor: string): string {
  const { view, card } = a;
  const bySeq = new Map<number, PlacedSignal[]>();
  for (const s of view.signals) {
    const list = bySeq.get(s.seq) ?? [];
    list.push(s);
    bySeq.set(s.seq, list);
  }
  const acts = new Map(card.acts.map((x) => [x.seq, x]));
  const flagged = new Map<number, Finding[]>();
  for (const f of card.findings) flagged.set(f.seq, [...(flagged.get(f.seq) ?? []), f]);
  const items = view.lines.map((v: ChunkView) => {
    const c = v.chunk;
    const signals = bySeq.get(c.seq) ?? [];
    const findings = flagged.get(c.seq) ?? [];
    const tags = [
      ...[...new Map(signals.map((s) => [signalName(s.signal), s.signal.kind])).entries()].map(
        ([n, kind]) => `<span class="tag" style="color:${GROUP_COLOR[groupOf(kind)]}">${esc(n)}</span>`,
      ),
      ...(c.speaker === "agent" ? actTags(acts.get(c.seq)) : []).map(
        (t) => `<span class="tag" style="color:#37474f">${esc(t)}</span>`,
      ),
      ...findings.map((f) => `<span class="tag" style="color:#b71c1c">⚑ ${esc(RULE_TITLES[f.rule])}</span>`),
    ];
    const cls = [c.speaker, findings.length > 0 ? "flagged" : "", v.final ? "" : "partial"]
      .filter(Boolean)
      .join(" ");
    return (
      `<li id="${anchor}-seq-${c.seq}" class="${cls}"><span class="seq">#${c.seq}</span>` +
      `<span class="time">${clock(v.atMs)}</span><span class="who">${c.speaker === "agent" ? "Agent" : "Customer"}</span>` +
      `<span class="text">${markedText(c.text, signals)}${v.final ? "" : ' <span class="muted">(partial, never finalised)</span>'}` +
      `${tags.length > 0 ? `<span class="tags">${tags.join("")}</span>` : ""}</span></li>`
    );
  });
  return `<ol class="transcript">${items.join("")}</ol>`;
}

// ---------------------------------------------------------------- per call

function labelBadge(label: Label): string {
  return `<span class="badge" style="background:${LABEL_COLOR[label]}">${esc(label)}</span>`;
}

function toneText(level: ToneLevel, s: number): string {
  return `<span class="tone" style="color:${TONE_COLOR[level]}">${level} ${score(s)}</span>`;
}

function priorityBadge(p: Priority): string {
  return `<span class="badge" style="background:${PRIORITY_COLOR[p]}">${p.toUpperCase()}</span>`;
}

function hintsList(a: AnalyzedCall): string {
  const hints = a.view.record.hints;
  if (hints.length === 0) return `<p class="muted">No hints were pushed for this call.</p>`;
  const items = hints.map((h) => {
    const t = h.technique;
    const list = (xs: readonly string[]): string =>
      `<ul>${xs.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>`;
    const signals = h.signals
      .map((s) => `${esc(signalName(s))} “${esc(truncate(s.evidence.text, 60))}”`)
      .join("; ");
    return (
      `<li>${priorityBadge(h.priority)} seq ${h.seq} at ${clock(h.atMs)} · ${labelBadge(h.customerType.label)} ` +
      `${pct(h.customerType.confidence)} · tone ${toneText(h.tone.level, h.tone.score)} ${h.tone.trend}` +
      `<br><b>${esc(t.name)}</b> <span class="muted">(${esc(t.id)}${t.alternates.length > 0 ? `; alternates: ${esc(t.alternates.join(", "))}` : ""})</span>` +
      `${t.say.length > 0 ? `<div>Say:${list(t.say)}</div>` : ""}` +
      `${t.avoid.length > 0 ? `<div>Avoid:${list(t.avoid)}</div>` : ""}` +
      `${signals ? `<div class="muted">Because: ${signals}</div>` : ""}</li>`
    );
  });
  return `<ol class="hints">${items.join("")}</ol>`;
}

function findingsList(a: AnalyzedCall, anchor: string): string {
  const { card } = a;
  if (card.findings.length === 0)
    return `<p class="verdict-ok">✓ No findings: the agent handled this call well${card.answeredInTime > 0 ? ` (acknowledged the customer's anger in time, ${card.answeredInTime} of ${card.angerMoments} times)` : ""}.</p>`;
  const items = card.findings.map(
    (f) =>
      `<li><b>${esc(RULE_TITLES[f.rule])}</b> — ${esc(f.detail)}. ` +
      `${lineLink(a, anchor, f.seq, `seq ${f.seq}`)}, ${f.speaker === "agent" ? "agent" : "customer"}:` +
      `<blockquote>${esc(f.text)}</blockquote></li>`,
  );
  return `<p class="verdict-bad">✗ ${card.findings.length} finding${card.findings.length === 1 ? "" : "s"}</p><ul class="findings">${items.join("")}</ul>`;
}

function callSection(a: AnalyzedCall, anchor: string): string {
  const { view, report, card } = a;
  const counts = Object.entries(report.signalCounts)
    .map(([k, n]) => `${esc(k)} ×${n}`)
    .join(", ");
  return (
    `<section class="call" id="${anchor}"><h2>${esc(report.callId)}</h2><dl>` +
    `<dt>Customer type</dt><dd>${labelBadge(report.label)} ${pct(report.confidence)} <span class="muted">(runner-up ${esc(report.runnerUp)})</span></dd>` +
    `<dt>Tone</dt><dd>peak ${toneText(report.tonePeak.level, report.tonePeak.score)} at seq ${report.tonePeak.atSeq} · final ${toneText(report.toneFinal.level, report.toneFinal.score)}</dd>` +
    `<dt>Agent</dt><dd>${esc(report.agentId)}</dd>` +
    `<dt>Language</dt><dd>${esc(report.language)}${view.record.start.language !== undefined ? ` <span class="muted">(declared ${esc(view.record.start.language)})</span>` : ""}</dd>` +
    `<dt>Urgent signals</dt><dd>${report.urgentSignals}${report.escalationTargets.length > 0 ? ` · escalation: ${esc(report.escalationTargets.join(", "))}` : ""}</dd>` +
    `<dt>Signals</dt><dd>${counts || '<span class="muted">none</span>'}</dd>` +
    `<dt>Hints</dt><dd>${report.hintCount}</dd>` +
    `<dt>Agent turns</dt><dd>${card.agentTurns} turns · empathy or apology in ${card.empathyTurns} · holds ${card.holdTurns} · promises ${card.promiseTurns}</dd>` +
    `<dt>QA</dt><dd>${card.findings.length === 0 ? '<span class="verdict-ok">✓ handled well</span>' : `<span class="verdict-bad">✗ ${card.findings.length} finding${card.findings.length === 1 ? "" : "s"}</span>`}</dd>` +
    `</dl><h3>Timeline</h3><div class="timeline">${timelineSvg(a, anchor)}</div>` +
    `<h3>Scorecard</h3>${findingsList(a, anchor)}` +
    `<h3>Transcript</h3>${transcript(a, anchor)}` +
    `<h3>Hints pushed to the agent</h3>${hintsList(a)}</section>`
  );
}

// ---------------------------------------------------------------- batch

function batchSection(
  batch: BatchReport,
  calls: readonly AnalyzedCall[],
  anchors: Map<string, string>,
): string {
  const link = (callId: string): string => {
    const a = anchors.get(callId);
    return a ? `<a href="#${a}">${esc(callId)}</a>` : esc(callId);
  };
  const labelBars = LABELS.map((l) => ({
    label: l,
    value: batch.labelDistribution[l],
    color: LABEL_COLOR[l],
  }));
  const toneBars = TONE_LEVELS.map((l) => ({
    label: l,
    value: batch.toneDistribution[l],
    color: TONE_COLOR[l],
  }));
  const ruleBars = QA_RULES.map((r) => ({
    label: RULE_TITLES[r],
    value: batch.findingsByRule[r],
    color: "#b71c1c",
  }));
  const flagged = calls.filter((c) => c.card.findings.length > 0).length;

  const worst =
    batch.worstCalls.length === 0
      ? `<p class="muted">No call had an urgent signal or an angry peak.</p>`
      : `<table><thead><tr><th class="n">#</th><th>Call</th><th>Agent</th><th>Type</th><th class="n">Urgent signals</th><th>Peak tone</th><th>Escalation</th><th class="n">QA findings</th></tr></thead><tbody>${batch.worstCalls
          .map(
            (w, i) =>
              `<tr><td class="n">${i + 1}</td><td>${link(w.callId)}</td><td>${esc(w.agentId)}</td><td>${labelBadge(w.label)}</td>` +
              `<td class="n">${w.urgentSignals}</td><td>${toneText(w.tonePeak.level, w.tonePeak.score)}</td>` +
              `<td>${esc(w.escalationTargets.join(", ")) || "—"}</td><td class="n">${w.findings}</td></tr>`,
          )
          .join("")}</tbody></table>`;

  const escalation = `<table><thead><tr><th>Target</th><th class="n">Threats</th><th>Calls</th></tr></thead><tbody>${THREAT_TARGETS.map(
    (t) => {
      const e = batch.escalationByTarget[t];
      return `<tr><td>${t}</td><td class="n">${e.signals}</td><td>${e.calls.map(link).join(", ") || "—"}</td></tr>`;
    },
  ).join("")}</tbody></table>`;

  const agents = `<table><thead><tr><th>Agent</th><th class="n">Calls</th><th class="n">Clean calls</th><th class="n">Anger moments</th><th class="n">Acknowledged in time</th>${QA_RULES.map(
    (r) => `<th class="n">${esc(RULE_TITLES[r])}</th>`,
  ).join("")}<th>Calls with findings</th></tr></thead><tbody>${batch.scorecardByAgent
    .map(
      (a) =>
        `<tr><td>${esc(a.agentId)}</td><td class="n">${a.calls}</td><td class="n">${a.cleanCalls}</td><td class="n">${a.angerMoments}</td>` +
        `<td class="n">${a.empathyRate === null ? "—" : `${a.answeredInTime} (${pct(a.empathyRate)})`}</td>` +
        `${QA_RULES.map((r) => `<td class="n">${a.byRule[r] || ""}</td>`).join("")}` +
        `<td>${a.flaggedCalls.map(link).join(", ") || '<span class="verdict-ok">✓ none</span>'}</td></tr>`,
    )
    .join("")}</tbody></table>`;

  const index = `<table><thead><tr><th>Call</th><th>Language</th><th>Agent</th><th>Type</th><th>Peak tone</th><th>Final tone</th><th class="n">Hints</th><th class="n">Urgent</th><th>QA</th></tr></thead><tbody>${calls
    .map(({ report: r }) => {
      const n = r.findings.length;
      return (
        `<tr><td>${link(r.callId)}</td><td>${esc(r.language)}</td><td>${esc(r.agentId)}</td><td>${labelBadge(r.label)} ${pct(r.confidence)}</td>` +
        `<td>${toneText(r.tonePeak.level, r.tonePeak.score)}</td><td>${toneText(r.toneFinal.level, r.toneFinal.score)}</td>` +
        `<td class="n">${r.hintCount}</td><td class="n">${r.urgentSignals}</td>` +
        `<td>${n === 0 ? '<span class="verdict-ok">✓ ok</span>' : `<span class="verdict-bad">✗ ${n}</span>`}</td></tr>`
      );
    })
    .join("")}</tbody></table>`;

  return (
    `<section id="batch"><h2>Batch overview</h2>` +
    `<p>${batch.calls} call${batch.calls === 1 ? "" : "s"} · ${batch.scorecardByAgent.length} agent${batch.scorecardByAgent.length === 1 ? "" : "s"} · ` +
    `${batch.worstCalls.length} call${batch.worstCalls.length === 1 ? "" : "s"} listed as worst · ${flagged} with QA findings` +
    `${batch.skippedMessages !== undefined ? ` · ${batch.skippedMessages} message${batch.skippedMessages === 1 ? "" : "s"} skipped` : ""}</p>` +
    `<div class="charts">${barChart("Customer types", labelBars, "chart-labels")}${barChart("Peak tone per call", toneBars, "chart-tone")}${barChart("QA findings by rule", ruleBars, "chart-rules", 170)}</div>` +
    `<h3>Worst calls</h3><p class="muted">By urgent signals (escalation threats, manager requests, harassment, insults), then peak tone.</p>${worst}` +
    `<h3>Escalation threats by target</h3>${escalation}` +
    `<h3>Agent scorecard</h3><p class="muted">Anger moments: the customer turned angry or raised an urgent signal; acknowledged in time: the agent showed empathy or apologised within the limit.</p>${agents}` +
    `<h3>All calls</h3>${index}</section>`
  );
}

// ---------------------------------------------------------------- document

/**
 * The QA report as one self-contained HTML document: inline CSS and inline
 * SVG, no script, no external resource. Every text from a transcript is
 * escaped. Deterministic: no clock is read (pass `generatedAt` to print one).
 */
export function buildHtmlReport(records: readonly CallRecord[], options: HtmlReportOptions = {}): string {
  const title = options.title ?? "callcue QA report";
  const calls = analyzeCalls(records, options);
  const batch = buildBatch(calls, options);
  const anchors = new Map<string, string>();
  const ids = calls.map((c, i) => {
    const id = `call-${i + 1}`;
    if (!anchors.has(c.report.callId)) anchors.set(c.report.callId, id);
    return id;
  });
  const sections = calls.map((c, i) => callSection(c, ids[i] as string));
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>` +
    `<header class="top"><h1>${esc(title)}</h1><p class="muted">${batch.calls} call${batch.calls === 1 ? "" : "s"}${options.generatedAt !== undefined ? ` · generated ${esc(options.generatedAt)}` : ""} · which calls went badly, why, and did the agent handle them well</p></header>` +
    `<main>${batchSection(batch, calls, anchors)}${sections.join("")}</main></body></html>\n`
  );
}
