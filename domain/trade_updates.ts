/**
 * The NOTIFY the consumer sends after each committed batch, and the dashboard's listener
 * reads: channel {@link TRADE_UPDATES_CHANNEL}, payload {@link TradeUpdates} as JSON.
 */

/** The LISTEN/NOTIFY channel told about every committed batch. */
export const TRADE_UPDATES_CHANNEL = "trade_updates";

/** What one symbol gained from a stored batch: trades new to the database only. */
export interface SymbolChange {
  symbol: string;
  inserted: number;
  lastTradeId: number;
  /** Trade ids of the newly stored whale trades. */
  whaleTradeIds: number[];
}

/**
 * One notification. When `truncated` is set, the payload had to be cut to fit PostgreSQL's
 * 8000-byte limit: whale ids (or the whole list of symbols) are missing, query the rest.
 */
export interface TradeUpdates {
  v: 1;
  symbols?: SymbolChange[];
  truncated?: true;
}

/** Payloads stay below PostgreSQL's 8000-byte limit, which would fail the transaction. */
const MAX_PAYLOAD = 7_900;

/** The payload for `changes`: in full when it fits, else with the last 20 whale ids each. */
export function encodeTradeUpdates(changes: SymbolChange[]): string {
  const payload = JSON.stringify({ v: 1, symbols: changes } satisfies TradeUpdates);
  if (payload.length < MAX_PAYLOAD) return payload;
  const trimmed = JSON.stringify(
    {
      v: 1,
      symbols: changes.map((c) => ({ ...c, whaleTradeIds: c.whaleTradeIds.slice(-20) })),
      truncated: true,
    } satisfies TradeUpdates,
  );
  return trimmed.length < MAX_PAYLOAD
    ? trimmed
    : JSON.stringify({ v: 1, truncated: true } satisfies TradeUpdates);
}

/** Reads a payload; undefined when it is not one this version knows. */
export function decodeTradeUpdates(payload: string): TradeUpdates | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || (parsed as TradeUpdates).v !== 1) {
    return undefined;
  }
  return parsed as TradeUpdates;
}

/** Most whale ids a merged update carries per symbol; past it the update is truncated. */
const MAX_MERGED_WHALES = 200;

/**
 * One update standing for `updates` (in commit order): per symbol the trades inserted summed,
 * the newest trade id, the whale ids in order. Truncated when any of them was, was unreadable,
 * or the whale ids outgrow what one expansion fetches.
 */
export function mergeTradeUpdates(updates: (TradeUpdates | undefined)[]): TradeUpdates {
  const merged = new Map<string, SymbolChange>();
  let truncated = false;
  for (const update of updates) {
    if (!update?.symbols || update.truncated) truncated = true;
    for (const change of update?.symbols ?? []) {
      const seen = merged.get(change.symbol);
      if (!seen) {
        merged.set(change.symbol, { ...change, whaleTradeIds: [...change.whaleTradeIds] });
        continue;
      }
      seen.inserted += change.inserted;
      seen.lastTradeId = Math.max(seen.lastTradeId, change.lastTradeId);
      seen.whaleTradeIds.push(...change.whaleTradeIds);
      if (seen.whaleTradeIds.length > MAX_MERGED_WHALES) truncated = true;
    }
  }
  const symbols = [...merged.values()];
  return truncated ? { v: 1, symbols, truncated: true } : { v: 1, symbols };
}
