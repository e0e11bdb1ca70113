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

/**
 * Concurrent streams one process serves; more get a 503. Each costs a socket and a few KiB:
 * the bench measures 1,000 at once (events are encoded once for all of them); past this, run
 * more dashboard processes behind a proxy, each with its own LISTEN.
 */
export const MAX_STREAMS = 2_000;

export const handler: Record<"GET", Handler<DashboardState>> = {
  GET(request, { url, state, info }) {
    const { live } = state;
    if (!live) return new Response("live updates are not available\n", { status: 503 });
    if (live.clients >= MAX_STREAMS) {
      return new Response(`too many live streams (${MAX_STREAMS})\n`, { status: 503 });
    }
    const raw = request.headers.get("last-event-id") ?? url.searchParams.get("since");
    if (raw !== null && !/^\d{1,15}$/.test(raw)) {
      throw new BadRequest("since", `"${raw.slice(0, 40)}" is not an event id`);
    }
    const client = clientAddress(request, info?.remoteAddr, state.trustForwardedFor);
    const release = client === undefined ? undefined : state.limits?.openStream(client);
    if (release instanceof Response) return release;
    const body = liveEventStream({
      hub: live,
      lastEventId: raw === null ? undefined : Number(raw),
      onEnd: release,
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
