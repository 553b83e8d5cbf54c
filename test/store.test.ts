import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { startServer } from "../src/transport/server.js";
import { analyzer } from "./helpers.js";
import { Client, token } from "./server-helpers.js";

const silent = pino({ level: "silent" });

async function server(dataDir: string, extra = {}) {
  return startServer(
    { port: 0, dataDir, maxMessagesPerSecond: 100_000, ...extra },
    { analyzer: analyzer(), logger: silent },
  );
}

describe("embedded store", () => {
  it("acks only what is committed, and a restarted server resumes the call with the same analysis", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "callcue-store-"));
    const lines = [
      "i want a refund",
      "THIS IS RIDICULOUS",
      "let me speak to your manager",
      "i will sue you",
      "thanks",
    ];
    // Reference: the whole call uninterrupted.
    const ref = analyzer().openCall({ callId: "s1", language: "en" });
    for (const [i, text] of lines.entries())
      ref.push({ type: "chunk", callId: "s1", seq: i + 1, speaker: "customer", text });
    const expected = ref.end();

    const a = await server(dataDir);
    const ing = await token(a, { role: "ingest", tenant: "t" });
    const p1 = await Client.open(a, "/v1/ingest", ing);
    p1.send({ type: "start", callId: "s1", language: "en", meta: { agentId: "a1" } });
    for (let i = 0; i < 3; i++)
      p1.send({ type: "chunk", callId: "s1", seq: i + 1, speaker: "customer", text: lines[i] });
    await p1.next((m) => m.type === "ack" && m.seq === 3);
    // Every acked chunk is on disk, read by another connection to the database.
    const db = new Database(join(dataDir, "callcue.db"), { readonly: true });
    expect((db.prepare("SELECT count(*) n FROM chunks WHERE call_id = 's1'").get() as { n: number }).n).toBe(
      3,
    );
    db.close();
    await a.stop({ endCalls: false });

    const b = await server(dataDir);
    const p2 = await Client.open(b, "/v1/ingest", await token(b, { role: "ingest", tenant: "t" }));
    p2.send({ type: "start", callId: "s1", resume: true });
    expect(await p2.next((m) => m.type === "started")).toMatchObject({ resumed: true, lastSeq: 3 });
    for (let i = 3; i < lines.length; i++)
      p2.send({ type: "chunk", callId: "s1", seq: i + 1, speaker: "customer", text: lines[i] });
    p2.send({ type: "end", callId: "s1" });
    const summary = await p2.next((m) => m.type === "summary");
    const { offset: _o, ...withoutOffset } = summary as Record<string, unknown>;
    expect(withoutOffset).toEqual(expected);

    // Read access: list and timeline, tenant-scoped and entitled.
    const sup = await token(b, { role: "supervisor", tenant: "t" });
    const list = (await (
      await fetch(`${b.url}/v1/calls?label=${expected.customerType.label}`, {
        headers: { authorization: `Bearer ${sup}` },
      })
    ).json()) as { calls: { callId: string }[] };
    expect(list.calls.map((c) => c.callId)).toContain("s1");
    const one = (await (
      await fetch(`${b.url}/v1/calls/s1`, { headers: { authorization: `Bearer ${sup}` } })
    ).json()) as { chunks: unknown[]; events: unknown[] };
    expect(one.chunks).toHaveLength(5);
    expect(one.events.length).toBeGreaterThan(0);
    const other = await token(b, { role: "supervisor", tenant: "other" });
    expect(
      (await fetch(`${b.url}/v1/calls/s1`, { headers: { authorization: `Bearer ${other}` } })).status,
    ).toBe(404);
    const agent = await token(b, { role: "agent", tenant: "t", agentId: "a2" });
    expect(
      (await fetch(`${b.url}/v1/calls/s1`, { headers: { authorization: `Bearer ${agent}` } })).status,
    ).toBe(404);
    expect((await fetch(`${b.url}/v1/calls`)).status).toBe(401);
    // A finished call id cannot be started again.
    p2.send({ type: "start", callId: "s1" });
    expect(await p2.next((m) => m.type === "error")).toMatchObject({ code: "CC_ERR_CALL_ENDED" });
    await b.stop();
  });

  it("stores no raw personal data when the policy is redact, and keeps it when told to", async () => {
    const card = "4111 1111 1111 1111";
    for (const pii of ["redact", "keep"] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), "callcue-pii-"));
      const s = await server(dataDir, { pii });
      const p = await Client.open(s, "/v1/ingest", await token(s, { role: "ingest", tenant: "t" }));
      p.send({ type: "start", callId: "c" });
      p.send({
        type: "chunk",
        callId: "c",
        seq: 1,
        speaker: "customer",
        text: `my card is ${card} and mail me at a.b@example.com`,
      });
      await p.next((m) => m.type === "ack");
      await s.stop();
      const bytes = readdirSync(dataDir)
        .filter((f) => f.startsWith("callcue.db"))
        .map((f) => readFileSync(join(dataDir, f)).toString("latin1"))
        .join("");
      expect(bytes.includes(card), pii).toBe(pii === "keep");
      expect(bytes.includes("a.b@example.com"), pii).toBe(pii === "keep");
    }
  });

  it("purges calls older than the retention", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "callcue-retention-"));
    const s = await server(dataDir);
    const p = await Client.open(s, "/v1/ingest", await token(s, { role: "ingest", tenant: "t" }));
    p.send({ type: "start", callId: "old" });
    await p.next((m) => m.type === "started");
    await s.stop();
    const again = await server(dataDir, { retentionDays: 0 });
    const sup = await token(again, { role: "supervisor", tenant: "t" });
    const list = (await (
      await fetch(`${again.url}/v1/calls`, { headers: { authorization: `Bearer ${sup}` } })
    ).json()) as { calls: unknown[] };
    expect(list.calls).toHaveLength(0);
    await again.stop();
  });
});

