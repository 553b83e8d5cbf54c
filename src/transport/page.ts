/**
 * The minimal agent page served at `/`: sign in with a token, follow a call
 * or "my calls", see label, tone, technique and urgent signals live. (The
 * full desktop and the embeddable element are their own piece of work.)
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>callcue</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:18px/1.4 system-ui,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#111}
input,button{font:inherit;padding:.3rem .5rem}label{display:block;margin:.4rem 0}
.card{border:2px solid #333;border-radius:.5rem;padding:.6rem 1rem;margin:.6rem 0}
.urgent{border-color:#b00020;background:#fdecee}.warn{border-color:#a05a00;background:#fff4e0}
.big{font-size:1.6rem;font-weight:700}.muted{color:#555}
</style></head><body>
<h1>callcue — live hints</h1>
<form id="f"><label>Token <input id="token" size="60" required autocomplete="off"></label>
<label>Call id <input id="call" placeholder="leave empty to follow my calls"></label>
<button>Connect</button> <span id="status" role="status" class="muted">not connected</span></form>
<div id="calls" aria-live="polite"></div>
<script>
const $ = (id) => document.getElementById(id);
const state = new Map();
function render(callId) {
  const s = state.get(callId); let el = document.getElementById("c-" + callId);
  if (!el) { el = document.createElement("div"); el.id = "c-" + callId; el.className = "card"; $("calls").prepend(el); }
  const h = s.hint;
  el.className = "card " + (h ? h.priority : "");
  el.replaceChildren();
  const add = (tag, text, cls) => { const e = document.createElement(tag); e.textContent = text; if (cls) e.className = cls; el.append(e); return e; };
  add("div", "Call " + callId + (s.summary ? " (ended)" : ""), "muted");
  if (!h) { add("div", "waiting for the first hint…"); return; }
  add("div", h.customerType.label + " · " + Math.round(h.customerType.confidence * 100) + "% · tone " + h.tone.level + " (" + h.tone.trend + ")", "big");
  const urgent = h.signals.filter((x) => ["escalation_threat","manager_request","harassment","insult"].includes(x.kind));
  if (urgent.length) add("div", "URGENT: " + urgent.map((x) => x.kind + (x.target ? " → " + x.target : "") + " “" + x.evidence.text + "”").join("; "));
  add("div", "Technique: " + h.technique.name + " (" + h.technique.id + ")");
  const say = add("ul", ""); h.technique.say.forEach((l) => { const li = document.createElement("li"); li.textContent = "Say: " + l; say.append(li); });
  const avoid = add("ul", ""); h.technique.avoid.forEach((l) => { const li = document.createElement("li"); li.textContent = "Avoid: " + l; avoid.append(li); });
}
$("f").onsubmit = (ev) => {
  ev.preventDefault();
  const token = $("token").value.trim(); const callId = $("call").value.trim();
  let agentId; try { agentId = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).agentId; } catch {}
  const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/subscribe?access_token=" + encodeURIComponent(token));
  ws.onopen = () => { $("status").textContent = "connected"; ws.send(JSON.stringify(callId ? { type: "subscribe", callId } : agentId ? { type: "subscribe", agentId } : { type: "subscribe", all: true })); };
  ws.onclose = (e) => { $("status").textContent = "disconnected (" + e.code + ")"; };
  ws.onmessage = (m) => {
    const e = JSON.parse(m.data);
    if (e.type === "error") { $("status").textContent = e.code + ": " + e.message; return; }
    const s = state.get(e.callId) || {}; state.set(e.callId, s);
    if (e.type === "snapshot") { s.hint = e.hint; s.summary = e.summary; }
    if (e.type === "hint") s.hint = e;
    if (e.type === "summary") s.summary = e;
    render(e.callId);
  };
};
</script></body></html>`;
