import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const LOOP_RESOLUTION_MS = 10;

/** Prometheus metrics of one server (own registry: several servers may share a process in tests). */
export class Metrics {
  readonly registry = new Registry();
  readonly activeCalls = new Gauge({
    name: "callcue_active_calls",
    help: "Calls open now",
    registers: [this.registry],
  });
  readonly connections = new Gauge({
    name: "callcue_connections",
    help: "Open WebSocket connections",
    labelNames: ["path"],
    registers: [this.registry],
  });
  readonly chunks = new Counter({
    name: "callcue_chunks_total",
    help: "Chunks analysed",
    registers: [this.registry],
  });
  readonly hints = new Counter({
    name: "callcue_hints_total",
    help: "Hints published",
    labelNames: ["priority"],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: "callcue_errors_total",
    help: "Errors sent to clients",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly hintLatency = new Histogram({
    name: "callcue_ingest_to_hint_seconds",
    help: "From a chunk's arrival to its hint being handed to the subscribers' sockets",
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly forwarded = new Counter({
    name: "callcue_forwarded_messages_total",
    help: "Ingest messages forwarded to the node that owns their call",
    registers: [this.registry],
  });
  readonly takenOver = new Counter({
    name: "callcue_calls_taken_over_total",
    help: "Calls rebuilt here from the shared log after their owner died",
    registers: [this.registry],
  });
  readonly gaps = new Counter({
    name: "callcue_broker_gap_events_total",
    help: "Mirrored calls' event gaps: detected (by offset), events filled from the log, events lost",
    labelNames: ["outcome"],
    registers: [this.registry],
  });
  private readonly loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  constructor() {
    this.loopDelay.enable();
    const delay = this.loopDelay;
    new Gauge({
      name: "callcue_event_loop_delay_p99_seconds",
      help: "Event-loop delay, 99th percentile since the last scrape",
      registers: [this.registry],
      // Across `--workers`: the worst worker's.
      aggregator: "max",
      collect() {
        // The histogram records whole timer intervals: an idle loop reads as the resolution itself.
        this.set(Math.max(0, delay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS) / 1000);
        delay.reset();
      },
    });
  }

  stop(): void {
    this.loopDelay.disable();
  }
}
