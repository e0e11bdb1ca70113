/** What tests share: the symbols most configure, a quiet logger, the dashboard's app. */
import assert from "node:assert/strict";
import { type AppOptions, createApp } from "../../fresh/compat.ts";
import { manifest } from "../../fresh/manifest.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { createLogger } from "../../runtime/log.ts";

/** The symbols most tests configure. */
export const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

/** A logger that writes errors only, for components run inside a test. */
export const quietLog = createLogger("test", "error");

/**
 * The dashboard's routes over `state`, with the quiet log and {@link SYMBOLS} unless given, as
 * `dashboard.ts` makes them; `fetch` answers requests without a server.
 */
export function dashboardApp(
  state: Partial<DashboardState> & Pick<DashboardState, "sql">,
  options?: AppOptions,
) {
  return createApp(manifest, { log: quietLog, symbols: SYMBOLS, ...state }, options);
}

/** Asserts that `get` answers each path with a 400 whose one-line reason matches. */
export async function assertBadRequests(
  get: (path: string) => Promise<Response>,
  cases: readonly (readonly [string, RegExp])[],
): Promise<void> {
  for (const [path, reason] of cases) {
    const response = await get(path);
    assert.equal(response.status, 400, path);
    assert.match(await response.text(), reason);
  }
}
