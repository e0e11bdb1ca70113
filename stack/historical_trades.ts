/** `GET /api/v3/historicalTrades`, answered from the simulator's recent trades like Binance. */
import type { TradeHistory } from "./trade_history.ts";
import type { SimulatedTrade } from "./trade_generator.ts";

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 500;

/**
 * Answers a query with `symbol`, optional `fromId` and `limit` (1–1000, default 500): trades in
 * id order from `fromId`, or the most recent ones. Bad input gets 400 with Binance's error body.
 * `onServed` sees every trade answered, so tests count what a client could recover this way.
 */
export function historicalTrades(
  histories: ReadonlyMap<string, TradeHistory>,
  params: URLSearchParams,
  onServed: (trade: SimulatedTrade) => void = () => {},
): Response {
  const history = histories.get(params.get("symbol") ?? "");
  if (!history) return Response.json({ code: -1121, msg: "Invalid symbol." }, { status: 400 });
  const limit = integer(params.get("limit")) ?? DEFAULT_LIMIT;
  if (Number.isNaN(limit) || limit < 1 || limit > MAX_LIMIT) {
    return badParameter("limit", `an integer from 1 to ${MAX_LIMIT}`);
  }
  const fromId = integer(params.get("fromId"));
  if (Number.isNaN(fromId)) return badParameter("fromId", "a non-negative integer");
  const trades = history.list(limit, fromId);
  trades.forEach(onServed);
  return Response.json(
    trades.map((trade) => ({
      id: trade.tradeId,
      price: trade.price,
      qty: trade.qty,
      quoteQty: trade.quoteQty,
      time: trade.tradeTime,
      isBuyerMaker: trade.isBuyerMaker,
      isBestMatch: true,
    })),
  );
}

/** The value of a query parameter: undefined when absent, NaN when not a whole number. */
function integer(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
}

function badParameter(name: string, expected: string): Response {
  return Response.json(
    { code: -1100, msg: `Illegal value for parameter '${name}'; expected ${expected}.` },
    { status: 400 },
  );
}
