/** The Binance wire form of a simulated trade, and the record kept of one that was sent. */
import type { SimulatedTrade } from "./trade_generator.ts";

/** A valid trade frame the simulator sent to at least one client. */
export interface SentTrade {
  symbol: string;
  tradeId: number;
  price: string;
  qty: string;
  tradeTime: number;
  isBuyerMaker: boolean;
}

/** The raw (`/ws`) frame Binance sends for `trade`, fields in Binance's order. */
export function tradeFrame(trade: SimulatedTrade): Record<string, unknown> {
  return {
    e: "trade",
    E: trade.eventTime,
    s: trade.symbol,
    t: trade.tradeId,
    p: trade.price,
    q: trade.qty,
    T: trade.tradeTime,
    m: trade.isBuyerMaker,
    M: true,
  };
}

/** The text of raw frame `raw` wrapped for a `/stream` connection. */
export function wrapFrame(stream: string, raw: string): string {
  return `{"stream":${JSON.stringify(stream)},"data":${raw}}`;
}

/** What {@link SentTrade} keeps of `trade`. */
export function sentTrade(trade: SimulatedTrade): SentTrade {
  const { symbol, tradeId, price, qty, tradeTime, isBuyerMaker } = trade;
  return { symbol, tradeId, price, qty, tradeTime, isBuyerMaker };
}
