/**
 * Line breaking for mixed Chinese/Latin text (a small subset of UAX #14 plus Chinese
 * 禁则): break between any two CJK characters, keep Latin words and numbers whole, never
 * start a line with closing punctuation, never end one with an opening bracket. A unit
 * wider than the line (a long URL) is split by characters so nothing overflows.
 */

/** May not start a line. */
export const NO_LINE_START = new Set(
  '。，、；：？！）」』》〉】〕〗〙〛｝］’”…‥·・ー々〻ゝゞヽヾ%％,.;:?!)]}>»›〜～—－'.split(''),
);
/** May not end a line: opening brackets, and currency signs (they belong to the amount after them). */
export const NO_LINE_END = new Set('（「『《〈【〔〖〘〚｛［‘“([{<«‹¥￥$€£'.split(''));

const WORD_CHAR = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Nd}@#&_\-+=/\\.:'’]/u;
/** Answers per character, remembered: a long table asks about the same few hundred characters again and again. */
const wordChars = new Map<string, boolean>();
const isWordChar = (ch: string) => {
  let is = wordChars.get(ch);
  if (is === undefined) {
    is = WORD_CHAR.test(ch);
    if (wordChars.size < 65536) wordChars.set(ch, is);
  }
  return is;
};

/** The last character (code point) of a non-empty string. */
const lastChar = (s: string) => {
  const cp = s.codePointAt(s.length - 1)!;
  // A lone low surrogate at the end is the second half of a pair.
  return cp >= 0xdc00 && cp <= 0xdfff && s.length > 1 ? String.fromCodePoint(s.codePointAt(s.length - 2)!) : String.fromCodePoint(cp);
};

/** A thousands separator inside an amount (12,800.00): part of the number, not a break. */
const isDigitGroupComma = (chars: string[], i: number) => chars[i] === ',' && /\d/.test(chars[i - 1] ?? '') && /\d/.test(chars[i + 1] ?? '');

/**
 * Splits text into unbreakable units. Whitespace ends a unit and stays attached to it (it
 * is dropped at a line end by the wrapper).
 */
export function breakUnits(text: string): string[] {
  const chars = Array.from(text);
  const units: string[] = [];
  let i = 0;
  while (i < chars.length) {
    let unit = chars[i];
    if (isWordChar(chars[i]) && !NO_LINE_START.has(chars[i])) {
      // A word: letters/digits and the punctuation that lives inside words (e-mail, 3.5, a/b).
      while (i + 1 < chars.length && (isWordChar(chars[i + 1]) || isDigitGroupComma(chars, i + 1))) unit += chars[++i];
    }
    i++;
    // Closing punctuation and trailing spaces stick to what precedes them.
    while (i < chars.length && (NO_LINE_START.has(chars[i]) || chars[i] === ' ')) unit += chars[i++];
    units.push(unit);
  }
  // Opening brackets stick to what follows them.
  const merged: string[] = [];
  for (let k = 0; k < units.length; k++) {
    let u = units[k];
    while (NO_LINE_END.has(lastChar(u)) && k + 1 < units.length) u += units[++k];
    merged.push(u);
  }
  return merged;
}

export type Measure = (text: string) => number;

/** Splits a paragraph into the units a line may break between. */
export type Splitter = (text: string) => string[];

/**
 * Units of a value that must not break (phone number, e-mail, amount, date): the whole
 * value, except that a phone extension (转 8021, 分机 12, ext. 5) may go to the next line.
 */
export const atomicUnits: Splitter = (text) => {
  const ext = /\s*(?:转|分机|ext\.?)\s*\d/i.exec(text);
  if (!ext || ext.index === 0) return [text];
  // Spaces before the extension stay with the number, as in breakUnits.
  const cut = ext.index + ext[0].length - ext[0].trimStart().length;
  return [text.slice(0, cut), text.slice(cut)];
};

/** Wraps one paragraph (no newlines) into lines no wider than `maxWidth`. */
function wrapParagraph(text: string, maxWidth: number, measure: Measure, split: Splitter): string[] {
  if (!text) return [''];
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line.trimEnd());
    line = '';
  };
  for (const unit of split(text)) {
    if (measure((line + unit).trimEnd()) <= maxWidth) {
      line += unit;
      continue;
    }
    if (line) push();
    if (measure(unit.trimEnd()) <= maxWidth) {
      line = unit.trimStart();
      continue;
    }
    // Too wide for any line: split by characters, keeping closing punctuation attached.
    for (const ch of Array.from(unit)) {
      if (line && measure(line + ch) > maxWidth && !NO_LINE_START.has(ch)) push();
      line += ch;
    }
  }
  if (line || lines.length === 0) push();
  return lines;
}

/** Wraps text with explicit line breaks kept. */
export function wrapText(text: string, maxWidth: number, measure: Measure, split: Splitter = breakUnits): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n').flatMap((p) => wrapParagraph(p, maxWidth, measure, split));
}
