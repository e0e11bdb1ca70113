/** `/`: every symbol's current state, rendered on the server, then live through an island. */
import { type Handler, island, type PageProps } from "../fresh_compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import { recentTrades, symbolSummaries } from "../web/dashboard_queries.ts";
import LiveBoard, { type LiveBoardProps } from "../islands/LiveBoard.tsx";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(_request, { state, render }) {
    const page = { symbols: state.symbols, simulated: state.feedSimulated ?? false };
    try {
      const [summaries, whales] = await Promise.all([
        symbolSummaries(state.sql),
        recentTrades(state.sql, { limit: 20, whalesOnly: true }),
      ]);
      return render({ ...page, summaries, whales, databaseDown: false });
    } catch (error) {
      // The page still loads and says so; the island recovers once the database answers.
      state.log.warn("page rendered without its data", { error });
      return render({ ...page, summaries: [], whales: [], databaseDown: true }, { status: 503 });
    }
  },
};

export default function Home({ data }: PageProps<LiveBoardProps>) {
  return (
    <main>
      <h1>Crypto trades</h1>
      {island("LiveBoard", LiveBoard, data)}
    </main>
  );
}