describe("callcue export", () => {
  it("writes replayable JSONL and a vCon with the analysis, from the store", async () => {
    const { execFileSync } = await import("node:child_process");
    const dataDir = mkdtempSync(join(tmpdir(), "callcue-export-"));
    const s = await server(dataDir);
    const p = await Client.open(s, "/v1/ingest", await token(s, { role: "ingest", tenant: "t" }));
    const file = "fixtures/en/negotiator-01-delayed-flight-eu261.jsonl";
    const messages = readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.trim());
    for (const m of messages) p.send(m);
    const summary = await p.next((m) => m.type === "summary");
    await s.stop();
    const callId = String(summary.callId);
    const jsonl = execFileSync(
      "node",
      ["bin/callcue.js", "export", "--tenant", "t", "--call", callId, "--data-dir", dataDir],
      { encoding: "utf8" },
    );
    const replayed = execFileSync("node", ["bin/callcue.js", "analyze"], { input: jsonl, encoding: "utf8" })
      .trim()
      .split("\n");
    const { offset: _o, ...expected } = summary;
    expect(JSON.parse(replayed.at(-1) as string)).toEqual(expected);
    const vcon = JSON.parse(
      execFileSync(
        "node",
        [
          "bin/callcue.js",
          "export",
          "--tenant",
          "t",
          "--since",
          "0",
          "--format",
          "vcon",
          "--data-dir",
          dataDir,
        ],
        { encoding: "utf8" },
      ),
    ) as {
      vcon: string;
      uuid: string;
      parties: { role: string }[];
      dialog: { body: string; parties: number[] }[];
      analysis: { type: string; body: unknown }[];
    };
    expect(vcon.vcon).toMatch(/^0\./);
    expect(vcon.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(vcon.parties.map((x) => x.role)).toEqual(["customer", "agent"]);
    const finals = messages
      .map((l) => JSON.parse(l) as { type: string; final?: boolean })
      .filter((m) => m.type === "chunk" && m.final !== false);
    expect(vcon.dialog).toHaveLength(finals.length);
    expect(vcon.analysis.map((a) => a.type)).toEqual(["callcue-hints", "callcue-summary"]);
    expect(vcon.analysis[1]?.body).toEqual(expected);
  });
});
