/** One line on what the database holds: sizes on disk, day partitions, the oldest trade kept. */
import type { StorageSummary } from "../domain/dashboard_views.ts";
import { formatBytes, formatCount, formatDateTime } from "../ui/format.ts";

/** Props of {@link StorageLine}. */
export interface StorageLineProps {
  storage: StorageSummary;
}

/** "Database 4.81 GiB: trades 4.20 GiB in 34 day partitions since …, candles 310 MiB." */
export default function StorageLine({ storage }: StorageLineProps) {
  const since = storage.oldestTradeTime
    ? `, oldest trade ${formatDateTime(storage.oldestTradeTime)}`
    : ", no trades kept";
  return (
    <p class="note storage">
      Database {formatBytes(storage.databaseBytes)}: trades {formatBytes(storage.tradesBytes)} in
      {" "}
      {formatCount(storage.tradePartitions)} day partitions{since}; candles{" "}
      {formatBytes(storage.candlesBytes)}.
    </p>
  );
}
