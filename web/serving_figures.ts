/** The live stream's, the limits' and the routes' figures of one thread, for `/metrics`. */
import type { ServingFigures } from "../domain/dashboard_workers.ts";
import { registryData } from "../runtime/metrics.ts";
import { ClientLimits } from "./client_limits.ts";
import type { DashboardState } from "./dashboard_state.ts";

/** This thread's own figures: the whole dashboard's when it serves without workers. */
export async function localFigures(
  state: Pick<DashboardState, "live" | "limits" | "timing">,
): Promise<ServingFigures> {
  const { live, limits, timing } = state;
  return {
    listening: live?.listening ?? false,
    streamClients: live?.clients ?? 0,
    eventsPublished: live?.published ?? 0,
    refused: limits instanceof ClientLimits
      ? { ...limits.refused }
      : { requests: 0, streams: 0, capacity: 0 },
    timings: timing ? [await registryData(timing.registry)] : [],
  };
}
