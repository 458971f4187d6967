const UNITS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  a: 1,
  an: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  dozen: 12,
  couple: 2,
};

const SCALES: Readonly<Record<string, number>> = { hundred: 100, thousand: 1000, million: 1e6, billion: 1e9 };

const SMALL =
  "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
const TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety";

/** A number in digits or English words ("1,200", "2.5", "thirty", "a hundred", "sixty-five"). */
export const NUMBER = String.raw`(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:(?:${TENS})(?:[- ](?:${SMALL}))?|${SMALL}|a|an)(?: (?:hundred|thousand|dozen))?(?: and (?:${TENS}|${SMALL}))?|a dozen|a couple of)`;

/** Numbers in words only, for places where "a"/"an" alone would be too loose. */
export const NUMBER_STRICT = String.raw`(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:(?:${TENS})(?:[- ](?:${SMALL}))?|${SMALL})(?: (?:hundred|thousand))?|(?:a|one) (?:hundred|thousand)|a dozen)`;

/**
 * Reads a number written in digits or English words.
 *
 * @example
 * parseNumber("sixty-five"); // 65
 * parseNumber("1,200"); // 1200
 */
export function parseNumber(raw: string): number | undefined {
  const s = raw.trim().toLowerCase();
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$/.test(s)) return Number(s.replace(/,/g, ""));
  let total = 0;
  let current = 0;
  let seen = false;
  for (const word of s.split(/[\s-]+/)) {
    if (word === "and" || word === "of") continue;
    const unit = UNITS[word];
    const scale = SCALES[word];
    if (unit !== undefined) {
      current += unit;
      seen = true;
    } else if (scale !== undefined) {
      current = (current || 1) * scale;
      if (scale >= 1000) {
        total += current;
        current = 0;
      }
      seen = true;
    } else return undefined;
  }
  return seen ? total + current : undefined;
}

/** Multiplies an amount by a suffix: k, m, bn, thousand, million, grand. */
export function scaleBy(amount: number, suffix: string | undefined): number {
  const s = (suffix ?? "").toLowerCase();
  if (s === "k" || s === "thousand" || s === "grand") return amount * 1e3;
  if (s === "m" || s === "mm" || s === "million") return amount * 1e6;
  if (s === "bn" || s === "billion") return amount * 1e9;
  return amount;
}
