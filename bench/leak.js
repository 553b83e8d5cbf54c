// Memory after many ended calls: `node --expose-gc bench/leak.js [--store none] [--batches 8]`.
// An in-process server (SQLite store by default) keeps at most 100 ended calls; batches of 500
// fixture calls stream through a producer; after each batch, two full GCs, then heap and RSS.
// Flat figures across batches mean no per-call leak (JavaScript or native).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Producer } from "../dist/client/producer.js";
import { signToken } from "../dist/transport/auth.js";
import { startServer } from "../dist/transport/server.js";
import { fixtureCalls } from "./corpus.js";

if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const store = arg("--store", "sqlite");
const batches = Number(arg("--batches", 8));
const calls = fixtureCalls();
const server = await startServer({
  port: 0,
  dataDir: mkdtempSync(join(tmpdir(), "callcue-leak-")),
  store,
  maxEndedCalls: 100,
  logLevel: "silent",
  maxMessagesPerSecond: 1e6,
});
const token = await signToken({ role: "ingest", tenant: "t" }, server.secret);
const p = new Producer({ url: server.url.replace("http", "ws"), token });
const rows = [];
let n = 0;
for (let batch = 0; batch < batches; batch++) {
  const ends = [];
  for (let i = 0; i < 500; i++) {
    const { start, chunks } = calls[n % calls.length];
    const callId = `c-${n++}`;
    p.startCall(callId, { language: start.language, meta: { agentId: `a-${n % 50}` } });
    for (const c of chunks) p.chunk({ ...c, callId });
    ends.push(p.endCall(callId));
  }
  await Promise.all(ends);
  await new Promise((r) => setTimeout(r, 1200)); // one sweep of ended calls
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  rows.push({ calls: n, heapMb: m.heapUsed / 1e6, rssMb: m.rss / 1e6 });
  console.log(
    `${String(n).padStart(6)} calls  heap ${(m.heapUsed / 1e6).toFixed(1)} MB  rss ${(m.rss / 1e6).toFixed(0)} MB`,
  );
}
// Growth per 1,000 calls from the second batch on (the first warms caches up).
const [a, b] = [rows[1], rows.at(-1)];
const per1k = (x) => (((b[x] - a[x]) * 1000) / (b.calls - a.calls)).toFixed(2);
console.log(`store ${store}: heap ${per1k("heapMb")} MB, rss ${per1k("rssMb")} MB per 1,000 further calls`);
p.close();
await server.stop();
process.exit(0);
