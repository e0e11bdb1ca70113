/**
 * The storage ceiling: rows loaded into `trades` by `psql \copy` from a CSV file, with no
 * per-row logic, no aggregates and one transaction.
 */
import type { TradeRow } from "../domain/batch_plan.ts";

const COLUMNS = "symbol, trade_id, price, quantity, trade_time, trade_value, " +
  "is_buyer_maker, moving_average, is_whale_trade";

/** Writes `rows` as the CSV that {@link copyTrades} loads. */
export async function writeTradesCsv(rows: readonly TradeRow[], path: string): Promise<void> {
  const lines = rows.map((r) =>
    [
      r.symbol,
      r.tradeId,
      r.price,
      r.quantity,
      new Date(r.tradeTime).toISOString(),
      r.tradeValue,
      r.isBuyerMaker,
      r.movingAverage,
      r.isWhale,
    ].join(",")
  );
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

/**
 * Runs `psql <url> -c "\copy trades (…) from '<csvPath>' csv"` and resolves to the wall time
 * in milliseconds, psql's start-up (a few ms) included. Throws with psql's error on failure.
 */
export async function copyTrades(url: string, csvPath: string): Promise<number> {
  const command = new Deno.Command("psql", {
    args: [
      url,
      "-X",
      "-q",
      "-v",
      "ON_ERROR_STOP=1",
      "-c",
      `\\copy trades (${COLUMNS}) from '${csvPath}' with (format csv)`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const start = performance.now();
  const output = await command.output();
  const ms = performance.now() - start;
  if (!output.success) {
    throw new Error(`psql \\copy failed: ${new TextDecoder().decode(output.stderr).trim()}`);
  }
  return ms;
}
