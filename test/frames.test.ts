import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/transport/server.js";
import { testServer, token } from "./server-helpers.js";

let server: RunningServer;
let tok: string;
beforeAll(async () => {
  server = await testServer({ maxPayloadBytes: 4096 });
  tok = await token(server, { role: "ingest", tenant: "t" });
});
afterAll(() => server.stop());

/** Upgrades a raw TCP socket by hand, so the test can write any bytes it likes. */
function rawUpgrade(): Promise<{ socket: Socket; received: () => Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    let upgraded = false;
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf("\r\n\r\n");
        if (end === -1) return;
        const head = buf.subarray(0, end).toString();
        if (!head.startsWith("HTTP/1.1 101")) return reject(new Error(head));
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve({ socket, received: () => buf });
      }
    });
    socket.on("error", () => {});
    socket.write(
      `GET /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer ${tok}\r\n\r\n`,
    );
  });
}

/** A client frame: masked unless told otherwise. */
function frame(opts: {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  payload: Buffer;
  masked?: boolean;
  len64?: boolean;
}): Buffer {
  const { fin = true, rsv = 0, opcode, payload, masked = true, len64 = false } = opts;
  const head = [((fin ? 0x80 : 0) | (rsv << 4) | opcode) & 0xff];
  const m = masked ? 0x80 : 0;
  if (len64) head.push(m | 127, 0, 0, 0, 0, 0, 0, (payload.length >> 8) & 0xff, payload.length & 0xff);
  else if (payload.length < 126) head.push(m | payload.length);
  else head.push(m | 126, payload.length >> 8, payload.length & 0xff);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  if (masked) for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([Buffer.from(head), masked ? key : Buffer.alloc(0), body]);
}

function closeCode(data: Buffer): number | undefined {
  for (let i = 0; i + 3 < data.length; ) {
    const opcode = (data[i] as number) & 0x0f;
    const len = (data[i + 1] as number) & 0x7f;
    if (opcode === 0x8) return len >= 2 ? data.readUInt16BE(i + 2) : 1005;
    i += 2 + (len < 126 ? len : len === 126 ? 2 + data.readUInt16BE(i + 2) : 8);
  }
  return undefined;
}

const CASES: [string, number, Buffer][] = [
  ["RSV bits set", 1002, frame({ rsv: 0b100, opcode: 1, payload: Buffer.from("{}") })],
  ["reserved opcode 3", 1002, frame({ opcode: 3, payload: Buffer.from("x") })],
  ["reserved control opcode 0xB", 1002, frame({ opcode: 0xb, payload: Buffer.alloc(0) })],
  ["unmasked client frame", 1002, frame({ opcode: 1, payload: Buffer.from("{}"), masked: false })],
  ["control frame over 125 bytes", 1002, frame({ opcode: 9, payload: Buffer.alloc(200) })],
  ["fragmented control frame", 1002, frame({ fin: false, opcode: 9, payload: Buffer.from("p") })],
  ["invalid UTF-8 text", 1007, frame({ opcode: 1, payload: Buffer.from([0x7b, 0xc3, 0x28, 0x7d]) })],
  ["close code 999", 1002, frame({ opcode: 8, payload: Buffer.from([0x03, 0xe7]) })],
  ["close code 1005 on the wire", 1002, frame({ opcode: 8, payload: Buffer.from([0x03, 0xed]) })],
  ["64-bit length over the cap", 1009, frame({ opcode: 1, payload: Buffer.alloc(5000, 0x61), len64: true })],
  ["continuation without a start", 1002, frame({ opcode: 0, payload: Buffer.from("x") })],
];

describe("crafted raw frames", () => {
  it.each(CASES)("%s → close %i, every time, without hurting the server", async (_name, code, bytes) => {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100; i++) {
      const { socket, received } = await rawUpgrade();
      socket.write(bytes);
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
      expect(closeCode(received())).toBe(code);
    }
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 1024 * 1024);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it("closes a fragment flood at the size cap", async () => {
    const { socket, received } = await rawUpgrade();
    socket.write(frame({ fin: false, opcode: 1, payload: Buffer.from("a") }));
    for (let i = 0; i < 20_000; i++)
      socket.write(frame({ fin: false, opcode: 0, payload: Buffer.from("a") }));
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(closeCode(received())).toBe(1009);
  });
});
