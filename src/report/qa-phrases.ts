/**
 * Agent-side phrase lists for the QA scorecard (data, not code): empathy and
 * apology, holds, promises (callback, fix) and the time words that make a
 * promise concrete — in Simplified Chinese, Korean and English.
 *
 * Matching is on a light normalisation of the agent's utterance (see
 * `normalizeForPhrases`):
 * - `latin`: NFKC, lower case, curly apostrophes straightened, a few
 *   contractions folded ("i am" → "i'm"), words joined by single spaces and
 *   padded with one space each side. A string phrase matches as whole words.
 * - `cjk`: NFKC, whitespace removed (Korean ASR spacing varies), and the
 *   Traditional characters of `TRADITIONAL_TO_SIMPLIFIED` mapped to
 *   Simplified, so zh-Hant input matches the zh-Hans lists. A string phrase
 *   matches as a substring.
 *
 * A `RegExp` phrase is tested against the form of its language (`latin` for
 * en, `cjk` for zh and ko). All three languages are always tried: their
 * scripts do not overlap, so code-switching needs no language detection.
 */

export type PhraseLanguage = "zh" | "ko" | "en";
export type Phrase = string | RegExp;

export interface QaPhraseSet {
  /** The agent acknowledges the caller's feelings, or validates them. */
  empathy: readonly Phrase[];
  /** The agent apologises or takes responsibility. */
  apology: readonly Phrase[];
  /** The agent puts the caller on hold or asks them to wait. */
  hold: readonly Phrase[];
  /** The agent promises a callback or a fix for later. */
  promise: readonly Phrase[];
  /** What makes a promise concrete: a clock time, a day, a duration, "now". */
  concreteTime: readonly Phrase[];
  /** Vague time words, named in the finding ("as soon as possible" is not a time). */
  vagueTime: readonly Phrase[];
}

/**
 * Traditional → Simplified, for the characters the zh lists use (and a few
 * common neighbours). Not a converter: just enough for the phrases below.
 */
export const TRADITIONAL_TO_SIMPLIFIED: Readonly<Record<string, string>> = {
  會: "会",
  盡: "尽",
  儘: "尽",
  處: "处",
  給: "给",
  電: "电",
  話: "话",
  聯: "联",
  絡: "络",
  繫: "系",
  覆: "复",
  復: "复",
  幫: "帮",
  饋: "馈",
  後: "后",
  兩: "两",
  點: "点",
  週: "周",
  鐘: "钟",
  們: "们",
  這: "这",
  邊: "边",
  時: "时",
  內: "内",
  為: "为",
  請: "请",
  進: "进",
  與: "与",
  將: "将",
  個: "个",
  說: "说",
  對: "对",
  擾: "扰",
  煩: "烦",
  帶: "带",
  來: "来",
  諒: "谅",
  體: "体",
  實: "实",
  確: "确",
  讓: "让",
  難: "难",
  過: "过",
  氣: "气",
  擔: "担",
  憂: "忧",
  著: "着",
  應: "应",
  該: "该",
  錯: "错",
  誤: "误",
  詢: "询",
  認: "认",
  轉: "转",
  掛: "挂",
  機: "机",
  斷: "断",
  號: "号",
  禮: "礼",
  歡: "欢",
  謝: "谢",
  報: "报",
  當: "当",
  結: "结",
  馬: "马",
  裡: "里",
  裏: "里",
  還: "还",
  決: "决",
  題: "题",
  問: "问",
};

const SUBJECTS_EN =
  "(?:i'll|we'll|i'm going to|we're going to|i'm gonna|someone will|somebody will|someone'll|(?:a|my|our|the) (?:supervisor|manager|team lead|team leader|specialist|engineer|technician|team|colleague) will)";
const ACTIONS_EN =
  "(?:call you|ring you|phone you|give you a (?:call|ring)|get back to you|be in touch|get in touch|contact you|reach out|follow up|email you|text you|update you|let you know|look into (?:it|this|that)|sort (?:it|this|that) out|get (?:it|this|that) sorted|fix (?:it|this|that)|resolve (?:it|this|that)|get (?:it|this|that) fixed|get (?:it|this|that) resolved)";
