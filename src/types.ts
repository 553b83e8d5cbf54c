/** Wire model and analyzer events (SPEC §3–§7). */

export type Language = "zh-Hans" | "zh-Hant" | "ko" | "en";
export type Speaker = "customer" | "agent";

export const CUSTOMER_KINDS = [
  "loudness",
  "fast_speech",
  "interruption",
  "repetition",
  "profanity",
  "insult",
  "escalation_threat",
  "manager_request",
  "churn_threat",
  "compensation_demand",
  "demand",
  "urgency",
  "sympathy_seeking",
  "improvement_request",
  "venting",
  "harassment",
  "off_topic",
  "contradiction",
  "hangup_refusal",
  "politeness",
] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];

export const AGENT_KINDS = ["agent_empathy", "agent_apology", "agent_hold", "agent_forbidden"] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** Lexicon files that support detection but are never emitted as signals. */
export const SUPPORT_KINDS = ["negation", "intent", "sentiment", "intensifier", "domain", "inquiry"] as const;
export type SupportKind = (typeof SUPPORT_KINDS)[number];

export type SignalKind = CustomerKind | AgentKind;
export type LexiconKind =
  | Exclude<SignalKind, "fast_speech" | "interruption" | "repetition" | "off_topic">
  | SupportKind;

export const URGENT_KINDS: ReadonlySet<SignalKind> = new Set([
  "escalation_threat",
  "manager_request",
  "harassment",
  "insult",
]);

export type ThreatTarget = "regulator" | "media" | "legal" | "social";

export const LABELS = [
  "hot_tempered",
  "abusive",
  "harasser",
  "commanding",
  "erratic",
  "anxious",
  "grumbler",
  "negotiator",
  "victim",
  "quality_critic",
  "rational",
  "rambler",
  "neutral",
] as const;
export type Label = (typeof LABELS)[number];

export type ToneLevel = "calm" | "tense" | "angry" | "hostile";
export type Trend = "rising" | "steady" | "falling";
export type Priority = "info" | "warn" | "urgent";

export interface Word {
  w?: string;
  startMs?: number;
  endMs?: number;
}

export interface StartMessage {
  type: "start";
  callId: string;
  language?: string;
  meta?: Record<string, unknown>;
  /** The ASR vendor whose native messages this call sends (`vendor` messages), e.g. "deepgram". */
  format?: string;
  /** Vendor channel/speaker/role → our speaker, for `format` calls. */
  channelMap?: Record<string, Speaker>;
}

/** One native ASR vendor message for a call started with a `format` (see docs/adapters.md). */
export interface VendorMessage {
  type: "vendor";
  callId: string;
  payload: unknown;
}

export interface ChunkMessage {
  type: "chunk";
  callId: string;
  seq: number;
  speaker: Speaker;
  text: string;
  final?: boolean;
  segmentId?: string;
  startMs?: number;
  endMs?: number;
  words?: Word[];
  volumeDb?: number;
}

export interface EndMessage {
  type: "end";
  callId: string;
}

export type WireMessage = StartMessage | ChunkMessage | EndMessage | VendorMessage;

export interface Evidence {
  seq: number;
  /** UTF-16 offsets into the chunk's original text. */
  start: number;
  end: number;
  text: string;
}

export interface Signal {
  kind: SignalKind;
  weight: number;
  speaker: Speaker;
  evidence: Evidence;
  target?: ThreatTarget;
  severity?: number;
}

export interface CustomerType {
  label: Label;
  confidence: number;
  runnerUp: Label;
}

export interface Tone {
  level: ToneLevel;
  score: number;
  trend: Trend;
}

export interface TechniqueRef {
  id: string;
  name: string;
  say: string[];
  avoid: string[];
  alternates: string[];
}

export interface HintEvent {
  type: "hint";
  callId: string;
  seq: number;
  atMs: number;
  customerType: CustomerType;
  tone: Tone;
  priority: Priority;
  signals: Signal[];
  technique: TechniqueRef;
}

export interface QaFinding {
  rule: string;
  seq: number;
  text: string;
}

export interface SummaryEvent {
  type: "summary";
  callId: string;
  language: Language;
  customerType: CustomerType;
  tone: {
    peak: { level: ToneLevel; score: number; atSeq: number };
    final: { level: ToneLevel; score: number };
  };
  signalCounts: Partial<Record<CustomerKind, number>>;
  hintCount: number;
  qa: {
    agentEmpathy: number;
    agentApology: number;
    agentHold: number;
    agentForbidden: string[];
    findings: string[];
  };
}

export interface ErrorEvent {
  type: "error";
  code: string;
  message: string;
  callId?: string;
  seq?: number;
}

export type AnalyzerEvent = HintEvent | SummaryEvent | ErrorEvent;
