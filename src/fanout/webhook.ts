import { createHmac } from "node:crypto";
import { appendFileSync } from "node:fs";
import type { Published } from "./hub.js";

export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key for the `X-Callcue-Signature` header. */
  secret: string;
  /** Attempts per event before it goes to the dead-letter file. @default 6 */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt. @default 500 */
  baseDelayMs?: number;
  /** Per-request timeout. @default 5000 */
  timeoutMs?: number;
  /** JSONL file receiving events that could not be delivered. */
  deadLetterFile: string;
}

/** `sha256=<hex>` over `<timestamp>.<body>`: what a receiver recomputes to trust a delivery. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * Hints and summaries by HTTP POST, for platforms that hold no WebSocket
 * open. Each event is signed (`X-Callcue-Timestamp`, `X-Callcue-Signature`),
 * retried with exponential backoff, delivered in order per call (one chain
 * per call), and written to a dead-letter file when every attempt failed.
 */
export class Webhook {
  private readonly chains = new Map<string, Promise<void>>();
  delivered = 0;
  deadLettered = 0;

  constructor(private readonly o: WebhookOptions) {}

  deliver(tenant: string, event: Published): void {
    const key = `${tenant}\u0000${event.callId}`;
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.send(tenant, event));
    this.chains.set(key, next);
    // Forget finished chains so state stays bounded by the calls in flight.
    next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Resolves when every queued delivery has finished (delivered or dead-lettered). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async send(tenant: string, event: Published): Promise<void> {
    const body = JSON.stringify({ tenant, event });
    const attempts = this.o.maxAttempts ?? 6;
    let lastError = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const timestamp = String(Date.now());
      try {
        const res = await fetch(this.o.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-callcue-timestamp": timestamp,
            "x-callcue-signature": signature(this.o.secret, timestamp, body),
            "x-callcue-attempt": String(attempt),
          },
          body,
          signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
        });
        if (res.ok) {
          this.delivered++;
          return;
        }
        lastError = `HTTP ${res.status}`;
      } catch (err) {
        lastError = (err as Error).name;
      }
      if (attempt < attempts)
        await new Promise((r) => setTimeout(r, (this.o.baseDelayMs ?? 500) * 2 ** (attempt - 1)));
    }
    this.deadLettered++;
    appendFileSync(
      this.o.deadLetterFile,
      `${JSON.stringify({ failedAt: Date.now(), attempts, lastError, tenant, event })}\n`,
    );
  }
}
