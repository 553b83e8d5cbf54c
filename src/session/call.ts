import {
  type Adapter,
  type AdapterOptions,
  type AdapterState,
  adapterFor,
  createAdapterState,
} from "../adapters/index.js";
import { LexicalScanner } from "../detect/lexical.js";
import { textLoudness, VolumeBaseline } from "../detect/loudness.js";
import { isLongTurn } from "../detect/off-topic.js";
import { RepetitionTracker, SAME_PHRASE_TIMES } from "../detect/repetition.js";
import { RateBaseline, speakingMs } from "../detect/speech-rate.js";
import { CallcueError } from "../errors.js";
import { CustomerTypeModel, round2 } from "../infer/customer-type.js";
import { ToneModel, toneRank } from "../infer/tone.js";
import { parseLanguageTag } from "../lang.js";
import { KIND_ID, KINDS, type Lexicon } from "../lexicon/lexicon.js";
import { NormalizedText } from "../normalize/normalize.js";
import type { TechniqueCatalog } from "../policy/techniques.js";
import {
  type AnalyzerEvent,
  type ChunkMessage,
  CUSTOMER_KINDS,
  type CustomerKind,
  type CustomerType,
  type ErrorEvent,
  type HintEvent,
  type Language,
  type Priority,
  type Signal,
  type SignalKind,
  type SummaryEvent,
  type Tone,
  type ToneLevel,
  URGENT_KINDS,
  type VendorMessage,
} from "../types.js";
import { validateMessage } from "./validate.js";

/** Options every call of an analyzer shares (see `AnalyzerOptions` for the documented defaults). */
export interface CallSettings {
  typeHalfLifeMs: number;
  toneHalfLifeMs: number;
  /** Call time assumed to pass per final utterance when chunks carry no timestamps. */
  untimedTurnMs: number;
  /** QA: the agent should show empathy or apologise within this long after the customer's anger. */
  empathyWithinMs: number;
}

/** What a call shares with the other calls of its analyzer: immutable lexicon, reused scratch buffers. */
export interface CallContext {
  lexicon: Lexicon;
  catalog: TechniqueCatalog;
  settings: CallSettings;
  norm: NormalizedText;
  scanner: LexicalScanner;
}

export function createCallContext(
  lexicon: Lexicon,
  catalog: TechniqueCatalog,
  settings: CallSettings,
): CallContext {
  return { lexicon, catalog, settings, norm: new NormalizedText(), scanner: new LexicalScanner(lexicon) };
}

const CUSTOMER_INDEX: Readonly<Record<string, number>> = Object.fromEntries(
  CUSTOMER_KINDS.map((k, i) => [k, i]),
);
const K_INQUIRY = KIND_ID.inquiry;
/** Kinds whose same phrase said three times is repetition. */
const COMPLAINT_KINDS = new Set<SignalKind>([
  "venting",
  "urgency",
  "demand",
  "compensation_demand",
  "improvement_request",
  "sympathy_seeking",
]);
const LANGS: readonly Language[] = ["zh-Hans", "zh-Hant", "ko", "en"];
const MAX_FINDINGS = 20;
const MAX_FORBIDDEN = 20;

interface Utterance {
  startMs: number;
  endMs: number;
  seq: number;
  text: string;
}

/**
 * One call's analysis state: small, explicit and bounded — counters, two
 * models of fixed size, a few recent utterances. Per-chunk work never depends
 * on how long the call has been going.
 */
export class Call {
  readonly callId: string;
  private readonly declared: Language | undefined;
  private readonly scriptCounts = new Int32Array(LANGS.length);
  private nowMs = 0;
  private readonly type: CustomerTypeModel;
  private readonly tone: ToneModel;
  private readonly volume = new VolumeBaseline();
  private readonly rate = new RateBaseline();
  private readonly repetition = new RepetitionTracker();
  private lastAgent: Utterance | undefined;
  private lastCustomer: (Utterance & { interrupting: boolean }) | undefined;
  /** The customer's open utterance (partials so far) and the urgent kinds already pushed from it. */
  private openSegment: string | undefined;
  private raisedUrgent = 0;
  private readonly signalCounts = new Int32Array(CUSTOMER_KINDS.length);
  private customerType: CustomerType = { label: "neutral", confidence: 1, runnerUp: "neutral" };
  private toneNow: Tone = { level: "calm", score: 0, trend: "steady" };
  private peak = { level: "calm" as ToneLevel, score: 0, atSeq: 0 };
  private hintCount = 0;
  private lastHintKey = "";
  private lastHintLabel = "neutral";
  private lastHintLevel: ToneLevel = "calm";
  private boundarySet = false;
  private abuseAfterBoundary = 0;
  private readonly qa = {
    agentEmpathy: 0,
    agentApology: 0,
    agentHold: 0,
    agentForbidden: [] as string[],
    findings: [] as string[],
  };
  /** The customer's anger that still waits for the agent's empathy or apology. */
  private awaitingEmpathy: { seq: number; atMs: number } | undefined;
  private ended = false;

