import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/transport/server.js";
import { Client, handshakeStatus, testServer, token } from "./server-helpers.js";

let server: RunningServer;
beforeAll(async () => {
  server = await testServer({ allowedOrigins: ["https://crm.example.com"], maxMessagesPerSecond: 100_000 });
});
afterAll(() => server.stop());

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

describe("handshake authentication (401/403 before the upgrade)", () => {
  it("refuses every bad token and wrong role", async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await token(server, { role: "ingest", tenant: "t" });
    const otherSecret = await new SignJWT({ role: "ingest", tenant: "t" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode("not-the-secret"));
    const expired = await token(server, { role: "ingest", tenant: "t" }, -10);
    const noExp = await new SignJWT({ role: "ingest", tenant: "t" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(server.secret));
    const algNone = `${b64({ alg: "none", typ: "JWT" })}.${b64({ role: "ingest", tenant: "t", exp: now + 60 })}.`;
    const noTenant = await new SignJWT({ role: "ingest" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(server.secret));
    const badRole = await new SignJWT({ role: "admin", tenant: "t" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(server.secret));
    const agentNoScope = await new SignJWT({ role: "agent", tenant: "t" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(server.secret));
    const agent = await token(server, { role: "agent", tenant: "t", agentId: "a1" });
    const cases: [string, string, Record<string, string>, number][] = [
      ["no token", "/v1/ingest", {}, 401],
      ["garbage token", "/v1/ingest", { authorization: "Bearer abc.def" }, 401],
      ["other secret", "/v1/ingest", { authorization: `Bearer ${otherSecret}` }, 401],
      ["expired", "/v1/ingest", { authorization: `Bearer ${expired}` }, 401],
      ["no exp", "/v1/ingest", { authorization: `Bearer ${noExp}` }, 401],
      ["alg none", "/v1/ingest", { authorization: `Bearer ${algNone}` }, 401],
      ["no tenant", "/v1/ingest", { authorization: `Bearer ${noTenant}` }, 401],
      ["unknown role", "/v1/ingest", { authorization: `Bearer ${badRole}` }, 401],
      ["agent without agentId or calls", "/v1/subscribe", { authorization: `Bearer ${agentNoScope}` }, 401],
      ["agent on ingest", "/v1/ingest", { authorization: `Bearer ${agent}` }, 403],
      ["ingest on subscribe", "/v1/subscribe", { authorization: `Bearer ${good}` }, 403],
      ["unknown path", "/v1/admin", { authorization: `Bearer ${good}` }, 403],
      ["good ingest", "/v1/ingest", { authorization: `Bearer ${good}` }, 101],
      ["good agent", "/v1/subscribe", { authorization: `Bearer ${agent}` }, 101],
    ];
    for (const [name, path, headers, status] of cases)
      expect(await handshakeStatus(server, path, headers), name).toBe(status);
  });

  it("allows browser origins only from the exact allow-list or the server's own page", async () => {
    const agent = await token(server, { role: "agent", tenant: "t", agentId: "a1" });
    const path = `/v1/subscribe?access_token=${agent}`;
    const self = server.url;
    const cases: [string, number][] = [
      ["null", 403],
      ["https://crm.example.com.evil.io", 403],
      ["http://crm.example.com", 403],
      ["https://evil.example.com", 403],
      ["https://CRM.example.com:443x", 403],
      ["https://crm.example.com", 101],
      [self, 101],
    ];
    for (const [origin, status] of cases)
      expect(await handshakeStatus(server, path, { origin }), origin).toBe(status);
    expect(await handshakeStatus(server, path, {}), "no Origin (not a browser)").toBe(101);
  });
});

describe("tenant isolation and agent entitlement", () => {
  it("delivers nothing to anyone not entitled, whatever they ask for", async () => {
    const tenants = ["t-a", "t-b"];
    const agents = ["a1", "a2", "a3"];
    const producers = await Promise.all(
      tenants.map(async (t) =>
        Client.open(server, "/v1/ingest", await token(server, { role: "ingest", tenant: t })),
      ),
    );
    // Each tenant: one call per agent, the same call ids in both tenants.
    // A shouted line names the tenant, so every hint and snapshot carries its tenant in the evidence.
    for (const [i, p] of producers.entries()) {
      for (const a of agents) {
        p.send({ type: "start", callId: `call-${a}`, language: "en", meta: { agentId: a } });
        p.send({
          type: "chunk",
          callId: `call-${a}`,
          seq: 1,
          speaker: "customer",
          text: `THIS IS TENANT ${tenants[i]?.toUpperCase()} SHOUTING`,
        });
        await p.next((m) => m.type === "ack" && m.callId === `call-${a}`);
      }
    }
    const requests = fc.oneof(
      fc.record({
        callId: fc.constantFrom(
          "call-a1",
          "call-a2",
          "call-a3",
          "CALL-A1",
          "call-a1 ",
          "call-ａ1",
          "*",
          "",
          "call-%",
        ),
      }),
      fc.record({ agentId: fc.constantFrom("a1", "a2", "A1", "a1\u0000", "*", "") }),
      fc.record({ all: fc.boolean() }),
    );
    const who = fc.record({
      tenant: fc.constantFrom(...tenants),
      agentId: fc.constantFrom(...agents),
      supervisor: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(who, fc.array(requests, { minLength: 1, maxLength: 4 }), async (w, reqs) => {
        const claims = w.supervisor
          ? { role: "supervisor" as const, tenant: w.tenant }
          : { role: "agent" as const, tenant: w.tenant, agentId: w.agentId };
        const desk = await Client.open(server, "/v1/subscribe", await token(server, claims));
        for (const r of reqs) desk.send({ type: "subscribe", ...r });
        desk.send({ type: "subscribe", callId: "call-a1" });
        await desk.next((m) => m.callId === "call-a1" || m.type === "error");
        await new Promise((r) => setTimeout(r, 20));
        for (const m of desk.messages) {
          if (m.type === "error") {
            expect(typeof m.code).toBe("string");
            continue;
          }
          const callId = String(m.callId);
          expect(JSON.stringify(m)).toContain(`TENANT ${w.tenant.toUpperCase()} `);
          // Entitled: own tenant (implicitly: snapshots carry only this tenant's calls) and own agent unless supervisor.
          if (!w.supervisor) expect(callId).toBe(`call-${w.agentId}`);
          expect(agents.map((a) => `call-${a}`)).toContain(callId);
        }
        desk.close();
      }),
      { numRuns: 40 },
    );
    for (const p of producers) p.close();
  });

  it("closes the socket when the token expires mid-call", async () => {
    const desk = await Client.open(
      server,
      "/v1/subscribe",
      await token(server, { role: "agent", tenant: "t", agentId: "a1" }, 2),
    );
    desk.send({ type: "subscribe", agentId: "a1" });
    const closed = await desk.waitClose(4000);
    expect(closed.code).toBe(4001);
    expect(desk.messages.some((m) => m.code === "CC_ERR_TOKEN_EXPIRED")).toBe(true);
  });
});
