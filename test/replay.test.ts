import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/transport/server.js";
import { callcue } from "./helpers.js";
import { Client, testServer, token } from "./server-helpers.js";

let server: RunningServer;
beforeAll(async () => {
  server = await testServer({ maxMessagesPerSecond: 100_000 });
});
afterAll(() => server.stop());

/** The hint lines `replay --server` prints, without what depends on the clock. */
async function replayHints(file: string, speed: string, callSuffix: string): Promise<string[]> {
  const ws = server.url.replace("http", "ws");
  const ingest = await token(server, { role: "ingest", tenant: `det-${callSuffix}` });
  const watch = await token(server, { role: "supervisor", tenant: `det-${callSuffix}` });
  const stdout = await callcue([
    "replay",
    file,
    "--server",
    ws,
    "--token",
    ingest,
    "--watch-token",
    watch,
    "--speed",
    speed,
  ]);
  return stdout.split("\n").filter((l) => l.includes(" seq "));
}

describe("QA replay against a server", () => {
  it("gives the same hints at 10×, 100× and max speed", async () => {
    const file = "fixtures/ko/hot_tempered-02-phantom-addon-charges.jsonl";
    const [a, b, c] = [
      await replayHints(file, "10", "a"),
      await replayHints(file, "100", "b"),
      await replayHints(file, "max", "c"),
    ];
    expect(a.length).toBeGreaterThan(0);
    expect(a.some((l) => / URGENT /.test(l))).toBe(true);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  }, 120_000);

  it("never reaches live desktops following the agent unless they ask for replays", async () => {
    const file = "fixtures/en/abusive-01-broadband-router-drops.jsonl";
    const agentId = "a-31"; // the recording's agent
    const live = await Client.open(
      server,
      "/v1/subscribe",
      await token(server, { role: "agent", tenant: "qa", agentId }),
    );
    live.send({ type: "subscribe", agentId });
    const qa = await Client.open(
      server,
      "/v1/subscribe",
      await token(server, { role: "supervisor", tenant: "qa" }),
    );
    qa.send({ type: "subscribe", all: true, includeReplay: true });
    await new Promise((r) => setTimeout(r, 100));
    const ws = server.url.replace("http", "ws");
    const ingest = await token(server, { role: "ingest", tenant: "qa" });
    await callcue(["replay", file, "--server", ws, "--token", ingest, "--speed", "max"]);
    await qa.next((m) => m.type === "summary");
    expect(qa.messages.some((m) => m.type === "hint")).toBe(true);
    expect(live.messages).toEqual([]);
    // Sent as live traffic (and routed to this agent), the same kind of call does reach the live desktop.
    await callcue([
      "replay",
      "fixtures/en/abusive-02-cold-takeaway-missing-items.jsonl",
      ...["--server", ws, "--token", ingest, "--speed", "max", "--live", "--agent-id", agentId],
    ]);
    await live.next((m) => m.type === "summary");
    expect(live.messages.some((m) => m.type === "hint")).toBe(true);
  }, 60_000);
});