  private readonly vendor: { adapter: Adapter; state: AdapterState; options: AdapterOptions } | undefined;

  constructor(
    private readonly ctx: CallContext,
    callId: string,
    language?: string,
    format?: { format: string; channelMap?: Record<string, "customer" | "agent"> },
  ) {
    this.callId = callId;
    this.declared = parseLanguageTag(language);
    const adapter = format ? adapterFor(format.format) : undefined;
    if (format && !adapter) throw new CallcueError("CC_ERR_BAD_FIELD", `unknown format ${format.format}`);
    if (adapter) {
      const options: AdapterOptions = {};
      if (format?.channelMap) options.channelMap = format.channelMap;
      if (language) options.language = language;
      this.vendor = { adapter, state: createAdapterState(callId), options };
    }
    this.type = new CustomerTypeModel(ctx.settings.typeHalfLifeMs);
    this.tone = new ToneModel(ctx.settings.toneHalfLifeMs);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Analyses one message (normally a `chunk`; `end` returns the summary).
   * Never throws: bad input comes back as an `error` event and the call goes on.
   */
  push(message: unknown): AnalyzerEvent[] {
    try {
      const m = validateMessage(message);
      if (m.callId !== this.callId)
        throw new CallcueError("CC_ERR_BAD_FIELD", "callId does not match this call");
      if (this.ended) throw new CallcueError("CC_ERR_CALL_ENDED", "the call has ended");
      if (m.type === "end") return [this.end()];
      if (m.type === "start") throw new CallcueError("CC_ERR_CALL_EXISTS", "the call is already open");
      if (m.type === "vendor") return this.adapt(m).flatMap((c) => this.chunk(c));
      return this.chunk(m);
    } catch (err) {
      return [this.error(err, message)];
    }
  }

  /**
   * Maps a native ASR vendor message to wire chunks with the adapter of the
   * call's `format` (the server stores and acks them one by one).
   */
  adapt(m: VendorMessage): ChunkMessage[] {
    if (!this.vendor)
      throw new CallcueError("CC_ERR_BAD_MESSAGE", "vendor messages need a call started with a format");
    return this.vendor
      .adapter(m.payload, this.vendor.state, this.vendor.options)
      .map((c) => validateMessage(c) as ChunkMessage);
  }

  /** After a rebuild from stored chunks, the adapter numbers new chunks from here. */
  continueVendorAt(seq: number): void {
    if (this.vendor && this.vendor.state.nextSeq < seq) this.vendor.state.nextSeq = seq;
  }

  private error(err: unknown, message: unknown): ErrorEvent {
    const e: ErrorEvent =
      err instanceof CallcueError
        ? { type: "error", code: err.code, message: err.message, callId: this.callId }
        : {
            type: "error",
            code: "CC_ERR_BAD_MESSAGE",
            message: "the message could not be analysed",
            callId: this.callId,
          };
    const seq = (message as { seq?: unknown } | null)?.seq;
    if (typeof seq === "number" && Number.isSafeInteger(seq)) e.seq = seq;
    return e;
  }

  private chunk(c: ChunkMessage): AnalyzerEvent[] {
    const { norm, scanner } = this.ctx;
    const final = c.final !== false;
    norm.normalize(c.text, this.ctx.lexicon.fold);
    this.ctx.lexicon.spelling.correct(norm);
    const script = norm.script();
    if (final && script)
      this.scriptCounts[LANGS.indexOf(script)] = (this.scriptCounts[LANGS.indexOf(script)] as number) + 1;
    const atMs = c.endMs ?? c.startMs ?? (final ? this.nowMs + this.ctx.settings.untimedTurnMs : this.nowMs);
    if (atMs > this.nowMs) this.nowMs = atMs;
    scanner.scan(norm);
    this.checkEmpathyDeadline();
    return c.speaker === "agent" ? this.agentChunk(c, final) : this.customerChunk(c, final, script);
  }

  private evidence(c: ChunkMessage, matchIndex: number): Signal["evidence"] {
    const { norm, scanner } = this.ctx;
    const ns = scanner.matchStart[matchIndex] as number;
    const ne = scanner.matchEnd[matchIndex] as number;
    const start = norm.toOriginal[ns] as number;
    const end = (norm.toOriginal[ne - 1] as number) + 1;
    return { seq: c.seq, start, end, text: c.text.slice(start, end) };
  }

  private wholeEvidence(c: ChunkMessage): Signal["evidence"] {
    return { seq: c.seq, start: 0, end: c.text.length, text: c.text };
  }

  private lexicalSignals(c: ChunkMessage, speaker: "customer" | "agent"): Signal[] {
    const { scanner, lexicon } = this.ctx;
    const out: Signal[] = [];
    if (scanner.foundMask === 0) return out;
    for (let k = 0; k < KINDS.length; k++) {
      const w = scanner.kindWeight[k] as number;
      if (w === 0) continue;
      const kind = KINDS[k] as SignalKind;
      const isAgentKind = kind.startsWith("agent_");
      if (speaker === "agent" ? !isAgentKind : isAgentKind || CUSTOMER_INDEX[kind] === undefined) continue;
      const match = scanner.kindMatch[k] as number;
      const term = scanner.matchTerm[match] as number;
      const s: Signal = { kind, weight: round2(w), speaker, evidence: this.evidence(c, match) };
      const target = lexicon.target(term);
      if (target) s.target = target;
      if (kind === "profanity" || kind === "insult" || kind === "harassment")
        s.severity = lexicon.termSeverity[term] as number;
      out.push(s);
    }
    return out;
  }

  private agentChunk(c: ChunkMessage, final: boolean): AnalyzerEvent[] {
    if (typeof c.startMs === "number" && typeof c.endMs === "number") {
      this.lastAgent = { startMs: c.startMs, endMs: c.endMs, seq: c.seq, text: "" };
    }
    if (!final) return [];
    for (const s of this.lexicalSignals(c, "agent")) {
      switch (s.kind) {
        case "agent_empathy":
          this.qa.agentEmpathy++;
          this.awaitingEmpathy = undefined;
          break;
        case "agent_apology":
          this.qa.agentApology++;
          this.awaitingEmpathy = undefined;
          break;
        case "agent_hold":
          this.qa.agentHold++;
          if (toneRank(this.toneNow.level) >= 2)
            this.finding(`seq ${c.seq}: put the customer on hold after an angry turn ("${s.evidence.text}")`);
          break;
        case "agent_forbidden":
          if (this.qa.agentForbidden.length < MAX_FORBIDDEN) this.qa.agentForbidden.push(s.evidence.text);
          this.finding(`seq ${c.seq}: forbidden phrase "${s.evidence.text}"`);
          break;
      }
    }
    // The customer started talking before this agent utterance ended: an interruption seen late.
    const cust = this.lastCustomer;
    if (
      cust &&
      !cust.interrupting &&
      typeof c.startMs === "number" &&
      typeof c.endMs === "number" &&
      cust.startMs > c.startMs &&
      cust.startMs < c.endMs - INTERRUPT_TOLERANCE_MS
    ) {
      cust.interrupting = true;
      const s: Signal = {
        kind: "interruption",
        weight: 0.7,
        speaker: "customer",
        evidence: { seq: cust.seq, start: 0, end: cust.text.length, text: cust.text },
      };
      return this.infer(c, [s], true);
    }
    return [];
  }

  private customerChunk(c: ChunkMessage, final: boolean, script: Language | undefined): AnalyzerEvent[] {
    const segment = c.segmentId ?? "";
    if (segment !== this.openSegment) {
      this.openSegment = segment;
      this.raisedUrgent = 0;
    }
    const signals = this.lexicalSignals(c, "customer");
    if (!final) {
      // Urgent signals are pushed from the partial that carries them; evidence waits for the final.
      const fresh = signals.filter((s) => URGENT_KINDS.has(s.kind) && !(this.raisedUrgent & kindBit(s.kind)));
      if (fresh.length === 0) return [];
      for (const s of fresh) this.raisedUrgent |= kindBit(s.kind);
      return this.emit(c, fresh, "urgent", true);
    }
    const { norm, scanner } = this.ctx;
    const language = script ?? this.language();
    const loud = Math.max(
      textLoudness(norm),
      typeof c.volumeDb === "number" && this.volume.isShout(c.volumeDb) ? 0.7 : 0,
    );
    if (loud > 0 && !signals.some((s) => s.kind === "loudness"))
      signals.push({ kind: "loudness", weight: loud, speaker: "customer", evidence: this.wholeEvidence(c) });
    const units =
      language === "ko" ? norm.hangulSyllables : language === "en" ? norm.allLatinWords : norm.hanChars;
    const fast = this.rate.observe(units, speakingMs(c.startMs, c.endMs, c.words), language);
    if (fast > 0)
      signals.push({
        kind: "fast_speech",
        weight: round2(fast),
        speaker: "customer",
        evidence: this.wholeEvidence(c),
      });
    const agent = this.lastAgent;
    const interrupting =
      agent !== undefined &&
      typeof c.startMs === "number" &&
      c.startMs > agent.startMs &&
      c.startMs < agent.endMs - INTERRUPT_TOLERANCE_MS;
    if (interrupting)
      signals.push({
        kind: "interruption",
        weight: 0.7,
        speaker: "customer",
        evidence: this.wholeEvidence(c),
      });
    let repeated = this.repetition.observe(norm.buf, norm.length);
    // The same complaint phrase again adds less to its own kind each time (it says little new),
    // and from the third time it is repetition: a grumbler, not a new urgency.
    let scales: Map<Signal, number> | undefined;
    for (const s of signals) {
      if (!COMPLAINT_KINDS.has(s.kind)) continue;
      const times = this.repetition.countPhrase(scanner.termOf(KIND_ID[s.kind as keyof typeof KIND_ID]));
      if (times > 1) {
        scales ??= new Map();
        scales.set(s, 0.5 ** (times - 1));
      }
      if (times >= SAME_PHRASE_TIMES) repeated = Math.max(repeated, 0.8);
    }
    if (repeated > 0)
      signals.push({
        kind: "repetition",
        weight: round2(repeated),
        speaker: "customer",
        evidence: this.wholeEvidence(c),
      });
    if (scanner.domainHits === 0 && isLongTurn(norm))
      signals.push({ kind: "off_topic", weight: 0.8, speaker: "customer", evidence: this.wholeEvidence(c) });
    if (typeof c.startMs === "number" && typeof c.endMs === "number") {
      this.lastCustomer = { startMs: c.startMs, endMs: c.endMs, seq: c.seq, text: c.text, interrupting };
    }
    // Evidence: each kind once per final utterance.
    for (const s of signals) this.count(s.kind);
    this.type.advance(this.nowMs);
    this.tone.advance(this.nowMs);
    if (scanner.kindWeight[K_INQUIRY]) this.type.add("inquiry", scanner.kindWeight[K_INQUIRY] as number);
    if (scanner.valenceCount > 0) this.tone.addValence(Math.max(-1, Math.min(1, scanner.valence)));
    this.openSegment = undefined;
    const events = this.infer(c, signals, false, scales);
    this.raisedUrgent = 0;
    return events;
  }

  /** Adds the signals to the models and decides whether this moment deserves a hint (SPEC §6). */
  private infer(
    c: ChunkMessage,
    signals: Signal[],
    seenLate: boolean,
    scales?: Map<Signal, number>,
  ): AnalyzerEvent[] {
    if (seenLate) {
      this.type.advance(this.nowMs);
      this.tone.advance(this.nowMs);
      for (const s of signals) this.count(s.kind);
    }
    let abusive = false;
    for (const s of signals) {
      this.tone.add(s.kind as CustomerKind, s.weight);
      if (s.kind === "insult" || s.kind === "profanity") abusive = true;
    }
    this.toneNow = this.tone.update();
    for (const s of signals) {
      // A threat said calmly is a bargaining move more than a temper: it counts by how heated the call is.
      const calm = s.kind === "escalation_threat" ? 0.4 + Math.min(0.6, this.toneNow.score) : 1;
      this.type.add(s.kind as CustomerKind, s.weight * calm * (scales?.get(s) ?? 1));
    }
    if (abusive && this.boundarySet) this.abuseAfterBoundary++;
    this.customerType = this.type.update();
    if (this.toneNow.score > this.peak.score)
      this.peak = { level: this.toneNow.level, score: this.toneNow.score, atSeq: c.seq };
    if (toneRank(this.toneNow.level) >= 2 || signals.some((s) => URGENT_KINDS.has(s.kind))) {
      this.awaitingEmpathy ??= { seq: c.seq, atMs: this.nowMs };
    }
    const changed =
      this.customerType.label !== this.lastHintLabel || this.toneNow.level !== this.lastHintLevel;
    const newUrgent = signals.some((s) => URGENT_KINDS.has(s.kind) && !(this.raisedUrgent & kindBit(s.kind)));
    if (!changed && !newUrgent) return [];
    return this.emit(c, signals, this.priority(signals), false);
  }

  private priority(signals: readonly Signal[]): Priority {
    if (signals.some((s) => URGENT_KINDS.has(s.kind))) return "urgent";
    if (
      toneRank(this.toneNow.level) >= 2 ||
      signals.some((s) => s.kind === "churn_threat" || s.kind === "compensation_demand")
    )
      return "warn";
    return "info";
  }

  private emit(c: ChunkMessage, signals: Signal[], priority: Priority, fromPartial: boolean): HintEvent[] {
    const urgentKinds = signals.filter((s) => URGENT_KINDS.has(s.kind)).map((s) => s.kind);
    const label = this.customerType.label;
    const technique = this.ctx.catalog.choose(
      label,
      urgentKinds,
      this.abuseAfterBoundary >= this.ctx.catalog.policy.abuseAfterWarning.afterUtterances,
      this.language(),
    );
    const key = `${label}|${this.toneNow.level}|${priority}|${technique.id}|${signals
      .filter((s) => URGENT_KINDS.has(s.kind))
      .map((s) => `${s.kind}:${s.target ?? ""}`)
      .join(",")}`;
    if (key === this.lastHintKey) return [];
    this.lastHintKey = key;
    if (!fromPartial) {
      this.lastHintLabel = label;
      this.lastHintLevel = this.toneNow.level;
    }
    if (technique.id === "set_boundary") this.boundarySet = true;
    this.hintCount++;
    return [
      {
        type: "hint",
        callId: this.callId,
        seq: c.seq,
        atMs: this.nowMs,
        customerType: { ...this.customerType },
        tone: { ...this.toneNow },
        priority,
        signals,
        technique,
      },
    ];
  }

  private count(kind: SignalKind): void {
    const i = CUSTOMER_INDEX[kind] as number;
    this.signalCounts[i] = (this.signalCounts[i] as number) + 1;
  }

  private finding(text: string): void {
    if (this.qa.findings.length < MAX_FINDINGS) this.qa.findings.push(text);
  }

  private checkEmpathyDeadline(): void {
    const w = this.awaitingEmpathy;
    if (w && this.nowMs - w.atMs > this.ctx.settings.empathyWithinMs) {
      this.finding(
        `seq ${w.seq}: no empathy or apology from the agent within ${Math.round(this.ctx.settings.empathyWithinMs / 1000)} s of the customer's anger`,
      );
      this.awaitingEmpathy = undefined;
    }
  }

  /** The call's language: as declared, else the script most of its final utterances were in. */
  language(): Language {
    const detected = this.detected();
    if (this.declared === "zh-Hans" && detected === "zh-Hant") return "zh-Hant";
    return this.declared ?? detected ?? "zh-Hans";
  }

  private detected(): Language | undefined {
    let best = -1;
    let max = 0;
    for (let i = 0; i < LANGS.length; i++) {
      if ((this.scriptCounts[i] as number) > max) {
        max = this.scriptCounts[i] as number;
        best = i;
      }
    }
    if (best === -1) return undefined;
    // Traditional and Simplified together: Traditional only when most Chinese utterances were.
    const hans = this.scriptCounts[0] as number;
    const hant = this.scriptCounts[1] as number;
    if (best <= 1 && hans + hant >= max) return hant > hans ? "zh-Hant" : "zh-Hans";
    return LANGS[best];
  }

  /** Ends the call and returns its summary (SPEC §6). Idempotent. */
  end(): SummaryEvent {
    if (!this.ended) {
      this.ended = true;
      const w = this.awaitingEmpathy;
      if (w && this.qa.agentEmpathy + this.qa.agentApology === 0)
        this.finding(`seq ${w.seq}: the agent never showed empathy or apologised after the customer's anger`);
    }
    const signalCounts: SummaryEvent["signalCounts"] = {};
    CUSTOMER_KINDS.forEach((k, i) => {
      const n = this.signalCounts[i] as number;
      if (n > 0) signalCounts[k] = n;
    });
    return {
      type: "summary",
      callId: this.callId,
      language: this.language(),
      customerType: { ...this.customerType },
      tone: {
        peak: { ...this.peak },
        final: { level: this.toneNow.level, score: this.toneNow.score },
      },
      signalCounts,
      hintCount: this.hintCount,
      qa: {
        agentEmpathy: this.qa.agentEmpathy,
        agentApology: this.qa.agentApology,
        agentHold: this.qa.agentHold,
        agentForbidden: [...this.qa.agentForbidden],
        findings: [...this.qa.findings],
      },
    };
  }
}

/** Overlap shorter than this is turn-taking, not an interruption. */
const INTERRUPT_TOLERANCE_MS = 150;

function kindBit(kind: SignalKind): number {
  return 1 << (CUSTOMER_INDEX[kind] ?? 31);
}
