/**
 * The agent desktop at `/`: sign in with a token (kept in sessionStorage),
 * follow "my calls", one call by id, or — with a supervisor token — every
 * live call of the tenant, all through the `<callcue-hints>` element. The
 * page has no inline script or style (CSP `script-src 'self'`); the strings
 * below are served as `/`, `/app.js` and `/app.css`.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>callcue — agent desktop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header class="top">
  <h1>callcue <span class="sub">live call hints</span></h1>
  <div id="who" class="who" hidden>
    <span id="who-text"></span>
    <button type="button" id="signout">Sign out</button>
  </div>
</header>
<main>
  <section id="signin" class="panel" aria-labelledby="signin-title" hidden>
    <h2 id="signin-title">Sign in</h2>
    <form id="signin-form" novalidate>
      <label for="token">Access token</label>
      <textarea id="token" name="token" rows="3" required autocomplete="off" autocapitalize="off" spellcheck="false"
        aria-describedby="token-help"></textarea>
      <p id="token-help" class="help">Paste an <b>agent</b> or <b>supervisor</b> token. <code>callcue serve</code> prints demo
        tokens when it starts. The token stays in this tab only (session storage).</p>
      <p id="signin-error" class="error" role="alert"></p>
      <button type="submit" class="primary">Sign in</button>
    </form>
  </section>
  <section id="desk" hidden aria-label="Live hints">
    <form id="follow" class="follow" novalidate>
      <fieldset>
        <legend>Follow</legend>
        <label id="mode-mine-label"><input type="radio" name="mode" value="mine" id="mode-mine"> <span id="mode-mine-text">My calls</span></label>
        <label id="mode-all-label"><input type="radio" name="mode" value="all" id="mode-all"> All live calls (supervisor)</label>
        <label><input type="radio" name="mode" value="call" id="mode-call"> Call id</label>
        <input id="call-id" name="callId" aria-label="Call id" placeholder="e.g. c-1" autocomplete="off" spellcheck="false">
        <button type="submit" class="primary" id="follow-btn">Follow</button>
        <span id="my-calls"></span>
      </fieldset>
    </form>
    <div id="view"></div>
  </section>
</main>
</body>
</html>
`;

export const APP_CSS = `:root{color-scheme:light}
body{font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Noto Sans KR",sans-serif;margin:0;color:#111;background:#f4f5f7}
.top{display:flex;align-items:center;justify-content:space-between;gap:1rem;flex-wrap:wrap;padding:.6rem 1.2rem;background:#111;color:#fff}
.top h1{font-size:1.4rem;margin:0}.top .sub{font-weight:400;color:#ccc;font-size:1rem;margin-left:.4rem}
.who{display:flex;gap:.8rem;align-items:center}
main{max-width:96rem;margin:0 auto;padding:1rem 1.2rem}
.panel{max-width:44rem;background:#fff;border:2px solid #bbb;border-radius:.7rem;padding:1rem 1.4rem}
label{font-weight:600}
textarea,input{font:inherit;border:2px solid #555;border-radius:.4rem;padding:.35rem .5rem}
textarea{display:block;width:100%;font-family:ui-monospace,monospace;font-size:.9rem;margin:.3rem 0}
button{font:inherit;cursor:pointer;border:2px solid #333;background:#fff;color:#111;border-radius:.4rem;padding:.3rem .8rem}
button.primary{background:#1d4ed8;border-color:#1d4ed8;color:#fff;font-weight:700}
.top button{background:#111;color:#fff;border-color:#fff}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
.help{color:#333;font-size:.95rem}.error{color:#b00020;font-weight:700;min-height:1em}
.follow fieldset{display:flex;gap:.6rem 1.2rem;align-items:center;flex-wrap:wrap;border:2px solid #bbb;border-radius:.7rem;background:#fff;padding:.5rem 1rem;margin:0 0 1rem}
.follow legend{font-weight:700;padding:0 .3rem}
.follow label{font-weight:500}
#my-calls{display:flex;gap:.4rem;flex-wrap:wrap}
callcue-hints{background:#f4f5f7}
[hidden]{display:none!important}
`;

export const APP_JS = `// callcue agent desktop: sign in, then one <callcue-hints> element.
import { tokenClaims } from "./callcue-hints.js";

const KEY = "callcue.token";
const $ = (id) => document.getElementById(id);

function describe(claims) {
  const role = claims.role;
  let who = role + (claims.agentId ? " " + claims.agentId : "") + " · tenant " + claims.tenant;
  if (typeof claims.exp === "number") who += " · until " + new Date(claims.exp * 1000).toLocaleTimeString();
  return who;
}

/** Why this token cannot open the desktop, or "" when it can. */
function problem(token) {
  if (!token) return "Paste a token first.";
  const claims = tokenClaims(token);
  if (!claims || typeof claims !== "object") return "That is not a token (expected a JWT: three parts separated by dots).";
  if (claims.role === "ingest") return "That is an ingest token (for telephony platforms). Use the agent or supervisor token.";
  if (claims.role !== "agent" && claims.role !== "supervisor") return "The token's role must be agent or supervisor.";
  if (typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) return "That token has expired.";
  return "";
}

