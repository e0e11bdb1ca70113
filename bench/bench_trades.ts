/**
 * The benchmark's workload: realistic trades from the simulator's seeded generator, as the
 * Binance frames the producer reads and as the events the consumer decodes, and the settings
 * every part of the benchmark shares.
 */
import { hashString, mulberry32 } from "../stack/seeded_random.ts";
import { createTradeGenerator, type SimulatedTrade } from "../stack/trade_generator.ts";
import { tradeFrame, wrapFrame } from "../stack/trade_frame.ts";
import { TRADE_EVENT_VERSION, type TradeEvent } from "../domain/trade_event.ts";

/** The symbols traded, as in the default `SYMBOLS`. */
export const BENCH_SYMBOLS = ["BTCUSDT", "ETHUSDT"];
/** `MOVING_AVERAGE_WINDOW` of the benchmark (the default). */
export const WINDOW_SIZE = 100;
/** `WHALE_THRESHOLD` of the benchmark (the default), in the quote currency. */
export const WHALE_THRESHOLD = "100000";
/** Trades per `storeTrades` call in the storage benchmark. */
export const BATCH_SIZE = 2_000;

const FIRST_TRADE_ID = 3_000_000_000;
const START_MS = Date.UTC(2025, 0, 1);

/**
 * `count` trades of {@link BENCH_SYMBOLS}, alternating symbols, one millisecond apart, the
 * same on every run. Whales come at the simulator's default rate (one in a thousand).
 */
export function simulatedTrades(count: number): SimulatedTrade[] {
  const generators = BENCH_SYMBOLS.map((symbol) =>
    createTradeGenerator({
      symbol,
      random: mulberry32(hashString(symbol)),
      firstTradeId: FIRST_TRADE_ID,
    })
  );
  const trades: SimulatedTrade[] = [];
  for (let i = 0; i < count; i++) {
    trades.push(generators[i % generators.length].next(START_MS + i));
  }
  return trades;
}

/** The frames of `trades` as a combined-stream (`/stream?streams=…`) connection gets them. */
export function binanceFrames(trades: readonly SimulatedTrade[]): string[] {
  return trades.map((trade) =>
    wrapFrame(`${trade.symbol.toLowerCase()}@trade`, JSON.stringify(tradeFrame(trade)))
  );
}

/** The Kafka events the producer makes of `trades`. */
export function tradeEvents(trades: readonly SimulatedTrade[]): TradeEvent[] {
  return trades.map((trade) => ({
    v: TRADE_EVENT_VERSION,
    symbol: trade.symbol,
    tradeId: trade.tradeId,
    price: trade.price,
    quantity: trade.qty,
    tradeTime: trade.tradeTime,
    eventTime: trade.eventTime,
    isBuyerMaker: trade.isBuyerMaker,
    receivedAt: trade.eventTime,
  }));
}

/** `items` cut into consecutive slices of at most `size`. */
export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
