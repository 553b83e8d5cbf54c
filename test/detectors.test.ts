import { describe, expect, it } from "vitest";
import { kindsOf, runCall } from "./helpers.js";

/** [utterance, kind that must fire] — in every language, including ASR noise. */
const POSITIVES: [string, string, string][] = [
  // escalation threats
  ["zh-Hans", "我要投诉到国家局 还要向媒体反映", "escalation_threat"],
  ["zh-Hans", "我要头诉到国家局", "escalation_threat"],
  ["zh-Hans", "信不信我去法院起诉你们", "escalation_threat"],
  ["zh-Hant", "我要去消基會投訴你們", "escalation_threat"],
  ["zh-Hant", "我會找記者爆料", "escalation_threat"],
  ["ko", "소비자원에 신고할 거예요", "escalation_threat"],
  ["ko", "소비자원에신고할거예요", "escalation_threat"],
  ["ko", "변호사 선임해서 소송 걸 겁니다", "escalation_threat"],
  ["en", "i'll sue you", "escalation_threat"],
  ["en", "im going to report you to the bbb", "escalation_threat"],
  ["en", "I WILL SUE YOU PEOPLE", "escalation_threat"],
  // manager request
  ["zh-Hans", "叫你们领导来", "manager_request"],
  ["zh-Hans", "把你们经里叫过来", "manager_request"],
  ["ko", "책임자 바꿔 주세요", "manager_request"],
  ["en", "let me speak to your manager", "manager_request"],
  ["en", "get me your supervisior", "manager_request"],
  // compensation
  ["zh-Hans", "你们必须赔偿我的损失", "compensation_demand"],
  ["zh-Hant", "馬上給我退款", "compensation_demand"],
  ["ko", "환불해 주세요", "compensation_demand"],
  ["en", "i want a refund", "compensation_demand"],
  ["en", "i want a, um, refund", "compensation_demand"],
  ["en", "i expect compensaton for this", "compensation_demand"],
  // churn
  ["zh-Hans", "以后再也不用你们家了", "churn_threat"],
  ["ko", "해지할게요", "churn_threat"],
  ["en", "i'm cancelling my account", "churn_threat"],
  // profanity and insults
  ["zh-Hans", "你他妈的", "profanity"],
  ["zh-Hans", "傻逼", "profanity"],
  ["ko", "씨발 진짜", "profanity"],
  ["ko", "ㅅㅂ", "profanity"],
  ["en", "what the f*ck", "profanity"],
  ["zh-Hans", "你这个废物", "insult"],
  ["ko", "말귀를 못 알아듣네", "insult"],
  ["en", "you idiot", "insult"],
  // demands, urgency, sympathy, improvement, venting, harassment
  ["zh-Hans", "我不管 今天必须给我送到", "demand"],
  ["ko", "당장 해결해", "demand"],
  ["en", "i demand you fix this right now", "demand"],
  ["zh-Hans", "急死了 怎么还没到", "urgency"],
  ["en", "it's been two weeks and i still haven't got it", "urgency"],
  ["zh-Hans", "真是委屈死了 害得我被老板骂", "sympathy_seeking"],
  ["en", "because of you i missed my daughter's wedding", "sympathy_seeking"],
  ["zh-Hans", "你们应该改进一下流程", "improvement_request"],
  ["en", "you need to fix your website", "improvement_request"],
  ["zh-Hans", "太不像话了", "venting"],
  ["ko", "어이없네", "venting"],
  ["en", "this is ridiculous", "venting"],
  ["zh-Hans", "你有男朋友吗", "harassment"],
  ["en", "what are you wearing", "harassment"],
  // contradiction, hangup refusal, politeness
  ["zh-Hans", "七点 哦不对 六点半", "contradiction"],
  ["en", "no wait, actually i want the blue one", "contradiction"],
  ["zh-Hans", "你不给我解决我就不挂电话", "hangup_refusal"],
  ["ko", "해결될 때까지 안 끊을 거예요", "hangup_refusal"],
  ["en", "i'm not hanging up until this is fixed", "hangup_refusal"],
  ["zh-Hans", "麻烦您帮我查一下 谢谢", "politeness"],
  ["ko", "부탁드립니다", "politeness"],
  ["en", "could you please check, thank you", "politeness"],
  // loudness from the text alone
  ["en", "THIS IS COMPLETELY UNACCEPTABLE", "loudness"],
  ["zh-Hans", "你们到底管不管！！", "loudness"],
  ["zh-Hans", "[大声] 我的快递呢", "loudness"],
  ["ko", "[고함] 빨리 해 주세요", "loudness"],
];