function showSignIn(message) {
  $("desk").hidden = true;
  $("who").hidden = true;
  $("signin").hidden = false;
  $("view").replaceChildren();
  $("signin-error").textContent = message || "";
  $("token").focus();
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  history.replaceState(null, "", location.pathname);
  showSignIn(message);
}

function readHash() {
  const h = location.hash.slice(1);
  if (h.startsWith("call=")) return { mode: "call", callId: decodeURIComponent(h.slice(5)) };
  if (h === "all" || h === "mine") return { mode: h };
  return null;
}

function follow(token, claims, choice) {
  const el = document.createElement("callcue-hints");
  el.setAttribute("server", location.origin.replace(/^http/, "ws"));
  el.setAttribute("token", token);
  if (choice.mode === "call") el.setAttribute("call-id", choice.callId);
  else if (choice.mode === "all") el.setAttribute("all", "");
  else el.setAttribute("agent-id", claims.agentId);
  el.addEventListener("callcue-token-expired", () => signOut("Your token expired: sign in again."));
  $("view").replaceChildren(el);
  const hash = choice.mode === "call" ? "#call=" + encodeURIComponent(choice.callId) : "#" + choice.mode;
  if (location.hash !== hash) history.replaceState(null, "", hash);
  for (const r of document.querySelectorAll("input[name=mode]")) r.checked = r.value === choice.mode;
  if (choice.mode === "call") $("call-id").value = choice.callId;
}

function showDesk(token) {
  const claims = tokenClaims(token);
  $("signin").hidden = true;
  $("desk").hidden = false;
  $("who").hidden = false;
  $("who-text").textContent = "Signed in: " + describe(claims);
  const supervisor = claims.role === "supervisor";
  $("mode-mine-label").hidden = !claims.agentId;
  $("mode-mine-text").textContent = "My calls (agent " + (claims.agentId || "") + ")";
  $("mode-all-label").hidden = !supervisor;
  // An agent token may also list call ids it may see: one click each.
  $("my-calls").replaceChildren(
    ...(Array.isArray(claims.calls) ? claims.calls : []).slice(0, 20).map((id) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = id;
      b.addEventListener("click", () => follow(token, claims, { mode: "call", callId: id }));
      return b;
    }),
  );
  let choice = readHash();
  if (!choice || (choice.mode === "all" && !supervisor) || (choice.mode === "mine" && !claims.agentId))
    choice = supervisor ? { mode: "all" } : claims.agentId ? { mode: "mine" } : null;
  if (!choice && Array.isArray(claims.calls) && claims.calls.length) choice = { mode: "call", callId: claims.calls[0] };
  if (choice) follow(token, claims, choice);
  else $("mode-call").checked = true;
}

$("signin-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const token = $("token").value.trim();
  const why = problem(token);
  if (why) {
    $("signin-error").textContent = why;
    return;
  }
  sessionStorage.setItem(KEY, token);
  $("token").value = "";
  $("signin-error").textContent = "";
  showDesk(token);
});

$("follow").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const token = sessionStorage.getItem(KEY);
  const claims = tokenClaims(token);
  if (!token || !claims) return signOut();
  const mode = (document.querySelector("input[name=mode]:checked") || {}).value;
  const callId = $("call-id").value.trim();
  if (mode === "call" || (!mode && callId)) {
    if (!callId) {
      $("call-id").focus();
      return;
    }
    follow(token, claims, { mode: "call", callId });
  } else if (mode === "all" || mode === "mine") follow(token, claims, { mode });
});

$("call-id").addEventListener("input", () => {
  $("mode-call").checked = true;
});

$("signout").addEventListener("click", () => signOut());

addEventListener("hashchange", () => {
  const token = sessionStorage.getItem(KEY);
  const choice = readHash();
  if (token && choice && !problem(token)) follow(token, tokenClaims(token), choice);
});

const saved = sessionStorage.getItem(KEY);
if (saved && !problem(saved)) showDesk(saved);
else {
  if (saved) sessionStorage.removeItem(KEY);
  showSignIn(saved ? problem(saved) : "");
}
`;
