import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import WebSocket from "ws";
import { type Claims, signToken } from "../src/transport/auth.js";
import type { ServerOptions } from "../src/transport/options.js";
import { type RunningServer, startServer } from "../src/transport/server.js";
import { analyzer } from "./helpers.js";

export async function testServer(o: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer(
    { port: 0, dataDir: mkdtempSync(join(tmpdir(), "callcue-")), ...o },
    { analyzer: analyzer(), logger: pino({ level: "silent" }) },
  );
}

export function token(
  server: RunningServer,
  claims: Omit<Claims, "exp">,
  ttlSeconds = 3600,
): Promise<string> {
  return signToken(claims, server.secret, ttlSeconds);
}

/** A real ws client that records every message and lets tests wait for one. */
export class Client {
  readonly messages: Record<string, unknown>[] = [];
  private waiters: {
    pred: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }[] = [];
  closed: { code: number; reason: string } | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as Record<string, unknown>;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(m)) return true;
        w.resolve(m);
        return false;
      });
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: String(reason) };
    });
  }

  static async open(
    server: { url: string },
    path: string,
    tok: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<Client> {
    const url = `${server.url.replace("http", "ws")}${path}`;
    const ws = new WebSocket(url, {
      headers: { ...(tok ? { authorization: `Bearer ${tok}` } : {}), ...headers },
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
    return new Client(ws);
  }

  send(m: unknown): void {
    this.ws.send(typeof m === "string" ? m : JSON.stringify(m));
  }

  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`timed out; got ${JSON.stringify(this.messages.slice(-5))}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  waitClose(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("not closed")), timeoutMs);
      this.ws.once("close", (code, reason) => {
        clearTimeout(t);
        resolve({ code, reason: String(reason) });
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** The HTTP status a handshake is refused with (or 101). */
export function handshakeStatus(
  server: RunningServer,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace("http", "ws")}${path}`, { headers });
    ws.once("open", () => {
      ws.close();
      resolve(101);
    });
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", () => resolve(0));
  });
}
