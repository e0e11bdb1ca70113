/** `/`: every symbol's current state, rendered on the server, then live through an island. */
import { type Handler, island, type PageProps } from "../fresh/compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import {
  pipelineHealth,
  recentTrades,
  storageSummary,
  symbolSummaries,
} from "../web/dashboard_queries.ts";
import { priceAlertsView } from "../web/price_rule_queries.ts";
import { marketTickers } from "../web/ticker_queries.ts";
import { linkedView } from "../ui/chart_view.ts";
import LiveBoard, { type LiveBoardProps } from "../islands/LiveBoard.tsx";
import StorageLine from "../components/StorageLine.tsx";
import type { StorageSummary } from "../domain/dashboard_views.ts";

/** What the page renders: the island's props, the storage line beneath it, a way out. */
interface HomeData {
  board: LiveBoardProps;
  storage?: StorageSummary;
  /** The dashboard needs a sign-in (`DASHBOARD_READ_TOKEN`): offer to sign out. */
  signedIn?: boolean;
}

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { url, state, render }) {
    // What the address asks the chart to show; the first symbol stored, or configured, otherwise.
    const link = (first: string) => linkedView(url.searchParams, state.symbols, first);
    const page = {
      symbols: state.symbols,
      simulated: state.feedSimulated ?? false,
      rulesWritable: state.adminToken !== undefined,
    };
    try {
      const [summaries, tickers, whales, storage, health, priceAlerts] = await Promise.all([
        symbolSummaries(state.sql),
        marketTickers(state.sql, state.symbols),
        recentTrades(state.sql, { limit: 20, whalesOnly: true }),
        storageSummary(state.sql),
        pipelineHealth(state.sql),
        priceAlertsView(state.sql),
      ]);
      return render({
        board: {
          ...page,
          link: link(summaries[0]?.symbol ?? state.symbols[0]),
          summaries,
          tickers,
          whales,
          health,
          priceAlerts,
          databaseDown: false,
        },
        storage,
        signedIn: state.readToken !== undefined,
      });
    } catch (error) {
      // The page still loads and says so; the island recovers once the database answers.
      state.log.warn("page rendered without its data", { error });
      const empty = { summaries: [], tickers: [], whales: [], databaseDown: true };
      const board = { ...page, link: link(state.symbols[0]), ...empty };
      return render({ board, signedIn: state.readToken !== undefined }, { status: 503 });
    }
  },
};

export default function Home({ data }: PageProps<HomeData>) {
  return (
    <main>
      {island("LiveBoard", LiveBoard, data.board)}
      {data.storage && <StorageLine storage={data.storage} />}
      {data.signedIn && (
        <form method="post" action="/sign-out" class="sign-out">
          <button type="submit">Sign out</button>
        </form>
      )}
    </main>
  );
}