/** Look-alikes that must not fire the kind. */
const NEGATIVES: [string, string, string][] = [
  ["zh-Hans", "我想买一套多媒体设备", "escalation_threat"],
  ["zh-Hans", "我不是要投诉 就是问问", "escalation_threat"],
  ["zh-Hans", "我不会去告你们的", "escalation_threat"],
  ["zh-Hans", "我想查一下退款进度", "compensation_demand"],
  ["zh-Hant", "學校對面是一間律師事務所", "escalation_threat"],
  ["ko", "카드 분실 신고하려고요", "escalation_threat"],
  ["ko", "고소할 생각은 없어요", "escalation_threat"],
  ["ko", "환불 규정이 어떻게 되나요", "compensation_demand"],
  ["en", "my media player won't connect", "escalation_threat"],
  ["en", "I'm not going to sue anyone", "escalation_threat"],
  ["en", "i live in scunthorpe", "profanity"],
  ["en", "can you assess the damage", "profanity"],
  ["en", "my account manager set this up", "manager_request"],
  ["en", "the manger at church", "manager_request"],
];

describe("lexical detectors", () => {
  it.each(POSITIVES)("%s: %s → %s", (lang, text, kind) => {
    expect(kindsOf(text, lang)).toContain(kind);
  });

  it.each(NEGATIVES)("%s: %s does not fire %s", (lang, text, kind) => {
    expect(kindsOf(text, lang)).not.toContain(kind);
  });

  it("never counts the agent's words for the customer", () => {
    const { summary } = runCall([
      { speaker: "agent", text: "如果您需要 我可以帮您投诉 也可以申请退款 或者转给经理" },
      { speaker: "agent", text: "I can give you a refund or get my manager, you can also sue us" },
    ]);
    expect(summary.signalCounts).toEqual({});
  });

  it("maps evidence back to the original text, across Traditional characters and spacing", () => {
    const text = "嗯 我要  投訴 到 國家局";
    const { signals } = runCall([text], "zh-Hant");
    const s = signals.find((x) => x.kind === "escalation_threat");
    expect(s?.evidence.text).toBe(text.slice(s?.evidence.start, s?.evidence.end));
    expect(s?.evidence.text).toContain("國家局");
    expect(s?.target).toBe("regulator");
  });

  it("works when the language is not declared, per chunk (code-switching)", () => {
    const { summary } = runCall(["我要投诉到国家局", "소비자원에 신고할 거예요", "and I will sue you"]);
    expect(summary.signalCounts.escalation_threat).toBe(3);
  });
});

