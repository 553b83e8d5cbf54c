import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { redact } from "../src/transport/redact.js";
import { startServer } from "../src/transport/server.js";
import { analyzer } from "./helpers.js";
import { Client, token } from "./server-helpers.js";

describe("redact", () => {
  it.each([
    ["card 4111 1111 1111 1111 please", "card [card] please"],
    ["4111-1111-1111-1111", "[card]"],
    ["call me on +1 415 555 0132", "call me on [phone]"],
    ["我的手机号是13812345678", "我的手机号是[phone]"],
    ["mail jane.doe@example.com now", "mail [email] now"],
    ["身份证号110105199003071234", "身份证号[id]"],
    ["주민번호 900101-1234567", "주민번호 [id]"],
    ["order 12345 is late", "order 12345 is late"],
  ])("%s → %s", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });
});

describe("logs and replies never carry transcript text or personal data", () => {
  it("keeps canaries out of logs, error replies and metrics", async () => {
    let logged = "";
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logged += String(chunk);
        cb();
      },
    });
    const server = await startServer(
      { port: 0, dataDir: mkdtempSync(join(tmpdir(), "callcue-privacy-")), maxMessagesPerSecond: 100_000 },
      { analyzer: analyzer(), logger: pino({ level: "trace" }, sink) },
    );
    const canaries = ["4111111111111111", "jane.doe@example.com", "13812345678", "SECRET-TRANSCRIPT-WORDS"];
    const p = await Client.open(server, "/v1/ingest", await token(server, { role: "ingest", tenant: "t" }));
    p.send({ type: "start", callId: "pii", language: "en" });
    p.send({
      type: "chunk",
      callId: "pii",
      seq: 1,
      speaker: "customer",
      text: `my card is ${canaries[0]} mail ${canaries[1]} phone ${canaries[2]} ${canaries[3]}`,
    });
    p.send({
      type: "chunk",
      callId: "pii",
      seq: 2,
      speaker: "customer",
      text: canaries.join(" "),
      startMs: 9,
      endMs: 1,
    });
    p.send(`{"type":"chunk","callId":"pii","seq":3,"speaker":"robot","text":"${canaries[3]}"}`);
    p.send(`not json ${canaries[3]}`);
    p.send({ type: "end", callId: "pii" });
    await p.next((m) => m.type === "summary");
    const errors = JSON.stringify(p.messages.filter((m) => m.type === "error"));
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    await server.stop();
    expect(p.messages.filter((m) => m.type === "error").length).toBeGreaterThanOrEqual(3);
    for (const c of canaries) {
      expect(logged).not.toContain(c);
      expect(errors).not.toContain(c);
      expect(metrics).not.toContain(c);
    }
    expect(logged).toContain("listening");
  });
});
