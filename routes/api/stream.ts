/**
 * `GET /api/stream`: live updates as Server-Sent Events (`update`, `whale`, `health`,
 * `price_alerts` and `resync`; `domain/live_event.ts` defines them). A reconnecting client
 * catches up with `Last-Event-ID` or `?since=<event id>`.
 */
import type { Handler } from "../../fresh/compat.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { BadRequest } from "../../web/api_params.ts";
import { liveEventStream } from "../../web/sse_stream.ts";
import { clientAddress } from "../../web/request_gate.ts";
import { refusalResponse } from "../../web/client_limits.ts";

export const handler: Record<"GET", Handler<DashboardState>> = {
  async GET(request, { url, state, info }) {
    const { live } = state;
    if (!live) return new Response("live updates are not available\n", { status: 503 });
    const raw = request.headers.get("last-event-id") ?? url.searchParams.get("since");
    if (raw !== null && !/^\d{1,15}$/.test(raw)) {
      throw new BadRequest("since", `"${raw.slice(0, 40)}" is not an event id`);
    }
    const client = clientAddress(request, info?.remoteAddr, state.trustForwardedFor);
    const slot = client === undefined ? undefined : await state.limits?.openStream(client);
    if (slot !== undefined && typeof slot !== "function") return refusalResponse(slot);
    const body = liveEventStream({
      hub: live,
      lastEventId: raw === null ? undefined : Number(raw),
      onEnd: slot,
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      },
    });
  },
};
