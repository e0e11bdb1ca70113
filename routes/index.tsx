/** `/`: the current state of every symbol and the newest whale trades, rendered on the server. */
import type { Handler, PageProps } from "../fresh_compat.ts";
import type { DashboardState } from "../pipeline/dashboard_state.ts";
import {
  recentTrades,
  symbolSummaries,
  type SymbolSummary,
  type TradeView,
} from "../pipeline/dashboard_queries.ts";
import SymbolCard from "../components/SymbolCard.tsx";

interface HomeData {
  summaries: SymbolSummary[];
  whales: TradeView[];
  renderedAt: string;
}

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state, render }) {
    const [summaries, whales] = await Promise.all([
      symbolSummaries(state.sql),
      recentTrades(state.sql, { limit: 20, whalesOnly: true }),
    ]);
    return render({ summaries, whales, renderedAt: new Date().toISOString() });
  },
};

export default function Home({ data }: PageProps<HomeData>) {
  return (
    <main>
      <h1>Crypto trades</h1>
      <p class="note">
        Stored state at{" "}
        <time datetime={data.renderedAt}>{data.renderedAt}</time>. Reload for newer figures.
      </p>
      {data.summaries.length === 0
        ? <p class="empty">No trades stored yet.</p>
        : (
          <div class="cards">
            {data.summaries.map((summary) => <SymbolCard key={summary.symbol} summary={summary} />)}
          </div>
        )}
      <h2>Whale trades</h2>
      <table class="whales">
        <thead>
          <tr>
            <th>Time</th>
            <th>Symbol</th>
            <th>Trade id</th>
            <th>Side</th>
            <th>Price</th>
            <th>Value</th>
          </tr>
        </thead>
        <tbody>
          {data.whales.map((whale) => (
            <tr key={`${whale.symbol}:${whale.tradeId}`} data-trade-id={whale.tradeId}>
              <td>
                <time datetime={whale.tradeTime}>{whale.tradeTime}</time>
              </td>
              <td>{whale.symbol}</td>
              <td>{whale.tradeId}</td>
              <td>{whale.isBuyerMaker ? "sell" : "buy"}</td>
              <td>{whale.price}</td>
              <td>{whale.tradeValue}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
