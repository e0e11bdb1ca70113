/**
 * Values a hostile or broken client sends, for fuzzing: a catalogue of the usual suspects
 * (numbers at and past every limit, exponents, NaN, dates out of range, unicode look-alikes,
 * control characters, injections, huge strings) and seeded mutations of valid values.
 */
import { mulberry32, type Random } from "../../stack/seeded_random.ts";

/** The usual suspects, each a string as it would arrive in a query, header or field. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "0",
  "-0",
  "-1",
  "1",
  "00001",
  "1.5",
  "1e3",
  "1E-7",
  "NaN",
  "Infinity",
  "-Infinity",
  "9".repeat(30),
  "9007199254740993",
  "-9007199254740993",
  "0x10",
  "1_000",
  "+5",
  "٣",
  "１",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
  "'; drop table trades; --",
  "%",
  "%00",
  "\u0000",
  "\u202e",
  "\ud800",
  "𝔹𝕋ℂ𝕌𝕊𝔻𝕋",
  "BTCUSDT\n",
  "btcusdt",
  "BTC USDT",
  "a".repeat(10_000),
  "2026-13-45",
  "2026-01-01T00:00:00Z",
  "1970-01-01",
  "-271821-04-20T00:00:00Z",
  "+275760-09-13T00:00:00.001Z",
  "1m",
  "0s",
  "99999d",
  "ema:0",
  "sma:20,sma:20",
  "rsi:-1",
  "macd:12:26:9",
  ",",
  ",,,",
];

const ALPHABET = "0123456789.-+eE:,;%/\\ aZ\u00e9\u0000\ud83d\ude00";

/** Seeded generators of hostile values. */
export interface HostileValues {
  /** `count` mutations of `valid`: characters inserted, deleted, replaced, the value repeated. */
  mutations(valid: string, count: number): string[];
  random: Random;
}

/** Hostile values from `seed`, the same for the same seed. */
export function hostileValues(seed: number): HostileValues {
  const random = mulberry32(seed);
  const pick = (text: string) => text[Math.floor(random() * text.length)];
  const mutate = (valid: string): string => {
    let text = valid;
    const steps = 1 + Math.floor(random() * 3);
    for (let i = 0; i < steps; i++) {
      const at = Math.floor(random() * (text.length + 1));
      const roll = random();
      if (roll < 0.3) text = text.slice(0, at) + pick(ALPHABET) + text.slice(at);
      else if (roll < 0.55) text = text.slice(0, at) + text.slice(at + 1);
      else if (roll < 0.8) text = text.slice(0, at) + pick(ALPHABET) + text.slice(at + 1);
      else if (roll < 0.9) text = text.repeat(2 + Math.floor(random() * 50));
      else text = `${text}${text.length > 0 ? pick(",:") : ""}${valid}`;
    }
    return text;
  };
  return {
    random,
    mutations: (valid, count) => Array.from({ length: count }, () => mutate(valid)),
  };
}
