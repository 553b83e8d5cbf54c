import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ADAPTERS,
  type AdapterOptions,
  type AdapterState,
  adapterFor,
  createAdapterState,
} from "../src/adapters/index.js";
import { isoDurationToMs, protoDurationToMs, secondsToMs, ticksToMs } from "../src/adapters/util.js";
import { type Analyzer, createAnalyzer } from "../src/analyzer.js";
import { CallcueError } from "../src/errors.js";
import { validateMessage } from "../src/session/validate.js";
import type { ChunkMessage, HintEvent } from "../src/types.js";

const FIXTURES = new URL("./vendor-fixtures/", import.meta.url);
const FORMATS = [
  "aws-transcribe",
  "aws-call-analytics",
  "google-v1",
  "google-v2",
  "deepgram",
  "azure",
  "genesys",
] as const;
type Format = (typeof FORMATS)[number];

/** Runs payloads through one adapter with a fresh state; every chunk must pass the wire validator. */
function run(
  format: string,
  payloads: unknown[],
  options: AdapterOptions = {},
  state: AdapterState = createAdapterState("c-1"),
): ChunkMessage[] {
  const adapter = adapterFor(format);
  if (!adapter) throw new Error(`no adapter ${format}`);
  const out = payloads.flatMap((p) => adapter(p, state, options));
  for (const c of out) expect(validateMessage(c)).toEqual(c);
  return out;
}

/** The typed error an adapter throws, or a failure when it returns. */
function errorOf(format: string, payload: unknown, options: AdapterOptions = {}, state?: AdapterState) {
  try {
    run(format, [payload], options, state);
  } catch (err) {
    return err;
  }
  throw new Error("expected the adapter to throw");
}

function expectBad(format: string, payload: unknown, options: AdapterOptions = {}): void {
  const err = errorOf(format, payload, options);
  expect(err).toBeInstanceOf(CallcueError);
  expect((err as CallcueError).code).toBe("CC_ERR_BAD_FIELD");
  expect((err as CallcueError).message.startsWith(`${format}: `)).toBe(true);
}

/** Each chunk matches its row; a key whose expected value is undefined must be absent. */
function expectChunks(chunks: ChunkMessage[], expected: Partial<ChunkMessage>[]): void {
  expect(chunks).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    const present = Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));
    expect(chunks[i]).toMatchObject(present);
    for (const [k, v] of Object.entries(e)) if (v === undefined) expect(chunks[i]).not.toHaveProperty(k);
  });
}

function lines(file: string): unknown[] {
  return readFileSync(new URL(file, FIXTURES), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as unknown);
}

// ---------------------------------------------------------------------------------------------

describe("time helpers", () => {
  it.each([
    ["1.300s", 1300],
    ["1.3s", 1300],
    ["2s", 2000],
    ["0.000000001s", 0],
    [{ seconds: "5", nanos: 300_000_000 }, 5300],
    [{ seconds: 1 }, 1000],
    [{ nanos: 500_000_000 }, 500],
    [1.25, 1250],
    ["-1s", undefined],
    ["1.3", undefined],
    ["abc", undefined],
    [{ seconds: "x" }, undefined],
    [null, undefined],
  ])("protobuf Duration %j → %s ms", (v, ms) => {
    expect(protoDurationToMs(v)).toBe(ms);
  });

  it.each([
    ["PT1.2S", 1200],
    ["PT0.6S", 600],
    ["PT1M2.5S", 62_500],
    ["PT1H", 3_600_000],
    ["P1DT1S", 86_401_000],
    ["PT0S", 0],
    ["PT", undefined],
    ["P", undefined],
    ["1.2S", undefined],
    ["PT-1S", undefined],
    [1.2, undefined],
  ])("ISO-8601 duration %j → %s ms", (v, ms) => {
    expect(isoDurationToMs(v)).toBe(ms);
  });

  it.each([
    [12_345_678, 1235],
    ["10000", 1],
    [0, 0],
    [-5, undefined],
    ["1e400", undefined],
  ])("ticks %j → %s ms", (v, ms) => {
    expect(ticksToMs(v)).toBe(ms);
  });

  it.each([
    [6.92, 6920],
    ["1.25", 1250],
    [0.0005, 1],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    ["1,5", undefined],
    [true, undefined],
  ])("seconds %j → %s ms", (v, ms) => {
    expect(secondsToMs(v)).toBe(ms);
  });
});