describe("timing and voice detectors", () => {
  it("fires fast_speech from timestamps above the language norm", () => {
    const fast = runCall(
      [{ text: "你们这个快递到底怎么回事我等了好几天了还没到", startMs: 0, endMs: 2500 }],
      "zh-Hans",
    );
    const slow = runCall([{ text: "你们这个快递到底怎么回事", startMs: 0, endMs: 4000 }], "zh-Hans");
    expect(fast.summary.signalCounts.fast_speech).toBe(1);
    expect(slow.summary.signalCounts.fast_speech).toBeUndefined();
  });

  it("fires interruption when the customer starts before the agent has finished", () => {
    const over = runCall([
      { speaker: "agent", text: "您好 请问有什么可以帮您", startMs: 0, endMs: 3000 },
      { text: "我的快递呢", startMs: 2000, endMs: 3500 },
    ]);
    const turn = runCall([
      { speaker: "agent", text: "您好 请问有什么可以帮您", startMs: 0, endMs: 3000 },
      { text: "我的快递呢", startMs: 3200, endMs: 4500 },
    ]);
    expect(over.summary.signalCounts.interruption).toBe(1);
    expect(turn.summary.signalCounts.interruption).toBeUndefined();
  });

  it("fires loudness on volumeDb 6 dB above the speaker's running median", () => {
    const lines = [-20, -19, -21, -20, -11].map((volumeDb, i) => ({ text: `第${i}句话`, volumeDb }));
    expect(runCall(lines).summary.signalCounts.loudness).toBe(1);
    const steady = [-20, -19, -21, -20, -17].map((volumeDb, i) => ({ text: `第${i}句话`, volumeDb }));
    expect(runCall(steady).summary.signalCounts.loudness).toBeUndefined();
  });

  it("fires repetition on a near-verbatim repeat, not on a different complaint", () => {
    const rep = runCall(["我的包裹到现在还没有收到", "我的包裹到现在还没有收到啊"]);
    const diff = runCall(["我的包裹到现在还没有收到", "另外我想改一下收货地址"]);
    expect(rep.summary.signalCounts.repetition).toBe(1);
    expect(diff.summary.signalCounts.repetition).toBeUndefined();
  });

  it("fires off_topic on a long turn with no service term", () => {
    const story =
      "上个礼拜我们一家人去了云南 先到的大理 那个天是真蓝啊 洱海边上风大得很 我老伴非要拍照 冻得直哆嗦 后来又去了丽江古城 晚上人多得不得了 吃了好多小吃";
    expect(runCall([story]).summary.signalCounts.off_topic).toBe(1);
    expect(
      runCall([
        "我上个礼拜在你们网上下的订单 快递到现在都没有发货 物流信息一直不更新 包裹也查不到 订单号我可以发给你 麻烦你们帮我催一下仓库",
      ]).summary.signalCounts.off_topic,
    ).toBeUndefined();
  });
});

describe("inference", () => {
  it("labels from the words alone, without timestamps or volume (text chat)", () => {
    expect(runCall(["你们这帮骗子 废物", "你这个白痴 听不懂人话吗"]).summary.customerType.label).toBe(
      "abusive",
    );
    expect(
      runCall(["I want compensation for this", "I expect a refund and a discount"]).summary.customerType
        .label,
    ).toBe("negotiator");
    expect(
      runCall(["부탁드립니다 이 요금이 왜 나왔는지 설명해 주시겠어요", "네 감사합니다 이해했습니다"]).summary
        .customerType.label,
    ).toBe("rational");
  });

  it("does not flicker: one stray signal does not change a settled label", () => {
    const { hints } = runCall(["你们这帮骗子 废物", "你这个白痴", "你们就是骗子", "麻烦你快点处理 我要退款"]);
    expect(hints.at(-1)?.customerType.label).toBe("abusive");
  });

  it("sends urgent hints with the technique of the urgent signal and never the same hint twice in a row", () => {
    const { hints } = runCall(["我要向媒体反映", "我要向媒体反映"]);
    expect(hints[0]?.priority).toBe("urgent");
    expect([hints[0]?.technique.id, ...(hints[0]?.technique.alternates ?? [])]).toContain(
      "escalate_supervisor",
    );
    for (let i = 1; i < hints.length; i++)
      expect(JSON.stringify(hints[i])).not.toBe(JSON.stringify(hints[i - 1]));
  });

  it("gives technique lines in the call's language", () => {
    const { hints } = runCall(["你們這些騙子"], "zh-TW");
    expect(hints[0]?.technique.name).toBe("設定界限");
  });
});