const NUM_EN =
  "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|twenty four|thirty|forty|forty five|forty eight|fifty|sixty|seventy two|ninety|a|an|half an)";
const UNIT_EN = "(?:minutes?|hours?|days?|business days?|working days?|weeks?)";

/** Native and Sino-Korean numerals before 시/시간/분. */
const NUM_KO =
  "(?:[0-9]+|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|열한|열두|반|[일이삼사오육칠팔구]?십[일이삼사오육칠팔구]?)";

/** Chinese numerals (no bare 一, which is also "a bit": 快一点). */
const NUM_ZH = "(?:[0-9]+|[两二三四五六七八九十半]|十[一二]|[一二三四五六七八九]?十[一二三四五六七八九]?)";

export const QA_PHRASES: Readonly<Record<PhraseLanguage, QaPhraseSet>> = {
  en: {
    empathy: [
      "i understand",
      "i can understand",
      "i completely understand",
      "i totally understand",
      "i fully understand",
      "i do understand",
      "i hear you",
      "i can hear",
      "i can see why",
      "i can see how",
      "i can imagine",
      "i can only imagine",
      "i know how",
      "that must be",
      "that must have been",
      "that sounds frustrating",
      "that sounds really frustrating",
      "that sounds stressful",
      "that sounds really stressful",
      "that sounds difficult",
      "that sounds awful",
      "that sounds worrying",
      "that's frustrating",
      "that's awful",
      "that's not okay",
      "that's not ok",
      "that's not acceptable",
      "that's not the experience",
      "you're right",
      "you're absolutely right",
      "that's a fair point",
      "anyone would be upset",
      "i'd feel the same",
      "i would feel the same",
      "i'd be upset too",
      "i'd be frustrated too",
    ],
    apology: [
      "i'm sorry",
      "i'm so sorry",
      "i'm really sorry",
      "i'm very sorry",
      "i'm terribly sorry",
      "i'm truly sorry",
      "we're sorry",
      "we're so sorry",
      "so sorry",
      "really sorry",
      "very sorry",
      "sorry about",
      "sorry for",
      "sorry to hear",
      "sorry that",
      "sorry you",
      "sorry you've",
      "sorry this",
      "apologies",
      "my apologies",
      "our apologies",
      "i apologise",
      "i apologize",
      "we apologise",
      "we apologize",
      "i do apologise",
      "i do apologize",
      "that's on us",
      /(?<!\bnot )\b(?:our|my) (?:mistake|fault|error)\b/,
    ],
    hold: [
      "please hold",
      "hold please",
      "put you on hold",
      "place you on hold",
      "putting you on hold",
      "placing you on hold",
      "on hold",
      "a brief hold",
      "a quick hold",
      "a short hold",
      "hold the line",
      "one moment",
      "just a moment",
      "one sec",
      "one second",
      "just a second",
      "just a sec",
      "bear with me",
      "hold on",
      "give me a moment",
      "give me a second",
      "give me a minute",
      "just a minute",
    ],
    promise: [
      "call you back",
      "ring you back",
      "phone you back",
      "get back to you",
      "be in touch",
      "be in contact",
      "follow up with you",
      "someone will contact you",
      "someone will call you",
      "we'll sort it",
      "we'll fix it",
      new RegExp(
        `\\b${SUBJECTS_EN} (?:(?:personally|definitely|make sure to|try to|make sure someone|have someone|have somebody) )?${ACTIONS_EN}\\b`,
      ),
    ],
    concreteTime: [
      /\b[0-9]{1,2}(?: [0-9]{2})? ?(?:am|pm|o'clock)\b/,
      /\b(?:by|at|before|after|around|until|till|from) [0-9]{1,2}(?: [0-9]{2})?\b/,
      /\b[0-9]+ ?(?:minutes?|mins?|hours?|hrs?|days?|business days?|working days?|weeks?)\b/,
      /\b[0-9]{1,2}(?:st|nd|rd|th)\b/,
      /\b(?:today|tonight|tomorrow|now|noon|midday|midnight|o'clock|am|pm|eod)\b/,
      /\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/,
      /\b(?:january|february|march|april|june|july|august|september|october|november|december)\b/,
      /\bthis (?:morning|afternoon|evening|week)\b/,
      /\b(?:end of (?:the )?(?:day|week)|close of business|within the hour|right away|straight away)\b/,
      new RegExp(`\\b(?:in|within|under|after) ${NUM_EN} ${UNIT_EN}\\b`),
      new RegExp(`\\b${NUM_EN} ${UNIT_EN}\\b`),
      /\b(?:by|at|before|around|after) (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/,
      // Tied to an event the customer will see: "when the driver arrives", "once it's delivered".
      /\b(?:when|once|as soon as) (?:he|she|they|it|the (?:driver|courier|engineer|technician|parcel|package|order)) (?:arrives?|gets? there|is (?:delivered|shipped|on (?:his|her|their|the) way))\b/,
      /\b(?:when|once|as soon as) (?:it's|he's|she's|they're) (?:delivered|shipped|here|there|on (?:his|her|their|the) way)\b/,
      /\b(?:before|after|on) (?:delivery|arrival|dispatch)\b/,
    ],
    vagueTime: [
      "as soon as possible",
      "as soon as we can",
      "as soon as i can",
      "asap",
      "soon",
      "shortly",
      "later",
      "at some point",
      "in due course",
      "in a few days",
      "when we can",
      "when i can",
      "when we hear",
    ],
  },
  zh: {
    empathy: [
      "理解您",
      "理解你",
      "我理解",
      "我能理解",
      "我可以理解",
      "我很理解",
      "非常理解",
      "完全理解",
      "能够理解",
      "了解您",
      "能体会",
      "体会到",
      "感同身受",
      "换作是我",
      "换做是我",
      "换成是我",
      "您的心情",
      "您的感受",
      "心情我",
      "我也会着急",
      "我也会生气",
      "站在您的角度",
      "您说得对",
      "您说的对",
      "您说的没错",
      "您说的有道理",
      "您的担心",
      "您的顾虑",
      "确实让人着急",
      "确实让人生气",
      "确实很着急",
      "我明白",
      "明白您",
      "明白你",
      "我了解",
      "你的感受",
      "你嘅感受",
      "你的心情",
      // "理解，…" opening a reply (but not 感谢您的理解).
      /^(?:嗯|好的)?理解/,
    ],
    apology: [
      "抱歉",
      "对不起",
      "道歉",
      "歉意",
      "致歉",
      "不好意思",
      "唔好意思",
      "对唔住",
      "带来不便",
      "造成的不便",
      "造成不便",
      "您的不便",
      "添麻烦",
      "久等了",
      "我们的失误",
      "我们的疏忽",
      "是我们做得不好",
      "是我们的错",
      "我们的错",
      /确实是(?:我们|配送员|快递员|师傅|工作人员|系统)?的?(?:问题|错|失误|责任)/,
    ],
    hold: [
      "请稍等",
      "稍等",
      "请稍候",
      "稍候",
      "稍待",
      "您等一下",
      "请等一下",
      "您等等",
      "等我一下",
      "不要挂机",
      "请勿挂机",
      "别挂机",
      "先别挂",
      "不要挂断",
      "保持通话",
      "线上稍等",
    ],
    promise: [
      "给您回电",
      "回电给您",
      "给您回个电话",
      "给您打电话",
      "回复您",
      "给您回复",
      "答复您",
      "给您答复",
      "联系您",
      "联络您",
      "与您联系",
      "跟您联系",
      "和您联系",
      "通知您",
      "会尽快处理",
      "尽快处理",
      "尽快给您",
      "尽快解决",
      "尽快回复",
      "会处理的",
      "会跟进",
      "帮您跟进",
      "给您解决",
      "给您反馈",
      "反馈给您",
      /(?:会|将)(?:在[^，。,]{0,8})?(?:回复|答复|回电|联系|通知)/,
      /(?:内|前|之前)(?:回复|答复|回电|回访|联系|通知|给您结果|给您答复)/,
      "给您结果",
      "回访您",
    ],
    concreteTime: [
      /[0-9]+(?:[:：][0-9]{2}|个?(?:小时|钟头|分钟|点|点钟|天|日|号|个工作日|工作日|个工作天|工作天|周)|时)/,
      // Tied to an event the customer will see: 送到以后, 上门前, 签收后.
      /(?:送到|送达|到达|到了|签收|上门|出发|派送|发货|发出|取件)(?:以后|之后|后|前|之前|时)/,
      /今天|今日|今晚|今早|明天|明日|明早|明晚|后天|上午|下午|中午|晚上|早上|傍晚|现在|立即|立刻|马上|当场|当天/,
      /(?:周|星期|礼拜)[一二三四五六日天]/,
      /(?:本周|这周|下周)/,
      new RegExp(
        `${NUM_ZH}个?(?:小时|钟头|分钟|天内|天之内|个工作日|工作日|个工作天|工作天|日内|号|点|点钟)`,
      ),
      /一点钟|一个小时|一小时|一天内|一周内|一个工作日/,
    ],
    vagueTime: ["尽快", "稍后", "回头", "过几天", "随后", "第一时间", "晚些时候", "有结果了", "等通知"],
  },
  ko: {
    empathy: [
      "충분히이해",
      "충분히그러실",
      "충분히공감",
      "이해합니다",
      "이해해요",
      "이해가됩니다",
      "이해됩니다",
      "이해가갑니다",
      "공감합니다",
      "공감이됩니다",
      /얼마나.{0,8}셨/,
      "불편하셨",
      "답답하셨",
      "속상하셨",
      "힘드셨",
      "놀라셨",
      "당황하셨",
      "화가나셨",
      "화나셨",
      "걱정하셨",
      "걱정되셨",
      "걱정이많으셨",
      "서운하셨",
      "실망하셨",
      "억울하셨",
      "마음이급하셨",
      "급하셨",
      "오래기다리셨",
      "맞는말씀",
      "말씀이맞",
      "무겁게받아들이",
      /(?:걱정|답답|속상|불편|화|화가|힘|놀라|당황스러우|억울|서운|황당)(?:이)?(?:되|하|나|드|우)?시겠/,
    ],
    apology: [
      "죄송",
      "사과드",
      "사과의말씀",
      "사과말씀",
      "미안합니다",
      "미안해요",
      "불편을드려",
      "불편드려",
      "불편을끼쳐",
      "불편끼쳐",
      "심려를끼쳐",
      "기다리시게해",
      /저희(?:측|쪽)?(?:실수|잘못)(?!(?:이|은|는|가)?(?:아니|아닙|없))/,
    ],
    hold: [
      "잠시만기다려",
      "잠시기다려",
      "잠깐만기다려",
      "잠깐기다려",
      "조금만기다려",
      "잠시만요",
      "잠깐만요",
      "기다려주세요",
      "기다려주시겠",
      "기다려주십시오",
      "대기해주",
      "대기부탁",
      "통화대기",
    ],
    promise: [
      "연락드리겠",
      "연락드릴게",
      "연락드리도록",
      "연락을드리겠",
      "연락을드릴게",
      "전화드리겠",
      "전화드릴게",
      "전화를드리겠",
      "다시전화드리",
      "회신드리겠",
      "회신드릴게",
      "답변드리겠",
      "처리해드리겠",
      "처리해드릴게",
      "처리하겠습니다",
      "해결해드리겠",
      "해결해드릴게",
      "조치해드리겠",
      "조치하겠습니다",
    ],
    concreteTime: [
      /[0-9]+(?::[0-9]{2}|시간|시|분|일|주|월)/,
      /(?:도착|배송|배달|방문|출발|발송|수거)(?:하면|되면|하기전|전에|후에|하시기전)/,
      /오늘|내일|모레|오전|오후|저녁|아침|점심|정오|자정|금일|명일|당일|지금|바로|즉시|이번주|다음주|[월화수목금토일]요일/,
      new RegExp(`${NUM_KO}(?:시간|시|분)`),
      /(?:하루|이틀|사흘|나흘)(?:이내|안에|내)/,
    ],
    vagueTime: [
      "곧",
      "빨리",
      "최대한빨리",
      "조만간",
      "추후",
      "나중에",
      "빠른시일",
      "확인되는대로",
      "되는대로",
    ],
  },
};

export interface PhraseForms {
  /** The utterance as said. */
  original: string;
  /** Lower-case words joined by single spaces, padded with a space each side. */
  latin: string;
  /** No whitespace, Traditional Chinese mapped to Simplified. */
  cjk: string;
  /** For each UTF-16 unit of `cjk`, where its character starts in `original`. */
  cjkToOriginal: number[];
}

const CONTRACTIONS: readonly [RegExp, string][] = [
  [/\bi am\b/g, "i'm"],
  [/\bwe are\b/g, "we're"],
  [/\byou are\b/g, "you're"],
  [/\bi will\b/g, "i'll"],
  [/\bwe will\b/g, "we'll"],
  [/\bit is\b/g, "it's"],
  [/\bthat is\b/g, "that's"],
  [/\bi would\b/g, "i'd"],
];

/** Both matching forms of one utterance (see the module comment). */
export function normalizeForPhrases(text: string): PhraseForms {
  let latin = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[^a-z0-9'\s]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  for (const [re, to] of CONTRACTIONS) latin = latin.replace(re, to);
  let cjk = "";
  const cjkToOriginal: number[] = [];
  let at = 0;
  for (const ch of text) {
    for (const c of ch.normalize("NFKC")) {
      if (/\s/.test(c)) continue;
      const mapped = TRADITIONAL_TO_SIMPLIFIED[c] ?? c;
      cjk += mapped;
      for (let k = 0; k < mapped.length; k++) cjkToOriginal.push(at);
    }
    at += ch.length;
  }
  return { original: text, latin: ` ${latin} `, cjk, cjkToOriginal };
}

/** The words of the utterance behind `cjk[start, end)`, as said (Traditional stays Traditional). */
function cjkOriginal(forms: PhraseForms, start: number, end: number): string {
  const from = forms.cjkToOriginal[start];
  const last = forms.cjkToOriginal[end - 1];
  if (from === undefined || last === undefined) return forms.cjk.slice(start, end);
  const lastChar = String.fromCodePoint(forms.original.codePointAt(last) ?? 0);
  return forms.original.slice(from, last + lastChar.length);
}

/**
 * The first phrase of `list` (of language `lang`) found in the utterance:
 * for zh and ko the words as said, for en the phrase as written in the list.
 */
export function findPhrase(
  forms: PhraseForms,
  lang: PhraseLanguage,
  list: readonly Phrase[],
): string | undefined {
  if (lang === "en") {
    for (const p of list) {
      if (typeof p === "string") {
        if (forms.latin.includes(` ${p} `)) return p;
      } else {
        const m = p.exec(forms.latin);
        if (m) return m[0].trim();
      }
    }
    return undefined;
  }
  for (const p of list) {
    if (typeof p === "string") {
      const i = forms.cjk.indexOf(p);
      if (i >= 0) return cjkOriginal(forms, i, i + p.length);
    } else {
      const m = p.exec(forms.cjk);
      if (m) return cjkOriginal(forms, m.index, m.index + m[0].length);
    }
  }
  return undefined;
}

const LANGS: readonly PhraseLanguage[] = ["zh", "ko", "en"];

/** The first phrase of kind `kind` in the utterance, in any of the three languages. */
export function findAny(forms: PhraseForms, kind: keyof QaPhraseSet): string | undefined {
  for (const lang of LANGS) {
    const hit = findPhrase(forms, lang, QA_PHRASES[lang][kind]);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
