import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../src/transport/auth.js";
import { PAGE_CSP } from "../src/transport/page.js";
import type { RunningServer } from "../src/transport/server.js";
import { Client, testServer, token } from "./server-helpers.js";

/**
 * The agent desktop (`/`) and the `<callcue-hints>` element, in real
 * headless Chromium (Debian's `chromium`, installed by
 * scripts/setup-system.sh) driven by playwright-core, against the real
 * server with a real WebSocket producer. With UPDATE_SCREENSHOTS=1 it also
 * rewrites docs/screenshots/agent.png and supervisor.png.
 */

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** docs/screenshots/ is rewritten only when asked (UPDATE_SCREENSHOTS=1): the header shows a clock. */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? join("docs", "screenshots")
  : mkdtempSync(join(tmpdir(), "callcue-shots-"));
const HOT = "fixtures/zh-Hans/hot_tempered-01-kuaidi-guizi-luanqian.jsonl";

type Message = Record<string, unknown> & { type: string; callId: string; seq?: number };
interface Technique {
  name: string;
  say: string[];
  avoid: string[];
}
const catalogue = (lang: string): Record<string, Technique> =>
  JSON.parse(readFileSync(`lexicons/techniques/${lang}.json`, "utf8"));

/** A fixture's messages, under another call id (and agent) when asked. */
function fixture(file: string, callId?: string, agentId?: string): Message[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => {
      const m = JSON.parse(l) as Message;
      if (callId) m.callId = callId;
      if (agentId && m.type === "start") m.meta = { ...(m.meta as object), agentId };
      return m;
    });
}

/** A telephony platform on `/v1/ingest`: every message waits for its reply (started, ack, summary). */
class Ingest {
  constructor(private readonly client: Client) {}

  static async open(server: RunningServer, tenant: string): Promise<Ingest> {
    return new Ingest(
      await Client.open(server, "/v1/ingest", await token(server, { role: "ingest", tenant })),
    );
  }

  async send(m: Message): Promise<void> {
    this.client.send(m);
    const reply =
      m.type === "start"
        ? (r: Record<string, unknown>) => r.type === "started" && r.callId === m.callId
        : m.type === "chunk"
          ? (r: Record<string, unknown>) =>
              (r.type === "ack" || r.type === "error") && r.callId === m.callId && r.seq === m.seq
          : (r: Record<string, unknown>) => r.type === "summary" && r.callId === m.callId;
    const r = await this.client.next(reply, 5000);
    expect(r.type).not.toBe("error");
  }

  /** Sends messages in order: all of them, or up to and including chunk `seq`. */
  async stream(messages: Message[], throughSeq = Number.POSITIVE_INFINITY, fromSeq = 0): Promise<void> {
    for (const m of messages) {
      const seq = m.type === "chunk" ? (m.seq as number) : m.type === "start" ? 0 : Number.POSITIVE_INFINITY;
      if (seq < fromSeq || seq > throughSeq) continue;
      await this.send(m);
    }
  }

  close(): void {
    this.client.close();
  }
}