describe("registry", () => {
  it("knows every format and nothing else", () => {
    expect(Object.keys(ADAPTERS).sort()).toEqual([...FORMATS].sort());
    for (const f of FORMATS) expect(typeof adapterFor(f)).toBe("function");
    for (const f of ["wire", "constructor", "__proto__", "toString", "Deepgram", ""])
      expect(adapterFor(f)).toBeUndefined();
  });

  it("starts seq at 1 and fills callId from the state", () => {
    const [c] = run(
      "deepgram",
      [dg({ transcript: "hello", is_final: true })],
      {},
      createAdapterState("call-9"),
    );
    expect(c).toMatchObject({ type: "chunk", callId: "call-9", seq: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Amazon Transcribe streaming

function awsResult(r: Record<string, unknown>): Record<string, unknown> {
  return { Transcript: { Results: [r] } };
}

describe("aws-transcribe", () => {
  it("maps a result field by field", () => {
    const chunks = run("aws-transcribe", [
      awsResult({
        ResultId: "r-1",
        IsPartial: false,
        ChannelId: "ch_1",
        StartTime: 0.3,
        EndTime: 1.26,
        LanguageCode: "en-US",
        Alternatives: [
          {
            Transcript: "Hello, there.",
            Items: [
              { Type: "pronunciation", Content: "Hello", StartTime: 0.3, EndTime: 0.62 },
              { Type: "punctuation", Content: ",", StartTime: 0.62, EndTime: 0.62 },
              { Type: "pronunciation", Content: "there", StartTime: 0.7, EndTime: 1.26 },
              { Type: "punctuation", Content: ".", StartTime: 1.26, EndTime: 1.26 },
            ],
          },
        ],
      }),
    ]);
    expect(chunks).toEqual([
      {
        type: "chunk",
        callId: "c-1",
        seq: 1,
        speaker: "agent",
        text: "Hello, there.",
        final: true,
        segmentId: "r-1",
        startMs: 300,
        endMs: 1260,
        words: [
          { w: "Hello", startMs: 300, endMs: 620 },
          { w: "there", startMs: 700, endMs: 1260 },
        ],
      },
    ]);
  });

  it("records the language the result names", () => {
    const state = createAdapterState("c-1");
    run(
      "aws-transcribe",
      [
        awsResult({
          ResultId: "r",
          IsPartial: true,
          ChannelId: "ch_0",
          LanguageCode: "en-GB",
          Alternatives: [{ Transcript: "hi" }],
        }),
      ],
      {},
      state,
    );
    expect(state.language).toBe("en-GB");
  });

  const rows: {
    name: string;
    payloads: unknown[];
    options?: AdapterOptions;
    expected: Partial<ChunkMessage>[];
  }[] = [
    {
      name: "partials that shrink keep the segment; seq goes 1, 2, 3",
      payloads: [
        ["I want to speak to your man", true],
        ["I want to speak to", true],
        ["I want to speak to your manager.", false],
      ].map(([t, p]) =>
        awsResult({ ResultId: "u6", IsPartial: p, ChannelId: "ch_0", Alternatives: [{ Transcript: t }] }),
      ),
      expected: [
        { seq: 1, final: false, segmentId: "u6", text: "I want to speak to your man" },
        { seq: 2, final: false, segmentId: "u6", text: "I want to speak to" },
        { seq: 3, final: true, segmentId: "u6", text: "I want to speak to your manager." },
      ],
    },
    {
      name: "times as strings",
      payloads: [
        awsResult({
          ResultId: "s",
          IsPartial: false,
          ChannelId: "ch_0",
          StartTime: "1.25",
          EndTime: "2.5",
          Alternatives: [
            {
              Transcript: "ok",
              Items: [{ Type: "pronunciation", Content: "ok", StartTime: "1.25", EndTime: "2.5" }],
            },
          ],
        }),
      ],
      expected: [{ startMs: 1250, endMs: 2500, words: [{ w: "ok", startMs: 1250, endMs: 2500 }] }],
    },
    {
      name: "missing Items: no words",
      payloads: [
        awsResult({
          ResultId: "m",
          IsPartial: false,
          ChannelId: "ch_0",
          StartTime: 1,
          EndTime: 2,
          Alternatives: [{ Transcript: "fine" }],
        }),
      ],
      expected: [{ text: "fine", startMs: 1000, endMs: 2000 }],
    },
    {
      name: "end before start: the end is dropped, word and result alike",
      payloads: [
        awsResult({
          ResultId: "o",
          IsPartial: false,
          ChannelId: "ch_0",
          StartTime: 5,
          EndTime: 4,
          Alternatives: [
            {
              Transcript: "odd",
              Items: [{ Type: "pronunciation", Content: "odd", StartTime: 5, EndTime: 4.5 }],
            },
          ],
        }),
      ],
      expected: [{ startMs: 5000, endMs: undefined, words: [{ w: "odd", startMs: 5000 }] }],
    },
    {
      name: "results out of order keep seq increasing",
      payloads: [
        awsResult({
          ResultId: "b",
          IsPartial: false,
          ChannelId: "ch_0",
          StartTime: 9,
          EndTime: 10,
          Alternatives: [{ Transcript: "later" }],
        }),
        awsResult({
          ResultId: "a",
          IsPartial: false,
          ChannelId: "ch_1",
          StartTime: 2,
          EndTime: 3,
          Alternatives: [{ Transcript: "earlier" }],
        }),
      ],
      expected: [
        { seq: 1, startMs: 9000, speaker: "customer" },
        { seq: 2, startMs: 2000, speaker: "agent" },
      ],
    },
    {
      name: "multi-result message: one chunk per result",
      payloads: [
        {
          Transcript: {
            Results: [
              {
                ResultId: "x",
                IsPartial: false,
                ChannelId: "ch_1",
                Alternatives: [{ Transcript: "Sorry about that." }],
              },
              {
                ResultId: "y",
                IsPartial: true,
                ChannelId: "ch_0",
                Alternatives: [{ Transcript: "It's fine" }],
              },
            ],
          },
        },
      ],
      expected: [
        { seq: 1, speaker: "agent", final: true, segmentId: "x" },
        { seq: 2, speaker: "customer", final: false, segmentId: "y" },
      ],
    },
    {
      name: "empty transcripts and empty Results are skipped",
      payloads: [
        { Transcript: { Results: [] } },
        awsResult({
          ResultId: "e",
          IsPartial: false,
          ChannelId: "ch_0",
          Alternatives: [{ Transcript: "  " }],
        }),
        awsResult({ ResultId: "f", IsPartial: false, ChannelId: "ch_0", Alternatives: [] }),
        awsResult({
          ResultId: "g",
          IsPartial: false,
          ChannelId: "ch_0",
          Alternatives: [{ Transcript: "next" }],
        }),
      ],
      expected: [{ seq: 1, text: "next" }],
    },
    {
      name: "the SDK's TranscriptEvent wrapper",
      payloads: [
        {
          TranscriptEvent: {
            Transcript: {
              Results: [
                {
                  ResultId: "w",
                  IsPartial: true,
                  ChannelId: "ch_1",
                  Alternatives: [{ Transcript: "hold on" }],
                },
              ],
            },
          },
        },
      ],
      expected: [{ speaker: "agent", final: false, text: "hold on" }],
    },
    {
      name: "no Transcript: text rebuilt from the items",
      payloads: [
        awsResult({
          ResultId: "t",
          IsPartial: false,
          ChannelId: "ch_0",
          Alternatives: [
            {
              Items: [
                { Type: "pronunciation", Content: "Hello" },
                { Type: "punctuation", Content: "," },
                { Type: "pronunciation", Content: "world" },
                { Type: "punctuation", Content: "." },
              ],
            },
          ],
        }),
      ],
      expected: [{ text: "Hello, world." }],
    },
    {
      name: "no ChannelId: speaker partitioning labels (majority of the items)",
      payloads: [
        awsResult({
          ResultId: "p",
          IsPartial: false,
          Alternatives: [
            {
              Transcript: "yes I can",
              Items: [
                { Type: "pronunciation", Content: "yes", Speaker: "0" },
                { Type: "pronunciation", Content: "I", Speaker: "1" },
                { Type: "pronunciation", Content: "can", Speaker: "1" },
              ],
            },
          ],
        }),
        awsResult({ ResultId: "q", IsPartial: false, Alternatives: [{ Transcript: "mono" }] }),
      ],
      expected: [{ speaker: "agent" }, { speaker: "customer" }],
    },
    {
      name: "a channelMap replaces the defaults",
      options: { channelMap: { ch_0: "agent", ch_1: "customer" } },
      payloads: [
        awsResult({
          ResultId: "a",
          IsPartial: false,
          ChannelId: "ch_0",
          Alternatives: [{ Transcript: "Hello" }],
        }),
        awsResult({
          ResultId: "b",
          IsPartial: false,
          ChannelId: "ch_1",
          Alternatives: [{ Transcript: "Hi" }],
        }),
      ],
      expected: [{ speaker: "agent" }, { speaker: "customer" }],
    },
    {
      name: "an unmapped channel's partial is skipped",
      payloads: [
        awsResult({
          ResultId: "z",
          IsPartial: true,
          ChannelId: "ch_7",
          Alternatives: [{ Transcript: "who" }],
        }),
        awsResult({
          ResultId: "z2",
          IsPartial: true,
          ChannelId: "constructor",
          Alternatives: [{ Transcript: "who" }],
        }),
      ],
      expected: [],
    },
  ];
  it.each(rows)("$name", ({ payloads, options, expected }) => {
    const chunks = run("aws-transcribe", payloads, options);
    expectChunks(chunks, expected);
  });

  it.each([
    ["null", null],
    ["a string", "Transcript"],
    ["an array", []],
    ["no Transcript", { Results: [] }],
    ["Results not an array", { Transcript: { Results: {} } }],
    ["a result that is not an object", { Transcript: { Results: [7] } }],
    ["Alternatives not an array", awsResult({ ResultId: "r", Alternatives: {} })],
    ["Items not an array", awsResult({ ResultId: "r", Alternatives: [{ Transcript: "x", Items: "x" }] })],
    ["an exception event", { Message: "Your request timed out" }],
    [
      "a final on an unmapped channel",
      awsResult({
        ResultId: "r",
        IsPartial: false,
        ChannelId: "ch_7",
        Alternatives: [{ Transcript: "secret words" }],
      }),
    ],
    [
      "a final on a prototype key",
      awsResult({
        ResultId: "r",
        IsPartial: false,
        ChannelId: "__proto__",
        Alternatives: [{ Transcript: "x" }],
      }),
    ],
  ])("rejects %s with CC_ERR_BAD_FIELD", (_name, payload) => {
    expectBad("aws-transcribe", payload);
  });

  it("never puts transcript text in an error message", () => {
    const err = errorOf(
      "aws-transcribe",
      awsResult({
        ResultId: "r",
        IsPartial: false,
        ChannelId: "ch_9",
        Alternatives: [{ Transcript: "my card 4111" }],
      }),
    ) as Error;
    expect(err.message).not.toContain("4111");
    expect(err.message).toContain('"ch_9"');
  });
});

// ---------------------------------------------------------------------------------------------
// Amazon Transcribe Call Analytics

function utterance(u: Record<string, unknown>): Record<string, unknown> {
  return { UtteranceEvent: { UtteranceId: "u-1", ParticipantRole: "CUSTOMER", IsPartial: false, ...u } };
}

describe("aws-call-analytics", () => {
  it("maps an UtteranceEvent field by field", () => {
    expect(
      run("aws-call-analytics", [
        utterance({
          ParticipantRole: "AGENT",
          BeginOffsetMillis: 12120,
          EndOffsetMillis: 13000,
          Transcript: "I'm sorry.",
          Sentiment: "NEUTRAL",
          LanguageCode: "en-US",
          Items: [
            { Type: "pronunciation", Content: "I'm", BeginOffsetMillis: 12120, EndOffsetMillis: 12400 },
            { Type: "pronunciation", Content: "sorry", BeginOffsetMillis: 12500, EndOffsetMillis: 13000 },
            { Type: "punctuation", Content: ".", BeginOffsetMillis: 13000, EndOffsetMillis: 13000 },
          ],
        }),
      ]),
    ).toEqual([
      {
        type: "chunk",
        callId: "c-1",
        seq: 1,
        speaker: "agent",
        text: "I'm sorry.",
        final: true,
        segmentId: "u-1",
        startMs: 12120,
        endMs: 13000,
        words: [
          { w: "I'm", startMs: 12120, endMs: 12400 },
          { w: "sorry", startMs: 12500, endMs: 13000 },
        ],
      },
    ]);
  });

  it.each([
    {
      name: "partial then final of one utterance, the partial longer",
      payloads: [
        utterance({ IsPartial: true, Transcript: "I want a refund for" }),
        utterance({ IsPartial: false, Transcript: "I want a refund." }),
      ],
      expected: [
        { seq: 1, final: false, segmentId: "u-1" },
        { seq: 2, final: true, segmentId: "u-1", text: "I want a refund." },
      ],
    },
    {
      name: "offsets as strings, items missing",
      payloads: [utterance({ BeginOffsetMillis: "1500", EndOffsetMillis: "2750", Transcript: "ok" })],
      expected: [{ startMs: 1500, endMs: 2750 }],
    },
    {
      name: "bare utterance object (no UtteranceEvent wrapper)",
      payloads: [{ UtteranceId: "b", ParticipantRole: "AGENT", IsPartial: true, Transcript: "one moment" }],
      expected: [{ speaker: "agent", final: false, segmentId: "b" }],
    },
    {
      name: "CategoryEvent and empty transcripts give nothing",
      payloads: [
        { CategoryEvent: { MatchedCategories: ["escalation"], MatchedDetails: {} } },
        utterance({ Transcript: "" }),
      ],
      expected: [],
    },
    {
      name: "a channelMap on roles",
      options: { channelMap: { AGENT: "customer", CUSTOMER: "agent" } },
      payloads: [utterance({ Transcript: "swapped" })],
      expected: [{ speaker: "agent" }],
    },
  ] as { name: string; payloads: unknown[]; options?: AdapterOptions; expected: Partial<ChunkMessage>[] }[])(
    "$name",
    ({ payloads, options, expected }) => {
      const chunks = run("aws-call-analytics", payloads, options);
      expectChunks(chunks, expected);
    },
  );

  it.each([
    ["null", null],
    ["an empty object", {}],
    ["a transcribe-streaming payload", { Transcript: { Results: [] } }],
    ["Items not an array", utterance({ Transcript: "x", Items: 3 })],
    [
      "a final without a role",
      { UtteranceEvent: { UtteranceId: "x", IsPartial: false, Transcript: "hello" } },
    ],
  ])("rejects %s", (_name, payload) => {
    expectBad("aws-call-analytics", payload);
  });
});

// ---------------------------------------------------------------------------------------------
// Google Speech-to-Text streaming

function gResult(r: Record<string, unknown>): Record<string, unknown> {
  return { results: [r] };
}

describe("google-v1 / google-v2", () => {
  it("maps a v1 final field by field (start from the first word)", () => {
    expect(
      run("google-v1", [
        gResult({
          isFinal: true,
          resultEndTime: "1.300s",
          channelTag: 2,
          languageCode: "en-us",
          alternatives: [
            {
              transcript: "hold on",
              confidence: 0.92,
              words: [
                { word: "hold", startTime: "0.400s", endTime: "0.800s", speakerTag: 1 },
                { word: "on", startTime: "0.900s", endTime: "1.300s", speakerTag: 1 },
              ],
            },
          ],
        }),
      ]),
    ).toEqual([
      {
        type: "chunk",
        callId: "c-1",
        seq: 1,
        speaker: "agent",
        text: "hold on",
        final: true,
        segmentId: "g2-0",
        startMs: 400,
        endMs: 1300,
        words: [
          { w: "hold", startMs: 400, endMs: 800 },
          { w: "on", startMs: 900, endMs: 1300 },
        ],
      },
    ]);
  });

  it("maps v2 offsets, as strings or {seconds, nanos}", () => {
    const [c] = run("google-v2", [
      gResult({
        isFinal: true,
        resultEndOffset: { seconds: "6", nanos: 320_000_000 },
        channelTag: 1,
        languageCode: "en-US",
        alternatives: [
          {
            transcript: "thanks",
            words: [{ word: "thanks", startOffset: "5.9s", endOffset: { seconds: 6, nanos: 320_000_000 } }],
          },
        ],
      }),
    ]);
    expect(c).toMatchObject({
      speaker: "customer",
      startMs: 5900,
      endMs: 6320,
      words: [{ startMs: 5900, endMs: 6320 }],
    });
  });

  it("partials share a generated segment until the final; the next utterance opens a new one", () => {
    const chunks = run("google-v1", [
      gResult({
        alternatives: [{ transcript: "I want" }],
        stability: 0.1,
        resultEndTime: "1.0s",
        channelTag: 1,
      }),
      gResult({
        alternatives: [{ transcript: "I want to" }],
        stability: 0.1,
        resultEndTime: "1.5s",
        channelTag: 1,
      }),
      gResult({
        alternatives: [{ transcript: "I want to go." }],
        isFinal: true,
        resultEndTime: "2s",
        channelTag: 1,
      }),
      gResult({ alternatives: [{ transcript: "Now" }], resultEndTime: "3s", channelTag: 1 }),
    ]);
    expect(chunks.map((c) => [c.seq, c.final, c.segmentId, c.startMs, c.endMs])).toEqual([
      [1, false, "g1-0", undefined, 1000],
      [2, false, "g1-0", undefined, 1500],
      [3, true, "g1-0", undefined, 2000],
      [4, false, "g1-1", undefined, 3000],
    ]);
  });

  it.each([
    {
      name: "v1 interim pieces of one response (stable head + unstable tail) join into one partial",
      format: "google-v1",
      payloads: [
        {
          results: [
            {
              alternatives: [{ transcript: "to be or not to be" }],
              stability: 0.9,
              resultEndTime: "2.1s",
              channelTag: 1,
            },
            {
              alternatives: [{ transcript: " that's the question" }],
              stability: 0.01,
              resultEndTime: "2.6s",
              channelTag: 1,
            },
          ],
        },
      ],
      expected: [{ seq: 1, final: false, text: "to be or not to be that's the question", endMs: 2600 }],
    },
    {
      name: "v1 final plus the next interim in one response: two chunks, two segments",
      format: "google-v1",
      payloads: [
        {
          results: [
            { alternatives: [{ transcript: "it broke" }], isFinal: true, resultEndTime: "3s", channelTag: 1 },
            { alternatives: [{ transcript: "again" }], stability: 0.2, resultEndTime: "3.4s", channelTag: 1 },
          ],
        },
      ],
      expected: [
        { seq: 1, final: true, segmentId: "g1-0" },
        { seq: 2, final: false, segmentId: "g1-1", text: "again" },
      ],
    },
    {
      name: "snake_case field names (proto field names)",
      format: "google-v1",
      payloads: [
        gResult({
          is_final: true,
          result_end_time: "1.5s",
          channel_tag: 2,
          alternatives: [{ transcript: "hi", words: [{ word: "hi", start_time: "1.1s", end_time: "1.5s" }] }],
        }),
      ],
      expected: [{ speaker: "agent", final: true, startMs: 1100, endMs: 1500 }],
    },
    {
      name: "mono audio (no channelTag) is the customer by default",
      format: "google-v2",
      payloads: [gResult({ isFinal: true, alternatives: [{ transcript: "hello" }] })],
      expected: [{ speaker: "customer", segmentId: "g0-0" }],
    },
    {
      name: "an empty final closes the open segment",
      format: "google-v2",
      payloads: [
        gResult({ alternatives: [{ transcript: "uh" }], channelTag: 1 }),
        gResult({ isFinal: true, alternatives: [{ transcript: "" }], channelTag: 1 }),
        gResult({ alternatives: [{ transcript: "so" }], channelTag: 1 }),
      ],
      expected: [
        { seq: 1, segmentId: "g1-0" },
        { seq: 2, segmentId: "g1-1" },
      ],
    },
    {
      name: "missing alternatives and words",
      format: "google-v2",
      payloads: [
        gResult({ isFinal: true, channelTag: 1 }),
        gResult({ isFinal: true, channelTag: 1, alternatives: [{ transcript: "ok" }] }),
      ],
      expected: [{ seq: 1, text: "ok" }],
    },
    {
      name: "a bad time is left out, the text kept",
      format: "google-v1",
      payloads: [
        gResult({
          isFinal: true,
          resultEndTime: "soon",
          channelTag: 1,
          alternatives: [{ transcript: "ok" }],
        }),
      ],
      expected: [{ text: "ok", endMs: undefined }],
    },
    {
      name: "responses without results give nothing",
      format: "google-v1",
      payloads: [
        { speechEventType: "END_OF_SINGLE_UTTERANCE" },
        { results: [], totalBilledTime: "15s" },
        { error: { code: 11, message: "Audio Timeout Error" } },
      ],
      expected: [],
    },
    {
      name: "a channelMap replaces the defaults",
      format: "google-v1",
      options: { channelMap: { "1": "agent", "2": "customer" } },
      payloads: [gResult({ isFinal: true, channelTag: 1, alternatives: [{ transcript: "hello" }] })],
      expected: [{ speaker: "agent" }],
    },
  ] as {
    name: string;
    format: string;
    payloads: unknown[];
    options?: AdapterOptions;
    expected: Partial<ChunkMessage>[];
  }[])("$name", ({ format, payloads, options, expected }) => {
    const chunks = run(format, payloads, options);
    expectChunks(chunks, expected);
  });

  it("records languageCode", () => {
    const state = createAdapterState("c-1");
    run(
      "google-v2",
      [gResult({ isFinal: true, languageCode: "ko-KR", alternatives: [{ transcript: "네" }] })],
      {},
      state,
    );
    expect(state.language).toBe("ko-KR");
  });

  it.each([
    ["null", null],
    ["an empty object", {}],
    ["results not an array", { results: { isFinal: true } }],
    ["alternatives not an array", gResult({ isFinal: true, alternatives: "hi" })],
    ["words not an array", gResult({ isFinal: true, alternatives: [{ transcript: "hi", words: {} }] })],
    [
      "a final on an unmapped channel",
      gResult({ isFinal: true, channelTag: 3, alternatives: [{ transcript: "hi" }] }),
    ],
  ])("rejects %s", (_name, payload) => {
    expectBad("google-v1", payload);
    expectBad("google-v2", payload);
  });

  it("skips a partial on an unmapped channel", () => {
    expect(run("google-v1", [gResult({ channelTag: 3, alternatives: [{ transcript: "hi" }] })])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Deepgram live

function dg(o: {
  transcript: string;
  is_final?: boolean;
  start?: unknown;
  duration?: unknown;
  channel_index?: unknown;
  words?: unknown;
}): Record<string, unknown> {
  const alt: Record<string, unknown> = { transcript: o.transcript, confidence: 0.98 };
  if (o.words !== undefined) alt.words = o.words;
  return {
    type: "Results",
    channel_index: o.channel_index ?? [0, 2],
    start: o.start ?? 1,
    duration: o.duration ?? 0.5,
    is_final: o.is_final ?? false,
    speech_final: o.is_final ?? false,
    channel: { alternatives: [alt] },
    metadata: { request_id: "r" },
  };
}

describe("deepgram", () => {
  it("maps a Results message field by field", () => {
    expect(
      run("deepgram", [
        dg({
          transcript: "Sorry, one moment.",
          is_final: true,
          start: 12.12,
          duration: 1.1,
          channel_index: [1, 2],
          words: [
            { word: "sorry", punctuated_word: "Sorry,", start: 12.12, end: 12.5, confidence: 0.99 },
            { word: "one", start: 12.6, end: 12.8 },
            { word: "moment", punctuated_word: "moment.", start: 12.85, end: 13.22 },
          ],
        }),
      ]),
    ).toEqual([
      {
        type: "chunk",
        callId: "c-1",
        seq: 1,
        speaker: "agent",
        text: "Sorry, one moment.",
        final: true,
        segmentId: "dg1-12120",
        startMs: 12120,
        endMs: 13220,
        words: [
          { w: "Sorry,", startMs: 12120, endMs: 12500 },
          { w: "one", startMs: 12600, endMs: 12800 },
          { w: "moment.", startMs: 12850, endMs: 13220 },
        ],
      },
    ]);
  });

  it.each([
    {
      name: "interims keep the segment of their first start, even when start shifts; is_final closes it",
      payloads: [
        dg({ transcript: "I want to", start: 1, duration: 0.8 }),
        dg({ transcript: "I want", start: 1.2, duration: 0.4 }),
        dg({ transcript: "I want to cancel.", start: 1, duration: 1.6, is_final: true }),
        dg({ transcript: "Now", start: 2.6, duration: 0.3 }),
      ],
      expected: [
        { seq: 1, final: false, segmentId: "dg0-1000", endMs: 1800 },
        { seq: 2, final: false, segmentId: "dg0-1000", text: "I want" },
        { seq: 3, final: true, segmentId: "dg0-1000", endMs: 2600 },
        { seq: 4, final: false, segmentId: "dg0-2600" },
      ],
    },
    {
      name: "UtteranceEnd closes the channel's open segment",
      payloads: [
        dg({ transcript: "hello", start: 1 }),
        { type: "UtteranceEnd", channel: [0, 2], last_word_end: 1.4 },
        dg({ transcript: "hello again", start: 1.5 }),
      ],
      expected: [{ segmentId: "dg0-1000" }, { segmentId: "dg0-1500" }],
    },
    {
      name: "an empty is_final closes the segment and gives nothing",
      payloads: [
        dg({ transcript: "uh", start: 4 }),
        dg({ transcript: "", start: 4, is_final: true }),
        dg({ transcript: "right", start: 5 }),
      ],
      expected: [
        { seq: 1, segmentId: "dg0-4000" },
        { seq: 2, segmentId: "dg0-5000" },
      ],
    },
    {
      name: "times as strings",
      payloads: [dg({ transcript: "ok", start: "6.92", duration: "1.84", is_final: true })],
      expected: [{ startMs: 6920, endMs: 8760 }],
    },
    {
      name: "no words array, negative duration: end left out",
      payloads: [dg({ transcript: "odd", start: 3, duration: -1, is_final: true })],
      expected: [{ startMs: 3000, endMs: undefined, words: undefined }],
    },
    {
      name: "out-of-order start times keep seq increasing",
      payloads: [
        dg({ transcript: "later", start: 10, is_final: true }),
        dg({ transcript: "earlier", start: 2, is_final: true, channel_index: [1, 2] }),
      ],
      expected: [
        { seq: 1, startMs: 10_000, speaker: "customer" },
        { seq: 2, startMs: 2000, speaker: "agent" },
      ],
    },
    {
      name: "diarized mono: the majority speaker of the words",
      payloads: [
        dg({
          transcript: "yes I can",
          is_final: true,
          channel_index: [0, 1],
          words: [
            { word: "yes", start: 1, end: 1.2, speaker: 0 },
            { word: "i", start: 1.3, end: 1.4, speaker: 1 },
            { word: "can", start: 1.5, end: 1.7, speaker: 1 },
          ],
        }),
      ],
      expected: [{ speaker: "agent" }],
    },
    {
      name: "metadata-like messages give nothing",
      payloads: [
        { type: "Metadata", request_id: "r", channels: 2 },
        { type: "SpeechStarted", channel: [0], timestamp: 1.2 },
        { type: "Warning", description: "x" },
      ],
      expected: [],
    },
    {
      name: "a channelMap replaces the defaults",
      options: { channelMap: { "0": "agent", "1": "customer" } },
      payloads: [dg({ transcript: "Thanks for calling", is_final: true })],
      expected: [{ speaker: "agent" }],
    },
  ] as { name: string; payloads: unknown[]; options?: AdapterOptions; expected: Partial<ChunkMessage>[] }[])(
    "$name",
    ({ payloads, options, expected }) => {
      const chunks = run("deepgram", payloads, options);
      expectChunks(chunks, expected);
    },
  );

  it.each([
    ["null", null],
    ["an unknown type", { type: "Transcript", text: "hi" }],
    ["Results without channel", { type: "Results", is_final: true }],
    ["alternatives not an array", { type: "Results", channel: { alternatives: {} } }],
    ["words not an array", { type: "Results", channel: { alternatives: [{ transcript: "x", words: 1 }] } }],
    ["a final on an unmapped channel", dg({ transcript: "hi", is_final: true, channel_index: [2, 3] })],
  ])("rejects %s", (_name, payload) => {
    expectBad("deepgram", payload);
  });
});

// ---------------------------------------------------------------------------------------------
// Azure Speech

describe("azure", () => {
  it("maps a detailed Recognized result field by field (ticks → ms)", () => {
    expect(
      run("azure", [
        {
          event: "Recognized",
          RecognitionStatus: "Success",
          Offset: 12_300_000,
          Duration: 8_900_000,
          Channel: 0,
          SpeakerId: "Guest-2",
          DisplayText: "Good morning.",
          PrimaryLanguage: { Language: "en-US", Confidence: "High" },
          NBest: [
            {
              Confidence: 0.97,
              Lexical: "good morning",
              Display: "Good morning.",
              Words: [
                { Word: "good", Offset: 12_300_000, Duration: 3_000_000 },
                { Word: "morning", Offset: 15_400_000, Duration: 5_800_000 },
              ],
            },
          ],
        },
      ]),
    ).toEqual([
      {
        type: "chunk",
        callId: "c-1",
        seq: 1,
        speaker: "agent",
        text: "Good morning.",
        final: true,
        segmentId: "az-12300000",
        startMs: 1230,
        endMs: 2120,
        words: [
          { w: "good", startMs: 1230, endMs: 1530 },
          { w: "morning", startMs: 1540, endMs: 2120 },
        ],
      },
    ]);
  });

  const hyp = (
    text: string,
    speaker?: string,
    offset: unknown = 10_000_000,
    duration: unknown = 5_000_000,
  ) => ({
    event: "Recognizing",
    Text: text,
    Offset: offset,
    Duration: duration,
    ...(speaker === undefined ? {} : { SpeakerId: speaker }),
  });
  const phrase = (text: string, speaker?: string, offset: unknown = 10_000_000) => ({
    event: "Recognized",
    RecognitionStatus: "Success",
    DisplayText: text,
    Offset: offset,
    Duration: 9_000_000,
    ...(speaker === undefined ? {} : { SpeakerId: speaker }),
  });

  it.each([
    {
      name: "hypotheses and the result of one utterance share the Offset segment",
      payloads: [
        hyp("i want", "Guest-1"),
        hyp("i want my money", "Guest-1"),
        phrase("I want my money back.", "Guest-1"),
      ],
      expected: [
        { seq: 1, final: false, segmentId: "az-10000000", speaker: "customer" },
        { seq: 2, final: false, segmentId: "az-10000000" },
        { seq: 3, final: true, segmentId: "az-10000000", startMs: 1000, endMs: 1900 },
      ],
    },
    {
      name: "speaker Unknown: skipped until the segment has a speaker, then it is reused",
      payloads: [
        hyp("i want", "Unknown"),
        hyp("i want my", "Guest-2"),
        hyp("i want my money", "Unknown"),
        phrase("Fine.", "Unknown", 99),
      ],
      expected: [
        { seq: 1, speaker: "agent", text: "i want my" },
        { seq: 2, speaker: "agent", text: "i want my money" },
      ],
    },
    {
      name: "ticks as strings",
      payloads: [phrase("ok", "Guest-1", "25000000")],
      expected: [{ startMs: 2500, endMs: 3400, segmentId: "az-25000000" }],
    },
    {
      name: "no envelope: RecognitionStatus means a result, Text alone a hypothesis",
      payloads: [
        { Text: "hello", Offset: 0, Duration: 1_000_000, SpeakerId: "Guest-1" },
        {
          RecognitionStatus: "Success",
          DisplayText: "Hello.",
          Offset: 0,
          Duration: 2_000_000,
          SpeakerId: "Guest-1",
        },
      ],
      expected: [
        { final: false, segmentId: "az-0" },
        { final: true, segmentId: "az-0", endMs: 200 },
      ],
    },
    {
      name: "envelope with a nested result, SDK camelCase, `type` instead of `event`",
      payloads: [
        {
          type: "transcribing",
          result: { text: "one sec", offset: 40_000_000, duration: 5_000_000, speakerId: "Guest-2" },
        },
        {
          type: "Transcribed",
          result: { text: "One second.", offset: 40_000_000, duration: 7_000_000, speakerId: "Guest-2" },
        },
      ],
      expected: [
        { final: false, speaker: "agent", text: "one sec" },
        { final: true, speaker: "agent", text: "One second.", endMs: 4700 },
      ],
    },
    {
      name: "no SpeakerId: the channel (envelope `channel` or result `Channel`)",
      payloads: [
        { ...phrase("agent side"), channel: 1 },
        { ...phrase("customer side", undefined, 20_000_000), Channel: 0 },
      ],
      expected: [
        { speaker: "agent", segmentId: "az1-10000000" },
        { speaker: "customer", segmentId: "az-20000000" },
      ],
    },
    {
      name: "no Offset: segments by channel, like the vendors without ids",
      payloads: [
        { event: "Recognizing", Text: "so", SpeakerId: "Guest-1" },
        { event: "Recognized", RecognitionStatus: "Success", DisplayText: "So.", SpeakerId: "Guest-1" },
      ],
      expected: [
        { segmentId: "az-n0", startMs: undefined },
        { segmentId: "az-n0", final: true },
      ],
    },
    {
      name: "NoMatch, session and detection events give nothing",
      payloads: [
        { event: "SessionStarted", SessionId: "s" },
        { event: "SpeechStartDetected", Offset: 0 },
        { event: "Recognized", RecognitionStatus: "NoMatch", Offset: 0, Duration: 100 },
        { event: "Canceled", reason: "EndOfStream" },
        phrase("", "Guest-1"),
      ],
      expected: [],
    },
    {
      name: "a channelMap on speaker ids",
      options: { channelMap: { "Guest-1": "agent", "Guest-2": "customer" } },
      payloads: [phrase("Thank you for calling.", "Guest-1")],
      expected: [{ speaker: "agent" }],
    },
  ] as { name: string; payloads: unknown[]; options?: AdapterOptions; expected: Partial<ChunkMessage>[] }[])(
    "$name",
    ({ payloads, options, expected }) => {
      const chunks = run("azure", payloads, options);
      expectChunks(chunks, expected);
    },
  );

  it.each([
    ["null", null],
    ["an empty object", {}],
    ["an unknown envelope", { event: "Recognised", Text: "x" }],
    [
      "NBest not an array",
      { event: "Recognized", RecognitionStatus: "Success", DisplayText: "x", NBest: {} },
    ],
    ["a final from an unmapped speaker", phrase("hello", "Guest-3")],
  ])("rejects %s", (_name, payload) => {
    expectBad("azure", payload);
  });
});

// ---------------------------------------------------------------------------------------------
// Genesys AudioHook

function ghEvent(...data: Record<string, unknown>[]): Record<string, unknown> {
  return {
    version: "2",
    type: "event",
    seq: 3,
    id: "s-1",
    parameters: { entities: data.map((d) => ({ type: "transcript", data: d })) },
  };
}
function ghData(d: Record<string, unknown>, transcript = "hello", tokens?: unknown): Record<string, unknown> {
  return {
    id: "t-1",
    channelId: 0,
    isFinal: true,
    offset: "PT1S",
    duration: "PT0.5S",
    alternatives: [
      {
        confidence: 0.9,
        languages: ["en-US"],
        interpretations: [{ type: "display", transcript, ...(tokens === undefined ? {} : { tokens }) }],
      },
    ],
    ...d,
  };
}

describe("genesys", () => {
  it("maps a transcript entity field by field", () => {
    const state = createAdapterState("c-1");
    expect(
      run(
        "genesys",
        [
          ghEvent(
            ghData({ id: "utt-7", channelId: 1, offset: "PT0.6S", duration: "PT2.4S" }, "Sorry, hi.", [
              { type: "word", value: "Sorry", offset: "PT0.6S", duration: "PT0.5S", confidence: 0.9 },
              { type: "punctuation", value: ",", offset: "PT1.1S", duration: "PT0S" },
              { type: "word", value: "hi", offset: "PT1.2S", duration: "PT1.8S" },
            ]),
          ),
        ],
        {},
        state,
      ),
    ).toEqual([
      {
        type: "chunk",
        callId: "c-1",
        seq: 1,
        speaker: "agent",
        text: "Sorry, hi.",
        final: true,
        segmentId: "utt-7",
        startMs: 600,
        endMs: 3000,
        words: [
          { w: "Sorry", startMs: 600, endMs: 1100 },
          { w: "hi", startMs: 1200, endMs: 3000 },
        ],
      },
    ]);
    expect(state.language).toBe("en-US");
  });

  it.each([
    {
      name: "partials and the final share the transcript id",
      payloads: [
        ghEvent(ghData({ isFinal: false }, "I'm going")),
        ghEvent(ghData({ isFinal: false }, "I'm")),
        ghEvent(ghData({}, "I'm going to sue.")),
      ],
      expected: [
        { seq: 1, final: false, segmentId: "t-1" },
        { seq: 2, final: false, segmentId: "t-1", text: "I'm" },
        { seq: 3, final: true, segmentId: "t-1" },
      ],
    },
    {
      name: 'channelId as "external" / "internal"',
      payloads: [ghEvent(ghData({ channelId: "internal" }), ghData({ id: "t-2", channelId: "external" }))],
      expected: [
        { seq: 1, speaker: "agent" },
        { seq: 2, speaker: "customer" },
      ],
    },
    {
      name: "a channelMap by name applies to numeric channels too",
      options: { channelMap: { external: "agent", internal: "customer" } },
      payloads: [ghEvent(ghData({ channelId: 0 }))],
      expected: [{ speaker: "agent" }],
    },
    {
      name: "longer ISO durations, no tokens",
      payloads: [ghEvent(ghData({ offset: "PT1M2.5S", duration: "PT1.25S" }))],
      expected: [{ startMs: 62_500, endMs: 63_750, words: undefined }],
    },
    {
      name: "a bad offset is left out",
      payloads: [ghEvent(ghData({ offset: "1.2", duration: "PT1S" }))],
      expected: [{ startMs: undefined, endMs: undefined, text: "hello" }],
    },
    {
      name: "the alternative in the call's language",
      options: { language: "en-GB" },
      payloads: [
        ghEvent(
          ghData({
            alternatives: [
              { languages: ["ko-KR"], interpretations: [{ type: "display", transcript: "안녕하세요" }] },
              { languages: ["en-US"], interpretations: [{ type: "display", transcript: "hello there" }] },
            ],
          }),
        ),
      ],
      expected: [{ text: "hello there" }],
    },
    {
      name: "other message types, other entities, empty transcripts give nothing",
      payloads: [
        { version: "2", type: "opened", seq: 1, id: "s", parameters: {} },
        { version: "2", type: "pong", seq: 2, id: "s", parameters: {} },
        {
          version: "2",
          type: "event",
          seq: 3,
          id: "s",
          parameters: { entities: [{ type: "agentassist", data: {} }] },
        },
        ghEvent(ghData({}, "   ")),
      ],
      expected: [],
    },
  ] as { name: string; payloads: unknown[]; options?: AdapterOptions; expected: Partial<ChunkMessage>[] }[])(
    "$name",
    ({ payloads, options, expected }) => {
      const chunks = run("genesys", payloads, options);
      expectChunks(chunks, expected);
    },
  );

  it.each([
    ["null", null],
    ["no type", { version: "2", parameters: {} }],
    ["an event without parameters", { version: "2", type: "event" }],
    ["entities not an array", { version: "2", type: "event", parameters: { entities: {} } }],
    ["an entity that is not an object", { version: "2", type: "event", parameters: { entities: [1] } }],
    [
      "a transcript without data",
      { version: "2", type: "event", parameters: { entities: [{ type: "transcript" }] } },
    ],
    ["a final on an unknown channel", ghEvent(ghData({ channelId: 5 }))],
  ])("rejects %s", (_name, payload) => {
    expectBad("genesys", payload);
  });
});

// ---------------------------------------------------------------------------------------------

const hypothesis = (speaker: string, i: number) => ({
  event: "Recognizing",
  Text: "x",
  SpeakerId: speaker,
  channel: `leg-${i}`,
});

describe("every adapter", () => {
  it("is all-or-nothing: a throw leaves the state as it was", () => {
    const state = createAdapterState("c-1");
    const err = errorOf(
      "aws-transcribe",
      {
        Transcript: {
          Results: [
            { ResultId: "a", IsPartial: false, ChannelId: "ch_0", Alternatives: [{ Transcript: "good" }] },
            { ResultId: "b", IsPartial: false, ChannelId: "ch_9", Alternatives: [{ Transcript: "bad" }] },
          ],
        },
      },
      {},
      state,
    );
    expect(err).toBeInstanceOf(CallcueError);
    expect(state.nextSeq).toBe(1);
    expect(state.segmentSpeakers.size).toBe(0);
    const gState = createAdapterState("c-2");
    run("google-v1", [gResult({ channelTag: 1, alternatives: [{ transcript: "open" }] })], {}, gState);
    const before = new Map(gState.openSegments);
    errorOf(
      "google-v1",
      { results: [{ isFinal: true, channelTag: 1, alternatives: [{ transcript: "x" }] }, 5] },
      {},
      gState,
    );
    errorOf(
      "google-v1",
      {
        results: [
          { isFinal: true, channelTag: 1, alternatives: [{ transcript: "x" }] },
          { isFinal: true, channelTag: 4, alternatives: [{ transcript: "y" }] },
        ],
      },
      {},
      gState,
    );
    expect(gState.openSegments).toEqual(before);
    expect(
      run(
        "google-v1",
        [gResult({ isFinal: true, channelTag: 1, alternatives: [{ transcript: "ok" }] })],
        {},
        gState,
      )[0],
    ).toMatchObject({ seq: 2, segmentId: "g1-0" });
  });

  it("keeps its per-call memory bounded whatever the channels", () => {
    const state = createAdapterState("c-1");
    for (let i = 0; i < 300; i++) {
      run("google-v1", [gResult({ channelTag: 100 + i, alternatives: [{ transcript: "x" }] })], {}, state);
      run("deepgram", [dg({ transcript: "x", channel_index: [i, 400] })], {}, state);
      run("azure", [hypothesis(`Guest-${i}`, i)], {}, state);
      run(
        "aws-transcribe",
        [awsResult({ ResultId: `r-${i}`, ChannelId: "ch_0", Alternatives: [{ Transcript: "y" }] })],
        {},
        state,
      );
    }
    // 300 AWS finals, Deepgram channels 0 and 1, Azure Guest-1 and Guest-2: the rest are unmapped.
    expect(state.nextSeq).toBe(1 + 300 + 2 + 2);
    expect(state.openSegments.size).toBeLessThanOrEqual(64);
    expect(state.segmentSpeakers.size).toBeLessThanOrEqual(64);
  });

  it("turns anything thrown while reading into CC_ERR_BAD_FIELD", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new RangeError("boom");
        },
      },
    );
    for (const f of FORMATS) {
      const err = errorOf(f, hostile);
      expect(err, f).toBeInstanceOf(CallcueError);
      expect((err as CallcueError).code, f).toBe("CC_ERR_BAD_FIELD");
    }
  });

  it.each(FORMATS)(
    "%s never throws anything but CC_ERR_BAD_FIELD and only emits valid chunks (fuzz)",
    (format) => {
      const fixture = lines(`${format}.jsonl`);
      // Replace one node of a recorded message with arbitrary JSON.
      const mutate = (v: unknown, target: number, junk: unknown): unknown => {
        let n = 0;
        const walk = (x: unknown): unknown => {
          if (n++ === target) return junk;
          if (Array.isArray(x)) return x.map(walk);
          if (x !== null && typeof x === "object")
            return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
          return x;
        };
        return walk(v);
      };
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(fixture.length - 1), fc.nat(400), fc.jsonValue({ maxDepth: 3 })), {
            maxLength: 8,
          }),
          (edits) => {
            const state = createAdapterState("fz");
            let lastSeq = 0;
            for (const [i, target, junk] of edits) {
              try {
                for (const c of adapterFor(format)!(mutate(fixture[i], target, junk), state, {})) {
                  expect(validateMessage(c)).toEqual(c);
                  expect(c.seq).toBe(lastSeq + 1);
                  lastSeq = c.seq;
                }
              } catch (err) {
                expect(err).toBeInstanceOf(CallcueError);
                expect((err as CallcueError).code).toBe("CC_ERR_BAD_FIELD");
              }
              expect(state.nextSeq).toBe(lastSeq + 1);
            }
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------
// The same call from every vendor gives the same analysis as the wire reference.

const VENDOR_OPTIONS: Record<Format, AdapterOptions> = {
  "aws-transcribe": {},
  "aws-call-analytics": {},
  // The fixture's agent is on channelTag 1, the customer on 2.
  "google-v1": { channelMap: { "1": "agent", "2": "customer" } },
  "google-v2": {},
  deepgram: {},
  // Diarization labelled the agent, who spoke first, Guest-1.
  azure: { channelMap: { "Guest-1": "agent", "Guest-2": "customer" } },
  genesys: {},
};

let shared: Analyzer | undefined;
const analyzer = (): Analyzer => {
  shared ??= createAnalyzer();
  return shared;
};

interface Outcome {
  chunks: ChunkMessage[];
  hints: [string, string, string][];
  label: string;
  signalCounts: unknown;
  errors: unknown[];
}

function analyse(callId: string, chunks: ChunkMessage[]): Outcome {
  const call = analyzer().openCall({ callId, language: "en-US" });
  const events = chunks.flatMap((c) => call.push(c));
  const summary = call.end();
  return {
    chunks,
    hints: events
      .filter((e): e is HintEvent => e.type === "hint")
      .map((h) => [h.customerType.label, h.priority, h.technique.id]),
    label: summary.customerType.label,
    signalCounts: summary.signalCounts,
    errors: events.filter((e) => e.type === "error"),
  };
}

const loose = (t: string): string =>
  t
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]/gu, "")
    .replace(/\s+/g, " ")
    .trim();

describe("vendor fixtures ≡ reference call", () => {
  const referenceLines = lines("reference.wire.jsonl") as { type: string }[];
  const refChunks = referenceLines.filter((m): m is ChunkMessage => m.type === "chunk");
  const reference = analyse(
    "ref",
    refChunks.map((c) => ({ ...c, callId: "ref" })),
  );

  it("the reference itself: a customer who threatens to sue and asks for a manager", () => {
    expect(referenceLines[0]).toMatchObject({ type: "start", language: "en-US" });
    expect(referenceLines.at(-1)).toMatchObject({ type: "end" });
    expect(reference.errors).toEqual([]);
    expect(reference.label).toBe("commanding");
    expect(reference.signalCounts).toMatchObject({ escalation_threat: 1, manager_request: 1 });
    expect(reference.hints.map((h) => h[1])).toContain("urgent");
    expect(reference.hints.length).toBeGreaterThanOrEqual(3);
  });

  it.each(FORMATS)("%s", (format) => {
    const payloads = lines(`${format}.jsonl`);
    expect(payloads.length).toBeGreaterThanOrEqual(8);
    expect(payloads.length).toBeLessThanOrEqual(16);
    const state = createAdapterState(format);
    const chunks = run(format, payloads, VENDOR_OPTIONS[format], state);
    const got = analyse(format, chunks);
    expect(got.errors).toEqual([]);
    // seq 1, 2, 3, … and both speakers, partials and finals present.
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i + 1));
    expect(new Set(chunks.map((c) => c.speaker))).toEqual(new Set(["customer", "agent"]));
    expect(chunks.some((c) => c.final === false)).toBe(true);
    // Finals: same speaker, text and times as the reference.
    const finals = (cs: ChunkMessage[]) =>
      cs.filter((c) => c.final !== false).map((c) => [c.speaker, c.text, c.startMs, c.endMs]);
    expect(finals(chunks)).toEqual(finals(refChunks));
    // Partials: the reference's, in order (a vendor may drop one it cannot attribute yet).
    const refPartials = refChunks
      .filter((c) => c.final === false)
      .map((c) => `${c.speaker}|${loose(c.text)}`);
    const partials = chunks.filter((c) => c.final === false).map((c) => `${c.speaker}|${loose(c.text)}`);
    let j = 0;
    for (const p of partials) {
      while (j < refPartials.length && refPartials[j] !== p) j++;
      expect(j, `partial ${p} not in the reference`).toBeLessThan(refPartials.length);
      j++;
    }
    // A partial shares the segment of the final that follows it on the same speaker.
    chunks.forEach((c, i) => {
      if (c.final !== false) return;
      const fin = chunks.slice(i + 1).find((d) => d.speaker === c.speaker && d.final !== false);
      expect(fin?.segmentId).toBe(c.segmentId);
    });
    // The analysis.
    expect(got.hints).toEqual(reference.hints);
    expect(got.label).toBe(reference.label);
    expect(got.signalCounts).toEqual(reference.signalCounts);
  });
});
