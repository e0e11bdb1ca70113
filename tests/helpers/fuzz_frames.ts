/**
 * Generated trade frames for fuzzing the producer and consumer: valid trades (with unknown
 * fields, unicode, amounts at their limits) mixed with frames broken every way a feed or an
 * attacker can break them. Each line carries its number (`"fz":n`), so a dead letter can be
 * matched to the line it came from; what is valid is decided here, by construction, never by
 * the pipeline's own parser.
 */
import { mulberry32 } from "../../stack/seeded_random.ts";
import type { DeadLetter } from "../../domain/dead_letter.ts";
import type { TradeEvent } from "../../domain/trade_event.ts";

/** A valid trade the generator made, as it must be stored. */
export interface FuzzTrade {
  symbol: string;
  tradeId: number;
  price: string;
  quantity: string;
  tradeTime: number;
  isBuyerMaker: boolean;
}

/** The frames as replay lines, which of them are invalid, and the trades the valid ones hold. */
export interface FuzzFrames {
  lines: string[];
  /** Numbers (`fz`) of the lines that must be dead-lettered, each once. */
  invalid: Set<number>;
  trades: FuzzTrade[];
  /**
   * The lines that send a known trade id again with another time and price, by
   * `symbol id time`: the consumer refuses them, as events that carry no `fz`.
   */
  again: Map<string, number>;
}

const VALID_PRICES = ["0.00000001", "1", "67000.12", "999999.99999999", "0.5", "12345678.9"];
const VALID_QUANTITIES = ["0.00000001", "0.5", "3", "1000.12345678", "0.1"];
const BAD_AMOUNTS: unknown[] = [
  "0",
  "-1",
  "0.000000001",
  "1e3",
  "1E-7",
  "NaN",
  "Infinity",
  "",
  " 1",
  "1,5",
  "１",
  "0x10",
  "9999999999999",
  "-0.00000001",
  67000.12,
  0,
  null,
  true,
  ["1"],
  { v: "1" },
];
const BAD_IDS: unknown[] = [-1, 1.5, 2 ** 53, "12", null, true, 1e308];
const BAD_TIMES: unknown[] = [1_700_000_000, -1, 1e16, 1.7e12 + 0.5, "1700000000000", null, 0];
const BAD_FLAGS: unknown[] = ["true", 1, null, 0];
const BAD_EVENTS: unknown[] = ["aggTrade", "TRADE", "", 1, null];

/**
 * `count` lines from `seed`, trading `symbols` with ids rising by one from `firstId` and times
 * ending at `endMs`; about two in five are valid.
 */
export function fuzzFrames(
  seed: number,
  count: number,
  symbols: readonly string[],
  firstId: number,
  endMs: number,
): FuzzFrames {
  const random = mulberry32(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const nextId = new Map(symbols.map((s) => [s, firstId]));
  const lines: string[] = [];
  const invalid = new Set<number>();
  const trades: FuzzTrade[] = [];
  const again = new Map<string, number>();
  const wrap = (symbol: string, data: Record<string, unknown>) =>
    JSON.stringify({ stream: `${symbol.toLowerCase()}@trade`, data });

  for (let n = 0; n < count; n++) {
    const symbol = pick(symbols);
    const time = endMs - (count - n) * 10;
    const trade: FuzzTrade = {
      symbol,
      tradeId: nextId.get(symbol)!,
      price: pick(VALID_PRICES),
      quantity: pick(VALID_QUANTITIES),
      tradeTime: time,
      isBuyerMaker: random() < 0.5,
    };
    // The marker first, so that a frame cut short still carries it.
    const data: Record<string, unknown> = {
      fz: n,
      e: "trade",
      E: time + 1,
      s: symbol,
      t: trade.tradeId,
      p: trade.price,
      q: trade.quantity,
      T: trade.tradeTime,
      m: trade.isBuyerMaker,
    };
    const roll = random();
    const earlier = trades.length > 0 ? pick(trades) : undefined;
    if (earlier && roll < 0.03) {
      // A trade sent again as it was (a resend after a reconnect): neither stored twice nor
      // refused.
      lines.push(
        wrap(earlier.symbol, {
          ...data,
          s: earlier.symbol,
          t: earlier.tradeId,
          p: earlier.price,
          q: earlier.quantity,
          T: earlier.tradeTime,
          m: earlier.isBuyerMaker,
        }),
      );
      continue;
    }
    if (earlier && roll < 0.06) {
      // A known id again with another time and price: refused by the consumer.
      const time = earlier.tradeTime + 1 + n;
      const price = earlier.price === "1" ? "2" : "1";
      lines.push(
        wrap(earlier.symbol, {
          ...data,
          s: earlier.symbol,
          t: earlier.tradeId,
          p: price,
          T: time,
          E: time,
        }),
      );
      invalid.add(n);
      again.set(`${earlier.symbol} ${earlier.tradeId} ${time}`, n);
      continue;
    }
    if (roll < 0.4) {
      // Valid, sometimes with what Binance may add or leave out.
      if (random() < 0.3) data.M = true;
      if (random() < 0.2) data.x = { nested: ["ünïcødé", "🚀", "\u202e"] };
      if (random() < 0.1) delete data.E;
      lines.push(wrap(symbol, data));
      trades.push(trade);
      nextId.set(symbol, trade.tradeId + 1);
      continue;
    }
    invalid.add(n);
    const field = pick(["p", "q", "t", "T", "m", "e", "s", "missing", "line"] as const);
    switch (field) {
      case "p":
      case "q":
        data[field] = pick(BAD_AMOUNTS);
        break;
      case "t":
        data.t = pick(BAD_IDS);
        break;
      case "T":
        data.T = pick(BAD_TIMES);
        break;
      case "m":
        data.m = pick(BAD_FLAGS);
        break;
      case "e":
        data.e = pick(BAD_EVENTS);
        break;
      case "s":
        data.s = pick(["XRPUSDT", symbol.toLowerCase(), "BTC USDT", "", 7, null]);
        break;
      case "missing":
        delete data[pick(["s", "t", "p", "q", "T", "m", "e"])];
        break;
      case "line": {
        const text = wrap(symbol, data);
        // Cut anywhere after the marker, short of the end.
        const marked = text.indexOf(`"fz":${n}`) + `"fz":${n}`.length;
        lines.push(
          pick([
            () => text.slice(0, marked + Math.floor(random() * (text.length - marked - 1))),
            () => `[{"fz":${n}}]`,
            () => `"fz:${n}"`,
            () => JSON.stringify({ stream: `${symbol.toLowerCase()}@trade`, data: ["fz", n] }),
            () => wrap(symbol, { ...data, pad: "x".repeat(70_000) }),
            () => `{"fz":${n},"result":null,"id":"x","error":{"code":2,"msg":"bad"}}`,
            () => `\u0000\u0001{"fz":${n}} \ud83d\ude00`,
          ])(),
        );
        continue;
      }
    }
    lines.push(wrap(symbol, data));
  }
  return { lines, invalid, trades, again };
}

/**
 * The line a dead letter came from, if any: the producer's carry the frame with its `fz`, the
 * consumer's the trade event, known by its symbol, id and time.
 */
export function fuzzLine(frames: FuzzFrames, letter: DeadLetter): number | undefined {
  if (letter.stage === "consumer") {
    const event = JSON.parse(letter.raw) as TradeEvent;
    return frames.again.get(`${event.symbol} ${event.tradeId} ${event.tradeTime}`);
  }
  const match = /"fz"?[:,](\d+)/.exec(letter.raw);
  return match ? Number(match[1]) : undefined;
}
