/**
 * `<callcue-hints>`: the embeddable live-hint element, served as the ES
 * module `/callcue-hints.js`. It imports the subscriber client from
 * `./client.js` (the same server), so it reconnects by itself and resumes
 * every call from the last offset it saw. Plain browser JavaScript, kept as
 * a string so the server can serve it without a bundler (no backticks or
 * template placeholders inside). Attributes and events: docs/embedding.md.
 */
export const ELEMENT_JS = String.raw`// callcue <callcue-hints> element. Attributes: server, token, call-id | agent-id | all, language.
import { Subscriber } from "./client.js";

const SCRIPT_URL = new URL(import.meta.url);
const URGENT = ["escalation_threat", "manager_request", "harassment", "insult"];
/** Signals whose evidence is the whole utterance: shown as tags, not highlighted. */
const WHOLE = ["loudness", "fast_speech", "interruption", "repetition", "off_topic"];
const LANGS = { "zh-Hans": "简体中文", "zh-Hant": "繁體中文", ko: "한국어", en: "English" };
const LABELS = {
  hot_tempered: ["Hot-tempered", "脾气火暴型", "脾氣火暴型", "다혈질형"],
  abusive: ["Abusive", "辱骂型", "辱罵型", "폭언형"],
  harasser: ["Harasser", "骚扰型", "騷擾型", "괴롭힘형"],
  commanding: ["Commanding", "命令型", "命令型", "명령형"],
  erratic: ["Erratic", "反复不定型", "反覆不定型", "변덕형"],
  anxious: ["Anxious", "焦躁型", "焦躁型", "조급형"],
  grumbler: ["Grumbler", "牢骚型", "牢騷型", "불평형"],
  negotiator: ["Negotiator", "谈判型", "談判型", "협상형"],
  victim: ["Victim", "受害型", "受害型", "피해호소형"],
  quality_critic: ["Quality critic", "质量监督型", "品質監督型", "품질지적형"],
  rational: ["Rational", "理智型", "理智型", "이성형"],
  rambler: ["Rambler", "跑题型", "跑題型", "장황형"],
  neutral: ["Neutral", "一般", "一般", "일반"],
};
const LABEL_COLUMN = { en: 0, "zh-Hans": 1, "zh-Hant": 2, ko: 3 };
const TONES = { calm: "Calm", tense: "Tense", angry: "Angry", hostile: "Hostile" };
const TRENDS = { rising: "↑", steady: "→", falling: "↓" };
const RANK = { urgent: 3, warn: 2, info: 1 };
const TARGETS = {
  regulator: "to a regulator",
  media: "to the media",
  legal: "legal action",
  social: "posting online",
};
const ALERTS = {
  escalation_threat: "Escalation threat",
  manager_request: "Asks for a manager",
  harassment: "Harassment",
  insult: "Insult",
};
const ERRORS = {
  CC_ERR_NOT_ENTITLED: "This token may not see that",
  CC_ERR_TOKEN_EXPIRED: "The token expired: sign in again",
};

const CSS = [
  ":host{display:block;container-type:inline-size;font:1.125rem/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans CJK SC','Noto Sans KR',sans-serif;color:#111;--cc-calm:#166534;--cc-tense:#8a5300;--cc-angry:#c2410c;--cc-hostile:#b00020;--cc-info:#1d4ed8}",
  ":host([hidden]){display:none}",
  "*{box-sizing:border-box}",
  ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
  "button{font:inherit;cursor:pointer;border:2px solid #333;background:#fff;color:#111;border-radius:.4rem;padding:.25rem .7rem}",
  "button:hover{background:#f1f1f1}",
  "button:focus-visible,.row:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}",
  "button[aria-pressed=true]{background:#111;color:#fff}",
  ".bar{display:flex;align-items:center;gap:.75rem;flex-wrap:wrap;margin-bottom:.6rem}",
  ".status{font-weight:700;padding:.15rem .6rem;border-radius:1rem;border:2px solid currentColor;font-size:.95rem}",
  ".status[data-status=connected]{color:var(--cc-calm)}",
  ".status[data-status=connecting],.status[data-status=reconnecting],.status[data-status=waiting]{color:var(--cc-tense)}",
  ".status[data-status=unreachable],.status[data-status=expired],.status[data-status=error]{color:var(--cc-hostile)}",
  ".msg{margin:.4rem 0;padding:.5rem .8rem;border-left:6px solid var(--cc-tense);background:#fff8e6}",
  ".msg.bad{border-color:var(--cc-hostile);background:#fdecee}",
  ".empty{color:#444;font-size:1.2rem;padding:1rem;border:2px dashed #999;border-radius:.6rem}",
  "h2{font-size:1.3rem;margin:0}",
  "h3{font-size:.95rem;text-transform:uppercase;letter-spacing:.05em;color:#333;margin:0 0 .3rem}",
  "h4{font-size:1rem;margin:.6rem 0 .2rem}",
  ".meta{color:#333}",
  ".ended{font-weight:700;background:#333;color:#fff;padding:.1rem .5rem;border-radius:.3rem}",
  ".card{border:2px solid #bbb;border-radius:.7rem;padding:.7rem 1rem;background:#fff;min-width:0}",
  ".grid{display:grid;gap:.75rem;grid-template-columns:1fr}",
  ".call{container-type:inline-size}",
  "@container (min-width:48rem){.grid{grid-template-columns:minmax(0,1fr) minmax(0,1.4fr)}.grid .technique{grid-column:2;grid-row:1 / span 3}.grid .type,.grid .tone,.grid .said{grid-column:1}}",
  ".banners{display:grid;gap:.5rem;margin:.2rem 0 .75rem}",
  ".banner{display:grid;grid-template-columns:1fr auto;gap:.2rem 1rem;align-items:center;border:3px solid var(--cc-hostile);background:#fdecee;color:#5c0010;border-radius:.7rem;padding:.6rem 1rem}",
  ".banner .head{font-size:1.45rem;font-weight:800}",
  ".banner .head .tag{background:var(--cc-hostile);color:#fff;border-radius:.3rem;padding:0 .4rem;margin-right:.5rem;font-size:1.05rem;vertical-align:middle}",
  ".banner q{font-size:1.2rem}",
  ".banner .acts{grid-row:1 / span 2;grid-column:2;display:flex;gap:.4rem;flex-wrap:wrap}",
  "@container (max-width:34rem){.banner{grid-template-columns:1fr}.banner .acts{grid-row:auto;grid-column:1}.banner .head{font-size:1.25rem}}",
  ".label{font-size:2.1rem;font-weight:800;line-height:1.15}",
  ".native{font-size:1.3rem;font-weight:600;color:#333;margin-left:.5rem;white-space:nowrap}",
  ".conf{display:flex;align-items:center;gap:.6rem;margin-top:.3rem}",
  ".track{flex:1;height:.8rem;background:#e5e5e5;border-radius:.4rem;overflow:hidden;border:1px solid #999}",
  ".fill{height:100%;background:#333}",
  ".tone .level{font-size:2.1rem;font-weight:800;line-height:1.15}",
  ".tone[data-level=calm] .level{color:var(--cc-calm)}.tone[data-level=tense] .level{color:var(--cc-tense)}",
  ".tone[data-level=angry] .level{color:var(--cc-angry)}.tone[data-level=hostile] .level{color:var(--cc-hostile)}",
  ".tone[data-level=calm]{border-color:var(--cc-calm)}.tone[data-level=tense]{border-color:var(--cc-tense)}",
  ".tone[data-level=angry]{border-color:var(--cc-angry)}.tone[data-level=hostile]{border-color:var(--cc-hostile);background:#fff5f6}",
  ".meter{position:relative;height:1.4rem;border-radius:.4rem;overflow:hidden;border:1px solid #666;margin:.35rem 0;background:linear-gradient(90deg,#dcfce7 0 25%,#fef3c7 25% 50%,#ffedd5 50% 75%,#fde2e4 75% 100%)}",
  ".meter .fill{position:absolute;left:0;top:0;bottom:0}",
  ".tone[data-level=calm] .meter .fill{background:var(--cc-calm)}.tone[data-level=tense] .meter .fill{background:var(--cc-tense)}",
  ".tone[data-level=angry] .meter .fill{background:var(--cc-angry)}.tone[data-level=hostile] .meter .fill{background:var(--cc-hostile)}",
  ".scale{display:flex;justify-content:space-between;font-size:.8rem;color:#444}",
  ".trend{font-size:1.2rem;font-weight:700}",
  ".tname{font-size:1.6rem;font-weight:800;margin:.1rem 0}",
  ".tid{font-size:.9rem;color:#444;font-weight:400;margin-left:.4rem}",
  ".langs,.alts{display:flex;gap:.4rem;flex-wrap:wrap;align-items:center;margin:.4rem 0}",
  ".say{margin:.2rem 0;padding-left:1.6rem}",
  ".say li{font-size:1.35rem;font-weight:600;margin:.35rem 0;padding:.35rem .6rem;background:#eef6ee;border-left:5px solid var(--cc-calm);border-radius:.3rem}",
  ".avoid{margin:.2rem 0;padding-left:1.6rem}",
  ".avoid li{margin:.25rem 0;padding:.2rem .6rem;background:#fdf0f0;border-left:5px solid var(--cc-hostile);border-radius:.3rem}",
  ".said ol{list-style:none;margin:0;padding:0;display:grid;gap:.5rem}",
  ".said li{border-left:4px solid #999;padding:.2rem .6rem}",
  ".utt{font-size:1.2rem;margin:.1rem 0}",
  "mark{background:#fde68a;color:#111;border-bottom:3px solid var(--cc-tense);padding:0 .1rem;border-radius:.15rem}",
  "mark.urgent{background:#fecdd3;border-bottom-color:var(--cc-hostile);font-weight:700}",
  ".tags{display:flex;flex-wrap:wrap;gap:.3rem;list-style:none;margin:.2rem 0 0;padding:0}",
  ".said .tags li{border:1px solid #666;border-radius:1rem;padding:0 .5rem;font-size:.85rem;background:#f5f5f5}",
  ".said .tags li.urgent{border-color:var(--cc-hostile);background:#fdecee;color:#5c0010;font-weight:700}",
  ".seqno{font-size:.85rem;color:#444}",
  ".summary{border-color:#333;background:#f6f6f6}",
  ".tabs{display:flex;gap:.4rem;flex-wrap:wrap;margin:.2rem 0 .6rem}",
  ".board{display:grid;gap:1rem;grid-template-columns:1fr}",
  "@container (min-width:70rem){.board{grid-template-columns:minmax(24rem,30rem) minmax(0,1fr)}}",
  ".rows{list-style:none;margin:0;padding:0;display:grid;gap:.4rem;align-content:start}",
  ".row{display:grid;grid-template-columns:6rem 1fr;gap:.1rem .6rem;width:100%;text-align:left;border:2px solid #999;border-left-width:10px;border-radius:.5rem;padding:.45rem .7rem;background:#fff}",
  ".row[data-priority=urgent]{border-color:var(--cc-hostile);background:#fff5f6}",
  ".row[data-priority=warn]{border-color:var(--cc-angry)}",
  ".row[data-priority=info]{border-color:var(--cc-info)}",
  ".row[aria-pressed=true]{background:#111;color:#fff}",
  ".row[data-ended]{opacity:.65}",
  ".badge{grid-row:1 / span 3;align-self:center;font-weight:800;font-size:.95rem;text-align:center;border-radius:.3rem;padding:.1rem .3rem;border:2px solid currentColor}",
  ".row[data-priority=urgent] .badge{background:var(--cc-hostile);color:#fff;border-color:var(--cc-hostile)}",
  ".row[data-priority=warn] .badge{color:var(--cc-angry)}",
  ".row[aria-pressed=true] .badge{color:#fff}",
  ".row .l1{font-weight:700;font-size:1.15rem}",
  ".row .agent{font-weight:400;font-size:1rem}",
  ".row .l2{font-size:1.05rem;font-weight:600}",
  ".row .l3{font-size:1rem;font-weight:700;color:var(--cc-hostile)}",
  ".row[aria-pressed=true] .l3{color:#fff}",
  ".pill{font-weight:700}",
  ".pill[data-level=calm]{color:var(--cc-calm)}.pill[data-level=tense]{color:var(--cc-tense)}",
  ".pill[data-level=angry]{color:var(--cc-angry)}.pill[data-level=hostile]{color:var(--cc-hostile)}",
  ".row[aria-pressed=true] .pill{color:#fff}",
].join("\n");

let sharedSheet;
function adoptStyles(root) {
  try {
    if (!sharedSheet) {
      sharedSheet = new CSSStyleSheet();
      sharedSheet.replaceSync(CSS);
    }
    root.adoptedStyleSheets = [sharedSheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = CSS;
    root.append(style);
  }
}

/** Element factory: h("p", {class: "x", text: "…", onclick: fn}, child, …). */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

/** The claims of a JWT, unverified (the server verifies): for "my calls" and the expiry. */
export function tokenClaims(token) {
  try {
    const part = String(token).split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bin = atob(part + "===".slice((part.length + 3) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
  } catch {
    return null;
  }
}

function wsBase(server) {
  const raw = server || SCRIPT_URL.origin;
  const u = new URL(raw, SCRIPT_URL);
  if (u.protocol === "http:") u.protocol = "ws:";
  if (u.protocol === "https:") u.protocol = "wss:";
  return (u.origin + u.pathname).replace(/\/v1\/subscribe\/?$/, "").replace(/\/$/, "");
}

function clock(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "";
  const s = Math.max(0, Math.round(ms / 1000));
  return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
}

function words(kind) {
  return String(kind).replace(/_/g, " ");
}

function labelName(label, lang) {
  const row = LABELS[label];
  if (!row) return { en: words(label), native: "" };
  const col = LABEL_COLUMN[lang];
  return { en: row[0], native: col ? row[col] : "" };
}

function alertText(s) {
  let t = ALERTS[s.kind] || words(s.kind);
  if (s.kind === "escalation_threat" && s.target) t += ": " + (TARGETS[s.target] || s.target);
  return t;
}

/** Guess a call's language from its technique lines (the hint carries only that language). */
function scriptLanguage(text) {
  if (/[\uac00-\ud7af]/.test(text)) return "ko";
  if (/[\u4e00-\u9fff]/.test(text)) return "zh-Hans";
  return "en";
}

let catalogPromise;
function loadCatalog() {
  if (!catalogPromise)
    catalogPromise = fetch(new URL("techniques.json", SCRIPT_URL))
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
  return catalogPromise;
}

class CallcueHints extends HTMLElement {
  static get observedAttributes() {
    return ["server", "token", "call-id", "agent-id", "all", "language"];
  }

  constructor() {
    super();
    /** callId → call state; insertion order is arrival order. */
    this.calls = new Map();
    /** Every event received, in order: {type, callId, offset} (for tests and debugging). */
    this.eventLog = [];
    this.selected = null;
    this.status = "idle";
    this.message = null;
    this.catalog = null;
    this.displayLang = null;
    this.shownTechnique = null;
    this.sub = null;
    this.failures = 0;
    this.everConnected = false;
    this.retryMs = 2000;
    this.retryTimer = 0;
    this.restartQueued = false;
    this.renderQueued = false;
    const root = this.attachShadow({ mode: "open" });
    adoptStyles(root);
    this.politeEl = h("div", { class: "sr", "aria-live": "polite", "aria-atomic": "true", part: "announcer" });
    this.alertEl = h("div", { class: "sr", "aria-live": "assertive", "aria-atomic": "true", role: "alert" });
    this.bodyEl = h("div", { class: "body", part: "body" });
    root.append(this.politeEl, this.alertEl, this.bodyEl);
  }

  connectedCallback() {
    // The browser knows the network is gone before TCP does: drop now, the client retries and resumes.
    this.onOffline = () => this.dropConnection();
    addEventListener("offline", this.onOffline);
    loadCatalog().then((c) => {
      this.catalog = c;
      this.queueRender();
    });
    this.queueRestart();
  }

  disconnectedCallback() {
    removeEventListener("offline", this.onOffline);
    this.stop();
  }

  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (name === "language") {
      this.displayLang = null;
      this.queueRender();
    } else if (this.isConnected) this.queueRestart();
  }

  // ---- public API -------------------------------------------------------

  /** The token as a property (not reflected to the attribute, so it stays out of the DOM). */
  get token() {
    return this.tokenValue !== undefined ? this.tokenValue : this.getAttribute("token") || "";
  }

  set token(value) {
    this.tokenValue = value == null ? undefined : String(value);
    if (this.isConnected) this.queueRestart();
  }

  /** Drops the socket as a network fault would; the client reconnects and resumes. */
  dropConnection() {
    if (this.sub) this.sub.dropConnection();
  }

  /** The state of one call (or of every call): label, tone, technique, alerts. */
  callState(callId) {
    return callId === undefined ? [...this.calls.values()] : this.calls.get(callId);
  }

  /** Shows a call (supervisor board, several calls of an agent). */
  select(callId) {
    if (!this.calls.has(callId)) return;
    this.selected = callId;
    this.shownTechnique = null;
    this.queueRender();
    this.emit("callcue-select", { callId });
  }

  // ---- connection -------------------------------------------------------

  queueRestart() {
    if (this.restartQueued) return;
    this.restartQueued = true;
    queueMicrotask(() => {
      this.restartQueued = false;
      if (this.isConnected) this.restart(false);
    });
  }

  stop() {
    clearTimeout(this.retryTimer);
    if (this.sub) this.sub.close();
    this.sub = null;
  }

  restart(retrying) {
    this.stop();
    if (!retrying) {
      this.retryMs = 2000;
      this.message = null;
    }
    this.calls.clear();
    this.eventLog = [];
    this.selected = null;
    this.failures = 0;
    this.everConnected = false;
    const token = this.token.trim();
    const claims = tokenClaims(token);
    if (!token || !claims) return this.setStatus("error", { text: "No valid token: set the token attribute", bad: true });
    if (typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) return this.expired();
    this.subscription = this.subscriptionFor(claims);
    if (!this.subscription) return this.setStatus("error", { text: "Say what to follow: call-id, agent-id or all", bad: true });
    try {
      // Callbacks of a subscriber this element already replaced are ignored.
      const sub = new Subscriber({
        url: wsBase(this.getAttribute("server")),
        token,
        onEvent: (e) => {
          if (this.sub === sub) this.onEvent(e);
        },
        onStatus: (s) => {
          if (this.sub === sub) this.onStatus(s);
        },
      });
      this.sub = sub;
    } catch (err) {
      return this.setStatus("error", { text: "Cannot connect: " + (err && err.message), bad: true });
    }
    this.sub.subscribe(this.subscription);
    this.setStatus(retrying ? "waiting" : "connecting");
  }

  subscriptionFor(claims) {
    const callId = this.getAttribute("call-id");
    const agentId = this.getAttribute("agent-id");
    if (callId) return { callId };
    if (agentId) return { agentId };
    if (this.hasAttribute("all") || claims.role === "supervisor") return { all: true };
    if (claims.agentId) return { agentId: claims.agentId };
    return null;
  }

  get mode() {
    const s = this.subscription || {};
    return s.callId ? "call" : s.all ? "all" : "agent";
  }

  onStatus(s) {
    if (!this.sub) return;
    if (s === "connected") {
      this.failures = 0;
      this.everConnected = true;
      this.setStatus("connected");
      return;
    }
    this.failures++;
    const claims = tokenClaims(this.token);
    if (claims && typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) return this.expired();
    if (this.everConnected) this.setStatus("reconnecting");
    else if (this.failures >= 3)
      this.setStatus("unreachable", {
        text: "Cannot connect: the server is unreachable or refused the token. Retrying…",
        bad: true,
        transient: true,
      });
    else this.setStatus("connecting");
  }

  expired() {
    this.stop();
    this.setStatus("expired", { text: ERRORS.CC_ERR_TOKEN_EXPIRED, bad: true });
    this.emit("callcue-token-expired", {});
  }

  setStatus(status, message) {
    this.status = status;
    if (message !== undefined) this.message = message;
    else if (status === "connected" && this.message && this.message.transient) this.message = null;
    this.setAttribute("data-status", status);
    this.emit("callcue-status", { status });
    this.queueRender();
  }

  onError(e) {
    this.eventLog.push({ type: "error", code: e.code, callId: e.callId });
    this.emit("callcue-error", e);
    if (e.code === "CC_ERR_TOKEN_EXPIRED") return this.expired();
    const known = e.callId !== undefined && this.calls.get(e.callId);
    if (known && (e.code === "CC_ERR_NOT_ENTITLED" || e.code === "CC_ERR_BAD_OFFSET")) {
      // A call this element followed, asked again after a reconnect: ended long ago and
      // forgotten by the server (fine), or lost by it (say so). A bad offset: start afresh.
      if (e.code === "CC_ERR_BAD_OFFSET") return this.restart(false);
      if (!known.summary) known.gone = true;
      return this.queueRender();
    }
    if (e.code === "CC_ERR_NOT_ENTITLED" && this.mode === "call" && !this.calls.size) {
      // Not started yet, or not ours: the two look the same on purpose. Ask again later.
      this.message = {
        text:
          "Call " + this.subscription.callId + " is not live, or this token may not see it. Checking again…",
        waiting: true,
      };
      this.setStatus("waiting");
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.restart(true), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 15000);
      return;
    }
    const text = (ERRORS[e.code] || "Server error") + " (" + e.code + (e.message ? ": " + e.message : "") + ")";
    this.message = { text, bad: true };
    this.queueRender();
  }

  // ---- events -----------------------------------------------------------

  onEvent(e) {
    if (e.type === "error") return this.onError(e);
    const id = e.callId;
    if (typeof id !== "string") return;
    if (this.message && this.message.waiting) this.message = null;
    let c = this.calls.get(id);
    if (!c) {
      c = {
        callId: id,
        agentId: null,
        hint: null,
        summary: null,
        said: new Map(),
        alerts: [],
        gap: false,
        language: null,
        firstSeen: this.calls.size,
      };
      this.calls.set(id, c);
    }
    this.eventLog.push({ type: e.type, callId: id, offset: e.offset });
    if (e.type === "snapshot") {
      if (e.agentId) c.agentId = e.agentId;
      if (e.recovered === false) c.gap = true;
      if (e.hint) this.applyHint(c, e.hint);
      if (e.summary) {
        c.summary = e.summary;
        c.endedAt = c.endedAt || Date.now();
      }
    } else if (e.type === "hint") {
      const fresh = this.applyHint(c, e);
      this.announce(c, e, fresh);
      this.emit("callcue-hint", e);
      for (const a of fresh) this.emit("callcue-urgent", { callId: id, signal: a.signal });
    } else if (e.type === "summary") {
      c.summary = e;
      c.endedAt = Date.now();
      this.politeEl.textContent = "Call " + id + " ended.";
      this.emit("callcue-summary", e);
    }
    if (c.summary && c.summary.language) c.language = c.summary.language;
    this.autoSelect(c);
    this.queueRender();
  }

  /** Folds a hint into the call's state; returns the urgent alerts it raised for the first time. */
  applyHint(c, h) {
    c.hint = h;
    const fresh = [];
    for (const s of h.signals || []) {
      if (s.speaker && s.speaker !== "customer") continue;
      const ev = s.evidence || {};
      const key = [s.kind, ev.seq, ev.start, ev.end].join("|");
      if (!c.said.has(key)) c.said.set(key, { kind: s.kind, target: s.target, atMs: h.atMs, ...ev });
      if (URGENT.includes(s.kind)) {
        const akey = s.kind + "|" + (s.target || "") + "|" + (ev.text || "");
        if (!c.alerts.some((a) => a.key === akey)) {
          const alert = { key: akey, signal: s, atMs: h.atMs, dismissed: false };
          c.alerts.unshift(alert);
          fresh.push(alert);
        }
      }
    }
    return fresh;
  }

  autoSelect(c) {
    const current = this.selected && this.calls.get(this.selected);
    if (this.mode === "all") return;
    // An agent's newest call takes over unless the one on screen is still live.
    if (!current || (current.summary && !c.summary && c !== current)) this.selected = c.callId;
  }

  announce(c, e, fresh) {
    const ln = labelName(e.customerType.label, "en").en;
    const who = this.calls.size > 1 ? "Call " + c.callId + ": " : "";
    this.politeEl.textContent =
      who +
      (e.priority === "urgent" ? "Urgent. " : "") +
      ln +
      ", tone " +
      e.tone.level +
      ", " +
      e.tone.trend +
      ". Technique: " +
      e.technique.name +
      ".";
    if (fresh.length) this.alertEl.textContent = who + fresh.map((a) => alertText(a.signal)).join(". ");
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  languageOf(c) {
    if (c.language) return c.language;
    const t = c.hint && c.hint.technique;
    if (!t) return null;
    if (this.catalog) {
      for (const l of Object.keys(LANGS)) {
        const x = this.catalog.techniques[l] && this.catalog.techniques[l][t.id];
        if (x && x.say[0] === t.say[0]) {
          c.language = l;
          return l;
        }
      }
    }
    return scriptLanguage((t.say || []).join("") + t.name);
  }

  // ---- rendering ----------------------------------------------------------

  queueRender() {
    if (this.renderQueued) return;
    this.renderQueued = true;
    queueMicrotask(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  render() {
    const root = this.shadowRoot;
    const focusKey = root.activeElement && root.activeElement.getAttribute("data-key");
    this.bodyEl.replaceChildren(...[this.renderBar(), this.renderMessage(), this.renderMain()].filter(Boolean));
    if (focusKey) {
      const again = [...root.querySelectorAll("[data-key]")].find((x) => x.getAttribute("data-key") === focusKey);
      if (again) again.focus();
    }
  }

  renderBar() {
    const text = {
      idle: "Not connected",
      connecting: "Connecting…",
      connected: "● Live",
      reconnecting: "Reconnecting…",
      waiting: "Waiting for the call…",
      unreachable: "Offline",
      expired: "Token expired",
      error: "Not connected",
    }[this.status];
    const s = this.subscription || {};
    const what = s.callId ? "Call " + s.callId : s.agentId ? "Calls of agent " + s.agentId : s.all ? "All live calls" : "";
    return h(
      "div",
      { class: "bar" },
      h("span", { class: "status", role: "status", "data-status": this.status, part: "status" }, text),
      h("span", { class: "meta" }, what),
    );
  }

  renderMessage() {
    if (!this.message) return null;
    return h("p", { class: "msg" + (this.message.bad ? " bad" : ""), role: this.message.bad ? "alert" : null }, this.message.text);
  }

  renderMain() {
    if (this.mode === "all") return this.renderBoard();
    const calls = [...this.calls.values()];
    if (!calls.length) {
      if (this.status === "expired" || this.status === "error") return null;
      const waitText =
        this.mode === "call"
          ? "Waiting for call " + this.subscription.callId + "…"
          : "No live call yet. Hints appear here as soon as a call of " + (this.subscription && this.subscription.agentId) + " starts.";
      return h("p", { class: "empty" }, waitText);
    }
    const c = this.calls.get(this.selected) || calls[calls.length - 1];
    return h("div", null, calls.length > 1 ? this.renderTabs(calls, c) : null, this.renderCall(c));
  }

  renderTabs(calls, current) {
    return h(
      "div",
      { class: "tabs", role: "group", "aria-label": "Calls" },
      calls.map((c) =>
        h(
          "button",
          {
            type: "button",
            "aria-pressed": c === current ? "true" : "false",
            "data-key": "tab:" + c.callId,
            "data-call-id": c.callId,
            onclick: () => this.select(c.callId),
          },
          c.callId,
          c.summary ? " (ended)" : c.hint && c.hint.priority === "urgent" ? " ⚠ urgent" : "",
        ),
      ),
    );
  }

  sortedCalls() {
    const rank = (c) => (c.summary || c.gone ? -1 : c.hint ? RANK[c.hint.priority] || 0 : 0);
    const score = (c) => (c.hint ? c.hint.tone.score : -1);
    return [...this.calls.values()].sort(
      (a, b) => rank(b) - rank(a) || score(b) - score(a) || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0),
    );
  }

  renderBoard() {
    // Ended calls stay on the board for five minutes (the selected one until another is picked).
    for (const c of this.calls.values())
      if (c.endedAt && Date.now() - c.endedAt > 300000 && c.callId !== this.selected) this.calls.delete(c.callId);
    const calls = this.sortedCalls();
    const live = calls.filter((c) => !c.summary).length;
    const list = h(
      "section",
      { "aria-label": "Live calls" },
      h("h2", null, "Live calls: " + live),
      calls.length
        ? h(
            "ol",
            { class: "rows" },
            calls.map((c) => h("li", null, this.renderRow(c))),
          )
        : h("p", { class: "empty" }, "No live calls in this tenant yet."),
    );
    const c = this.selected && this.calls.get(this.selected);
    return h(
      "div",
      { class: "board" },
      list,
      c ? this.renderCall(c) : calls.length ? h("p", { class: "empty" }, "Select a call to see its hints.") : null,
    );
  }

  renderRow(c) {
    const hint = c.hint;
    const priority = hint ? hint.priority : "none";
    const lang = this.languageOf(c);
    const alert = c.alerts[0];
    const label = hint ? labelName(hint.customerType.label, lang) : null;
    return h(
      "button",
      {
        type: "button",
        class: "row",
        "data-key": "row:" + c.callId,
        "data-call-id": c.callId,
        "data-priority": priority,
        "data-ended": c.summary ? true : null,
        "aria-pressed": this.selected === c.callId ? "true" : "false",
        onclick: () => this.select(c.callId),
      },
      h("span", { class: "badge" }, c.summary ? "ENDED" : hint ? priority.toUpperCase() : "NEW"),
      h(
        "span",
        { class: "l1" },
        h("span", { class: "cid" }, c.callId),
        c.agentId ? h("span", { class: "agent" }, " · agent " + c.agentId) : null,
      ),
      h(
        "span",
        { class: "l2" },
        hint ? label.en + (label.native ? " · " + label.native : "") + " — " : "No hint yet",
        hint
          ? h(
              "span",
              { class: "pill", "data-level": hint.tone.level },
              "Tone " + TONES[hint.tone.level] + " " + hint.tone.score.toFixed(2) + " " + TRENDS[hint.tone.trend] + " " + hint.tone.trend,
            )
          : null,
      ),
      alert ? h("span", { class: "l3" }, "⚠ " + alertText(alert.signal)) : null,
    );
  }

  renderCall(c) {
    const hint = c.hint;
    const lang = this.languageOf(c);
    const head = h(
      "div",
      { class: "bar" },
      h("h2", null, "Call " + c.callId),
      h(
        "span",
        { class: "meta" },
        [c.agentId ? "agent " + c.agentId : "", hint ? clock(hint.atMs) + " into the call" : "", lang ? LANGS[lang] || lang : ""]
          .filter(Boolean)
          .join(" · "),
      ),
      c.summary ? h("span", { class: "ended" }, "Call ended") : null,
    );
    const parts = [head];
    if (c.gap)
      parts.push(h("p", { class: "msg" }, "Some hints were missed while offline; this is the latest state."));
    if (c.gone) parts.push(h("p", { class: "msg" }, "The server no longer has this call."));
    parts.push(this.renderAlerts(c, lang));
    if (!hint) {
      parts.push(h("p", { class: "empty" }, c.summary ? "The call ended with no hint." : "Listening… the first hint appears when the customer's type or tone shows."));
    } else {
      parts.push(
        h(
          "div",
          { class: "grid" },
          this.renderType(hint, lang),
          this.renderTone(hint),
          this.renderTechnique(c, hint, lang),
          this.renderSaid(c, lang),
        ),
      );
    }
    if (c.summary) parts.push(this.renderSummary(c.summary, lang));
    return h("section", { class: "call", "data-call-id": c.callId, "aria-label": "Call " + c.callId }, parts);
  }

  renderAlerts(c, lang) {
    const open = c.alerts.filter((a) => !a.dismissed);
    const closed = c.alerts.length - open.length;
    if (!c.alerts.length) return null;
    const urgentTech = (kind) => this.catalog && this.catalog.urgent && this.catalog.urgent[kind];
    return h(
      "div",
      { class: "banners", role: "region", "aria-label": "Urgent alerts" },
      open.map((a) => {
        const s = a.signal;
        const tech = urgentTech(s.kind);
        return h(
          "div",
          { class: "banner", "data-kind": s.kind, "data-target": s.target || null },
          h("div", { class: "head" }, h("span", { class: "tag" }, "URGENT"), alertText(s)),
          h(
            "div",
            null,
            s.evidence && s.evidence.text ? h("q", { lang: lang || null }, s.evidence.text) : null,
            " ",
            h("span", { class: "meta" }, "at " + clock(a.atMs)),
          ),
          h(
            "div",
            { class: "acts" },
            tech
              ? h(
                  "button",
                  {
                    type: "button",
                    "data-key": "alert-tech:" + a.key,
                    onclick: () => {
                      this.shownTechnique = tech;
                      this.queueRender();
                    },
                  },
                  "Show: " + this.techniqueText(tech, lang, null).name,
                )
              : null,
            h(
              "button",
              {
                type: "button",
                "data-key": "dismiss:" + a.key,
                "aria-label": "Dismiss alert: " + alertText(s),
                onclick: () => {
                  a.dismissed = true;
                  this.queueRender();
                },
              },
              "Dismiss",
            ),
          ),
        );
      }),
      closed
        ? h(
            "button",
            {
              type: "button",
              "data-key": "undismiss",
              onclick: () => {
                for (const a of c.alerts) a.dismissed = false;
                this.queueRender();
              },
            },
            "Show " + closed + " dismissed alert" + (closed > 1 ? "s" : ""),
          )
        : null,
    );
  }

  renderType(hint, lang) {
    const t = hint.customerType;
    const name = labelName(t.label, lang);
    const runner = t.runnerUp ? labelName(t.runnerUp, lang).en : "";
    const pct = Math.round(t.confidence * 100);
    const fill = h("div", { class: "fill" });
    fill.style.width = pct + "%";
    return h(
      "div",
      { class: "card type", "data-label": t.label },
      h("h3", null, "Customer type"),
      h("div", { class: "label" }, name.en, name.native ? h("span", { class: "native", lang }, name.native) : null),
      h(
        "div",
        { class: "conf" },
        h("span", null, "Confidence " + pct + "%"),
        h("div", { class: "track", role: "img", "aria-label": "confidence " + pct + " percent" }, fill),
      ),
      runner ? h("div", { class: "meta" }, "Runner-up: " + runner) : null,
    );
  }

  renderTone(hint) {
    const t = hint.tone;
    const pct = Math.round(t.score * 100);
    const fill = h("div", { class: "fill" });
    fill.style.width = pct + "%";
    const text = TONES[t.level] + ", score " + t.score.toFixed(2) + ", " + t.trend;
    return h(
      "div",
      { class: "card tone", "data-level": t.level, "data-trend": t.trend },
      h("h3", null, "Tone"),
      h("div", { class: "level" }, TONES[t.level] || t.level, " ", h("span", { class: "trend" }, TRENDS[t.trend] + " " + t.trend)),
      h(
        "div",
        { class: "meter", role: "meter", "aria-valuemin": "0", "aria-valuemax": "1", "aria-valuenow": String(t.score), "aria-valuetext": text, "aria-label": "Tone" },
        fill,
      ),
      h("div", { class: "scale", "aria-hidden": "true" }, h("span", null, "calm"), h("span", null, "tense"), h("span", null, "angry"), h("span", null, "hostile")),
      h("div", { class: "meta" }, "Score " + t.score.toFixed(2) + " of 1 · trend " + t.trend),
    );
  }

  /** A technique's text in a language: the hint's own lines for the call's language, else the catalogue. */
  techniqueText(id, lang, hint, callLang) {
    if (hint && hint.technique.id === id && (!lang || lang === callLang)) return hint.technique;
    const cat = this.catalog && this.catalog.techniques;
    const x = cat && lang && cat[lang] && cat[lang][id];
    if (x) return x;
    if (hint && hint.technique.id === id) return hint.technique;
    return { name: words(id), say: [], avoid: [] };
  }

  renderTechnique(c, hint, callLang) {
    const lang = this.getAttribute("language") || this.displayLang || callLang;
    const id = this.shownTechnique || hint.technique.id;
    const t = this.techniqueText(id, lang, hint, callLang);
    const isAlt = id !== hint.technique.id;
    const langs = this.catalog
      ? h(
          "div",
          { class: "langs", role: "group", "aria-label": "Language of the lines" },
          Object.keys(LANGS).map((l) =>
            h(
              "button",
              {
                type: "button",
                lang: l,
                "data-key": "lang:" + l,
                "data-lang": l,
                "aria-pressed": l === lang ? "true" : "false",
                onclick: () => {
                  this.displayLang = l === callLang ? null : l;
                  this.queueRender();
                },
              },
              LANGS[l],
              l === callLang ? h("span", { class: "sr" }, " (the call's language)") : null,
              l === callLang ? " ☎" : "",
            ),
          ),
        )
      : null;
    const alts = hint.technique.alternates || [];
    return h(
      "div",
      { class: "card technique", "data-technique": id, lang },
      h("h3", { lang: "en" }, isAlt ? "Alternative technique" : "Technique"),
      h("div", { class: "tname" }, t.name, h("span", { class: "tid", lang: "en" }, id)),
      langs,
      h("h4", { lang: "en" }, "Say"),
      h("ol", { class: "say" }, t.say.map((line) => h("li", null, line))),
      h("h4", { lang: "en" }, "Avoid"),
      h("ul", { class: "avoid" }, t.avoid.map((line) => h("li", null, line))),
      h(
        "div",
        { class: "alts", lang: "en" },
        isAlt
          ? h(
              "button",
              {
                type: "button",
                "data-key": "tech:suggested",
                onclick: () => {
                  this.shownTechnique = null;
                  this.queueRender();
                },
              },
              "Back to the suggested technique",
            )
          : null,
        alts.length ? h("span", null, "Alternatives:") : null,
        alts.map((a) =>
          h(
            "button",
            {
              type: "button",
              "data-key": "tech:" + a,
              "aria-pressed": a === id ? "true" : "false",
              onclick: () => {
                this.shownTechnique = a === id ? null : a;
                this.queueRender();
              },
            },
            this.techniqueText(a, lang, null).name,
          ),
        ),
      ),
    );
  }

  renderSaid(c, lang) {
    const bySeq = new Map();
    for (const e of c.said.values()) {
      if (typeof e.seq !== "number") continue;
      if (!bySeq.has(e.seq)) bySeq.set(e.seq, []);
      bySeq.get(e.seq).push(e);
    }
    const seqs = [...bySeq.keys()].sort((a, b) => b - a).slice(0, 8);
    return h(
      "div",
      { class: "card said" },
      h("h3", null, "What the customer said"),
      seqs.length
        ? h(
            "ol",
            null,
            seqs.map((seq) => this.renderUtterance(seq, bySeq.get(seq), lang)),
          )
        : h("p", { class: "meta" }, "Nothing notable yet."),
    );
  }

  renderUtterance(seq, items, lang) {
    // The widest evidence of this chunk (often the whole utterance) carries the others.
    const base = items.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
    const covered = items.every((e) => e.start >= base.start && e.end <= base.end);
    const spans = items
      .filter((e) => e !== base && !WHOLE.includes(e.kind))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const text = h("p", { class: "utt", lang: lang || null });
    const mark = (e, str) =>
      h("mark", { class: URGENT.includes(e.kind) ? "urgent" : null, "data-kind": e.kind, title: words(e.kind) }, str);
    if (covered && typeof base.text === "string") {
      let at = 0;
      const full = base.text;
      for (const e of spans) {
        const s = e.start - base.start;
        const end = e.end - base.start;
        if (s < at || end > full.length) continue;
        text.append(full.slice(at, s), mark(e, full.slice(s, end)));
        at = end;
      }
      text.append(full.slice(at));
      if (!WHOLE.includes(base.kind) && !spans.length) text.replaceChildren(mark(base, full));
    } else {
      items.forEach((e, i) => {
        if (i) text.append(" … ");
        text.append(WHOLE.includes(e.kind) ? e.text : mark(e, e.text));
      });
    }
    const kinds = [];
    for (const e of items) {
      const k = e.kind === "escalation_threat" && e.target ? words(e.kind) + " → " + e.target : words(e.kind);
      if (!kinds.some((x) => x.k === k)) kinds.push({ k, urgent: URGENT.includes(e.kind) });
    }
    return h(
      "li",
      { "data-seq": seq },
      h("span", { class: "seqno" }, "#" + seq + (items[0].atMs !== undefined ? " · " + clock(items[0].atMs) : "")),
      text,
      h("ul", { class: "tags", "aria-label": "signals" }, kinds.map((x) => h("li", { class: x.urgent ? "urgent" : null }, x.k))),
    );
  }

  renderSummary(s, lang) {
    const name = labelName(s.customerType.label, lang);
    const peak = s.tone && s.tone.peak;
    return h(
      "div",
      { class: "card summary", role: "note" },
      h("h3", null, "Call summary"),
      h(
        "p",
        null,
        "Final type: " + name.en + (name.native ? " (" + name.native + ")" : "") + " · " +
          (peak ? "peak tone " + peak.level + " " + peak.score.toFixed(2) + " · " : "") +
          s.hintCount + " hint" + (s.hintCount === 1 ? "" : "s"),
      ),
    );
  }
}

if (!customElements.get("callcue-hints")) customElements.define("callcue-hints", CallcueHints);
export { CallcueHints };
`;
