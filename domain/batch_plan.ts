/** Turns a batch of decoded trade events into rows for the `trades` table. Pure logic. */
import type { TradeEvent } from "./trade_event.ts";
import { MovingWindow } from "./moving_window.ts";
import { valueTrade } from "./trade_value.ts";
import { type ConflictingTrade, sameTrade } from "./conflicting_trade.ts";

/**
 * A trade ready for the `trades` table: the event's stored fields plus what the consumer
 * derives, amounts and averages as exact decimal strings.
 */
export type TradeRow =
  & Pick<TradeEvent, "symbol" | "tradeId" | "price" | "quantity" | "tradeTime" | "isBuyerMaker">
  & {
    /** price × quantity to the cent. */
    tradeValue: string;
    movingAverage: string;
    isWhale: boolean;
  };

/** Rows to store, and where the batch reached back behind a symbol's window. */
export interface BatchPlan {
  rows: TradeRow[];
  /**
   * Symbols with a trade at or below the last id their window had seen, mapped to that id.
   * Such a trade is a duplicate (the store skips it) or late (the store recomputes after it).
   */
  windowEnds: Map<string, number>;
  /**
   * Later copies of a trade id in the batch with other values than its first: refused, unless
   * the database holds a copy they equal (the store then judges the first against it).
   */
  conflicts: ConflictingTrade[];
}

/**
 * Plans a batch: per symbol in trade-id order, each new trade's moving average (advancing
 * `windows`, which the caller must discard if the batch is not stored), value and whale flag.
 * Duplicates inside the batch are dropped; the first copy wins, and a later copy with other
 * values is returned as a conflict.
 */
export function planBatch(
  events: readonly TradeEvent[],
  windows: Map<string, MovingWindow>,
  windowSize: number,
  whaleThreshold: string,
): BatchPlan {
  const ordered = [...events].sort((a, b) =>
    a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.tradeId - b.tradeId
  );
  const rows: TradeRow[] = [];
  const windowEnds = new Map<string, number>();
  const conflicts: ConflictingTrade[] = [];
  let previous: TradeEvent | undefined;
  for (const event of ordered) {
    if (previous?.symbol === event.symbol && previous.tradeId === event.tradeId) {
      const conflict = { trade: event, kept: previous };
      if (!sameTrade(conflict)) conflicts.push(conflict);
      continue;
    }
    previous = event;
    let window = windows.get(event.symbol);
    if (!window) windows.set(event.symbol, window = new MovingWindow(windowSize));
    let movingAverage: string;
    if (event.tradeId > window.lastTradeId) {
      movingAverage = window.push(event.tradeId, event.price);
    } else {
      // Stored only if new; then the store recomputes this symbol's averages in SQL.
      if (!windowEnds.has(event.symbol)) windowEnds.set(event.symbol, window.lastTradeId);
      movingAverage = window.length > 0 ? window.average() : event.price;
    }
    const { value, isWhale } = valueTrade(event.price, event.quantity, whaleThreshold);
    rows.push({
      symbol: event.symbol,
      tradeId: event.tradeId,
      price: event.price,
      quantity: event.quantity,
      tradeTime: event.tradeTime,
      tradeValue: value,
      isBuyerMaker: event.isBuyerMaker,
      movingAverage,
      isWhale,
    });
  }
  return { rows, windowEnds, conflicts };
}

/**
 * Splits `rows` into at most `lanes` groups, each holding whole symbols, balanced by row count
 * (the largest symbols first, each to the lightest group). Symbols share no rows in any table,
 * so each group can be stored in its own transaction, concurrently with the others. A symbol's
 * rows keep their order; empty groups are left out.
 */
export function symbolLanes(rows: readonly TradeRow[], lanes: number): TradeRow[][] {
  const bySymbol = Map.groupBy(rows, (row) => row.symbol);
  const groups = Array.from({ length: Math.max(1, lanes) }, () => [] as TradeRow[]);
  const largestFirst = [...bySymbol.values()].sort((a, b) => b.length - a.length);
  for (const symbolRows of largestFirst) {
    const lightest = groups.reduce((min, group) => group.length < min.length ? group : min);
    lightest.push(...symbolRows);
  }
  return groups.filter((group) => group.length > 0);
}