describe("desktop assets over HTTP", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await testServer();
  });
  afterAll(() => server.stop());

  it("serves the page with a CSP that allows no inline script, and the element, client and catalogue", async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toBe(PAGE_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).not.toMatch(/<script>(?!<)/);
    for (const path of ["/app.js", "/callcue-hints.js", "/client.js"]) {
      const r = await fetch(`${server.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("content-type"), path).toMatch(/^text\/javascript/);
    }
    const element = await fetch(`${server.url}/callcue-hints.js`);
    expect(element.headers.get("access-control-allow-origin")).toBe("*");
    expect(await element.text()).toContain('import { Subscriber } from "./client.js"');
    const client = await (await fetch(`${server.url}/client.js`)).text();
    expect(client).toContain("export class Subscriber");
    expect(client).not.toContain("sourceMappingURL");
    expect((await fetch(`${server.url}/nope.js`)).status).toBe(404);
  });

  it("serves every technique in every language, as in lexicons/techniques", async () => {
    const r = await fetch(`${server.url}/techniques.json`);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
    const body = (await r.json()) as {
      languages: string[];
      techniques: Record<string, Record<string, Technique>>;
      urgent: Record<string, string>;
    };
    expect(body.languages).toEqual(["zh-Hans", "zh-Hant", "ko", "en"]);
    for (const lang of body.languages) {
      expect(Object.keys(body.techniques[lang]!)).toHaveLength(17);
      expect(body.techniques[lang]).toEqual(catalogue(lang));
    }
    expect(body.urgent.escalation_threat).toBe("escalate_supervisor");
  });

  it("ships scripts that parse as ES modules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "callcue-page-"));
    for (const path of ["/app.js", "/callcue-hints.js", "/client.js"]) {
      const file = join(dir, path.slice(1).replace(/\.js$/, ".mjs"));
      writeFileSync(file, await (await fetch(`${server.url}${path}`)).text());
      execFileSync(process.execPath, ["--check", file]);
    }
  });
});

const describeBrowser = HAVE_CHROMIUM ? describe : describe.skip;
const browserTitle = HAVE_CHROMIUM
  ? "agent desktop in headless Chromium"
  : "agent desktop in headless Chromium (SKIPPED: /usr/bin/chromium is missing; run scripts/setup-system.sh)";

describeBrowser(browserTitle, () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    server = await testServer({ maxMessagesPerSecond: 100_000 });
    // launch() gives every run a fresh temporary profile (user-data dir), removed on close.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function newPage(
    width = 1400,
    height = 1000,
    refusedSockets = false,
  ): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      // A socket refused while offline is expected; anything about CSP or script errors is not.
      if (m.type() !== "error" || m.text().includes("ERR_INTERNET_DISCONNECTED")) return;
      if (refusedSockets && /^WebSocket connection to .* failed/.test(m.text())) return;
      problems.push(m.text());
    });
    return { page, context };
  }

  async function signIn(page: Page, tok: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.locator("#token").fill(tok);
    await page.locator("#signin-form button[type=submit]").click();
    await page.locator("callcue-hints[data-status=connected]").waitFor({ timeout: 10_000 });
  }

  /** Waits until the page's element has received every event the server published for the call. */
  async function settle(page: Page, tenant: string, callId: string): Promise<number> {
    const last = server.hub.get(tenant, callId)?.lastOffset ?? 0;
    // A function, not a string: the page's CSP forbids eval. Typed without the DOM library.
    await page.waitForFunction(
      ([id, n]) => {
        const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
        const el = doc.querySelector("callcue-hints") as {
          eventLog?: { callId: string; offset: number }[];
        } | null;
        return (el?.eventLog ?? []).some((e) => e.callId === id && e.offset >= (n as number));
      },
      [callId, last] as const,
      { timeout: 10_000 },
    );
    return last;
  }

  const texts = (page: Page, selector: string): Promise<string[]> => page.locator(selector).allInnerTexts();
  const count = (page: Page, selector: string): Promise<number> => page.locator(selector).count();
  /** Every event the page's element received: {type, callId, offset}. */
  const eventLog = (page: Page) =>
    page.evaluate<{ type: string; callId: string; offset: number }[]>(
      'document.querySelector("callcue-hints").eventLog',
    );
  const storedToken = (page: Page) => page.evaluate<string | null>('sessionStorage.getItem("callcue.token")');

  it("an agent sees the label, the technique lines and the urgent banner from the chunk that carries it", async () => {
    const { page } = await newPage(1400, 1000);
    await signIn(page, await token(server, { role: "agent", tenant: "t1", agentId: "a-07" }));
    expect(await storedToken(page)).toMatch(/^ey/);
    expect(await texts(page, "callcue-hints .empty")).toEqual([expect.stringContaining("No live call yet")]);

    const call = fixture(HOT);
    const callId = call[0]!.callId;
    const ingest = await Ingest.open(server, "t1");
    await ingest.stream(call, 6);
    await settle(page, "t1", callId);
    expect(await count(page, `callcue-hints section.call[data-call-id="${callId}"]`)).toBe(1);
    expect(await count(page, "callcue-hints .type")).toBe(0);

    // Chunk 7: the first hint — label, tone, technique in the call's language.
    await ingest.stream(call, 7, 7);
    await settle(page, "t1", callId);
    const zh = catalogue("zh-Hans").soft_firm!;
    expect(await texts(page, "callcue-hints .type .label")).toEqual([
      expect.stringContaining("Hot-tempered"),
    ]);
    expect(await texts(page, "callcue-hints .tone .level")).toEqual([
      expect.stringMatching(/Angry.*rising/s),
    ]);
    expect(await texts(page, "callcue-hints .technique .tname")).toEqual([expect.stringContaining(zh.name)]);
    expect(await texts(page, "callcue-hints .technique .say li")).toEqual(zh.say);
    expect(await texts(page, "callcue-hints .technique .avoid li")).toEqual(zh.avoid);
    expect(await count(page, "callcue-hints .banner")).toBe(0);
    expect(await page.locator("callcue-hints [aria-live=polite]").innerText()).toContain("Hot-tempered");

    // Chunks 8–10: no urgent signal yet, so no banner.
    await ingest.stream(call, 10, 8);
    await settle(page, "t1", callId);
    expect(await count(page, "callcue-hints .banner")).toBe(0);

    // Chunk 11 asks for a manager: its banner, and only it.
    await ingest.stream(call, 11, 11);
    await settle(page, "t1", callId);
    expect(await count(page, "callcue-hints .banner")).toBe(1);
    expect(await texts(page, "callcue-hints .banner[data-kind=manager_request]")).toEqual([
      expect.stringMatching(/URGENT[\s\S]*Asks for a manager[\s\S]*你们经里/),
    ]);
    expect(await page.locator("callcue-hints [aria-live=assertive]").innerText()).toContain(
      "Asks for a manager",
    );

    // Chunk 12 is the agent: nothing new. Chunk 13 threatens the regulator.
    await ingest.stream(call, 12, 12);
    await settle(page, "t1", callId);
    expect(await count(page, "callcue-hints .banner[data-kind=escalation_threat]")).toBe(0);
    await ingest.stream(call, 13, 13);
    await settle(page, "t1", callId);
    const threat = page.locator("callcue-hints .banner[data-kind=escalation_threat]");
    expect(await threat.getAttribute("data-target")).toBe("regulator");
    expect(await threat.innerText()).toMatch(/Escalation threat: to a regulator[\s\S]*国家邮政局/);
    expect(await count(page, "callcue-hints .banner")).toBe(2);
    // Newest first.
    expect(await page.locator("callcue-hints .banner").first().getAttribute("data-kind")).toBe(
      "escalation_threat",
    );
    // What the customer said, with the evidence marked.
    expect(await texts(page, "callcue-hints .said mark[data-kind=escalation_threat]")).toEqual([
      "国家邮政局",
    ]);
    expect(await texts(page, "callcue-hints .said li[data-seq='13'] .utt")).toEqual([
      "开什么会 你们今天要是处理不好 我直接打电话投诉到国家邮政局 再找没体来曝光你们",
    ]);
    expect(await texts(page, "callcue-hints .said mark[data-kind=manager_request]")).toEqual(["你们经里"]);
    expect(await texts(page, "callcue-hints .tone .level")).toEqual([
      expect.stringMatching(/Hostile.*rising/s),
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, "agent.png"), fullPage: true });

    // The other languages are one click (or one key) away, by technique id.
    await page.locator("callcue-hints .langs button[data-lang=en]").click();
    expect(await texts(page, "callcue-hints .technique .say li")).toEqual(catalogue("en").soft_firm!.say);
    await page.locator("callcue-hints .langs button[data-lang=ko]").focus();
    await page.keyboard.press("Enter");
    expect(await texts(page, "callcue-hints .technique .say li")).toEqual(catalogue("ko").soft_firm!.say);
    expect(await page.locator("callcue-hints .langs button[data-lang=ko]").getAttribute("aria-pressed")).toBe(
      "true",
    );
    await page.locator("callcue-hints .langs button[data-lang=zh-Hans]").click();
    expect(await texts(page, "callcue-hints .technique .say li")).toEqual(zh.say);
    // An alternate technique, then back.
    await page.locator("callcue-hints .alts button[data-key='tech:escalate_supervisor']").click();
    expect(await texts(page, "callcue-hints .technique .say li")).toEqual(
      catalogue("zh-Hans").escalate_supervisor!.say,
    );
    await page.locator("callcue-hints .alts button[data-key='tech:suggested']").click();
    expect(await texts(page, "callcue-hints .technique .say li")).toEqual(zh.say);
    // Dismissing a banner keeps it one click away.
    await page
      .locator("callcue-hints .banner[data-kind=manager_request] button[aria-label^=Dismiss]")
      .click();
    expect(await count(page, "callcue-hints .banner")).toBe(1);
    await page.locator("callcue-hints button[data-key=undismiss]").click();
    expect(await count(page, "callcue-hints .banner")).toBe(2);

    await ingest.stream(call, Number.POSITIVE_INFINITY, 14);
    await settle(page, "t1", callId);
    expect(await texts(page, "callcue-hints .ended")).toEqual(["Call ended"]);
    expect(await texts(page, "callcue-hints .summary")).toEqual([expect.stringContaining("3 hints")]);

    // The token survives a reload (sessionStorage) and the view comes back.
    await page.reload();
    await page.locator("callcue-hints[data-status=connected]").waitFor();
    expect(await page.locator("#signin").isHidden()).toBe(true);
    await page.locator("#signout").click();
    expect(await page.locator("#signin").isVisible()).toBe(true);
    expect(await storedToken(page)).toBeNull();
    ingest.close();
  });

  it("a reconnect mid-call loses nothing: every hint offset once, in order", async () => {
    const { page, context } = await newPage();
    await signIn(page, await token(server, { role: "agent", tenant: "t1", agentId: "a-08" }));
    const callId = "reconnect-1";
    const call = fixture(HOT, callId, "a-08");
    const ingest = await Ingest.open(server, "t1");
    await ingest.stream(call, 8);
    expect(await settle(page, "t1", callId)).toBe(1);

    // The network goes: the element drops its socket and keeps retrying while hints 2 and 3 happen.
    await context.setOffline(true);
    await page.locator("callcue-hints[data-status=reconnecting]").waitFor();
    await ingest.stream(call, 14, 9);
    expect(server.hub.get("t1", callId)!.lastOffset).toBe(3);
    await new Promise((r) => setTimeout(r, 500));
    expect((await eventLog(page)).filter((e) => e.type === "hint").map((e) => e.offset)).toEqual([1]);
    expect(await count(page, "callcue-hints .banner")).toBe(0);

    await context.setOffline(false);
    await page.locator("callcue-hints[data-status=connected]").waitFor({ timeout: 15_000 });
    await settle(page, "t1", callId);
    expect(await count(page, "callcue-hints .banner")).toBe(2);
    await ingest.stream(call, Number.POSITIVE_INFINITY, 15);
    const last = await settle(page, "t1", callId);

    const log = (await eventLog(page)).filter((e) => e.callId === callId && e.type !== "snapshot");
    expect(log.map((e) => e.offset)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect(log.map((e) => e.type)).toEqual(["hint", "hint", "hint", "summary"]);
    expect(await count(page, "callcue-hints .gap, callcue-hints .msg")).toBe(0);
    ingest.close();
  });

  it("a token of another tenant sees nothing of the call", async () => {
    const callId = "tenant-1";
    const call = fixture(HOT, callId, "a-09");
    const ingest = await Ingest.open(server, "t1");
    await ingest.stream(call, 6);

    // Same agent id, other tenant: "my calls" stays empty.
    const mine = await newPage();
    await signIn(mine.page, await token(server, { role: "agent", tenant: "t2", agentId: "a-09" }));
    // Other tenant asking for the call by id: refused, and told so.
    const byId = await newPage();
    await signIn(byId.page, await token(server, { role: "agent", tenant: "t2", agentId: "a-09" }));
    await byId.page.locator("#call-id").fill(callId);
    await byId.page.locator("#follow-btn").click();
    await byId.page.locator("callcue-hints[data-status=waiting]").waitFor();
    // And a supervisor of the other tenant.
    const boss = await newPage();
    await signIn(boss.page, await token(server, { role: "supervisor", tenant: "t2" }));

    // A reference desktop of the right tenant gets the whole call meanwhile.
    const ref = await newPage();
    await signIn(ref.page, await token(server, { role: "agent", tenant: "t1", agentId: "a-09" }));
    await ingest.stream(call, 13, 7);
    await settle(ref.page, "t1", callId);
    expect(await count(ref.page, "callcue-hints .banner")).toBe(2);

    for (const { page } of [mine, byId, boss]) {
      expect((await eventLog(page)).filter((e) => e.type !== "error")).toEqual([]);
      expect(await count(page, "callcue-hints section.call, callcue-hints .banner, callcue-hints .row")).toBe(
        0,
      );
    }
    expect(await mine.page.locator("callcue-hints .empty").innerText()).toContain("No live call yet");
    expect(await byId.page.locator("callcue-hints .msg").innerText()).toContain("may not see it");
    expect(await boss.page.locator("callcue-hints .empty").innerText()).toContain("No live calls");
    await ingest.stream(call, Number.POSITIVE_INFINITY, 14);
    ingest.close();
  });

  it("refuses an ingest token at sign-in and says when the server refuses a token", async () => {
    const { page, context } = await newPage(1400, 1000, true);
    await page.goto(`${server.url}/`);
    await page.locator("#token").fill(await token(server, { role: "ingest", tenant: "t1" }));
    await page.locator("#signin-form button[type=submit]").click();
    expect(await page.locator("#signin-error").innerText()).toContain("ingest token");
    expect(await storedToken(page)).toBeNull();
    // Well-formed but signed with another secret: the upgrade gets 401 and the element says so.
    const forged = await signToken({ role: "agent", tenant: "t1", agentId: "a-07" }, "not-the-secret");
    await page.locator("#token").fill(forged);
    await page.locator("#signin-form button[type=submit]").click();
    await page.locator("callcue-hints[data-status=unreachable]").waitFor({ timeout: 10_000 });
    expect(await page.locator("callcue-hints .msg").innerText()).toContain("refused the token");
    await context.close();
  });

  it("the supervisor board lists the tenant's live calls, urgent first then by tone, and opens one", async () => {
    const tenant = "t3";
    const ingest = await Ingest.open(server, tenant);
    const calls = {
      hot: fixture(HOT, "hot-parcel", "a-11"),
      harass: fixture(
        "fixtures/en/harasser-01-energy-line-personal-questions.jsonl",
        "harass-energy",
        "a-12",
      ),
      grumble: fixture("fixtures/zh-Hans/grumbler-02-tongxin-lajiduanxin.jsonl", "grumble-spam", "a-13"),
      anxious: fixture("fixtures/en/anxious-01-medication-parcel-stuck.jsonl", "anxious-meds", "a-14"),
      quiet: fixture("fixtures/zh-Hans/neutral-01-kuaidi-gai-dizhi.jsonl", "quiet-address", "a-15"),
    };
    // Two calls are live before the supervisor signs in (snapshots), the rest arrive while watching.
    await ingest.stream(calls.anxious, 6);
    await ingest.stream(calls.grumble, 8);
    const { page } = await newPage(1400, 1100);
    await signIn(page, await token(server, { role: "supervisor", tenant }));
    await ingest.stream(calls.quiet, 3);
    await ingest.stream(calls.hot, 13);
    await ingest.stream(calls.harass, 2);
    for (const c of Object.values(calls)) await settle(page, tenant, c[0]!.callId);

    const rows = async () =>
      page.locator("callcue-hints .row").evaluateAll((els) =>
        els.map((e) => ({
          id: e.getAttribute("data-call-id"),
          priority: e.getAttribute("data-priority"),
        })),
      );
    // What the server holds, ranked the way the board promises.
    const rank: Record<string, number> = { urgent: 3, warn: 2, info: 1 };
    const expected = Object.values(calls)
      .map((c) => server.hub.get(tenant, c[0]!.callId)!)
      .map((live) => ({
        id: live.callId,
        rank: live.lastHint ? rank[live.lastHint.priority]! : 0,
        score: live.lastHint?.tone.score ?? -1,
      }))
      .sort((a, b) => b.rank - a.rank || b.score - a.score)
      .map((x) => x.id);
    expect(expected).toEqual([
      "hot-parcel",
      "harass-energy",
      "grumble-spam",
      "anxious-meds",
      "quiet-address",
    ]);
    expect((await rows()).map((r) => r.id)).toEqual(expected);
    expect((await rows()).map((r) => r.priority)).toEqual(["urgent", "urgent", "warn", "info", "none"]);
    const first = await page.locator("callcue-hints .row").first().innerText();
    expect(first).toMatch(
      /URGENT[\s\S]*hot-parcel[\s\S]*agent a-11[\s\S]*Hot-tempered[\s\S]*Hostile 0\.96 ↑ rising/,
    );
    expect(first).toContain("Escalation threat: to a regulator");

    // Click a row: that call's hints open beside the list.
    await page.locator("callcue-hints .row[data-call-id=hot-parcel]").click();
    await page.locator("callcue-hints section.call[data-call-id=hot-parcel]").waitFor();
    expect(await count(page, "callcue-hints section.call .banner")).toBe(2);
    expect(await texts(page, "callcue-hints section.call .say li")).toEqual(
      catalogue("zh-Hans").soft_firm!.say,
    );
    await page.screenshot({ path: join(SCREENSHOTS, "supervisor.png"), fullPage: true });

    // Keyboard: focus another row, Enter opens it.
    await page.locator("callcue-hints .row[data-call-id=harass-energy]").focus();
    await page.keyboard.press("Enter");
    await page.locator("callcue-hints section.call[data-call-id=harass-energy]").waitFor();
    expect(await texts(page, "callcue-hints section.call .banner")).toEqual([
      expect.stringContaining("Harassment"),
    ]);

    // The board re-sorts live: the anxious caller's call ends and sinks to the bottom.
    await ingest.stream(calls.anxious, Number.POSITIVE_INFINITY, 7);
    await settle(page, tenant, "anxious-meds");
    expect((await rows()).map((r) => r.id).at(-1)).toBe("anxious-meds");
    for (const c of Object.values(calls)) await ingest.stream(c, Number.POSITIVE_INFINITY, 99);
    ingest.close();
  });

  it("embeds in another origin's page with one script tag", async () => {
    // A second server that allows the CRM's origin, and a CRM page on its own port.
    let crmOrigin = "";
    const crm: Server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(crmPage);
    });
    await new Promise<void>((resolve) => crm.listen(0, "127.0.0.1", resolve));
    crmOrigin = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
    const callcue = await testServer({ allowedOrigins: [crmOrigin] });
    const tok = await token(callcue, { role: "agent", tenant: "crm", calls: ["crm-1"] });
    const host = callcue.url.replace(/^http:\/\//, "");
    const crmPage = `<!doctype html><html><body><h1>CRM</h1>
<script type="module" src="http://${host}/callcue-hints.js"></script>
<callcue-hints server="ws://${host}" token="${tok}" call-id="crm-1"></callcue-hints></body></html>`;
    try {
      const ingest = new Ingest(
        await Client.open(callcue, "/v1/ingest", await token(callcue, { role: "ingest", tenant: "crm" })),
      );
      // The softphone shows the element as the call rings, before the platform has started it.
      const { page } = await newPage(1000, 900);
      await page.goto(`${crmOrigin}/`);
      await page.locator("callcue-hints[data-status=waiting]").waitFor({ timeout: 10_000 });
      expect(await page.locator("callcue-hints .msg").innerText()).toContain("crm-1 is not live");
      await ingest.stream(fixture(HOT, "crm-1", "a-99"), 11);
      await page.locator("callcue-hints .banner[data-kind=manager_request]").waitFor({ timeout: 10_000 });
      expect(await count(page, "callcue-hints .msg")).toBe(0);
      expect(await texts(page, "callcue-hints .type .label")).toEqual([
        expect.stringContaining("Hot-tempered"),
      ]);
      // The catalogue came across origins too: the language buttons are there.
      expect(await count(page, "callcue-hints .langs button")).toBe(4);
      ingest.close();
    } finally {
      await callcue.stop();
      crm.close();
    }
  });

  it("had no script error and no CSP violation on any page", () => {
    expect(problems).toEqual([]);
  });
});
