/** One WebSocket connection to the simulator: its route, its streams and its control messages. */

/** What a connection asked for: its framing and the streams named in its URL. */
export interface StreamRoute {
  /** `/stream` connections get `{"stream":…,"data":…}` frames, `/ws` ones raw frames. */
  wrapped: boolean;
  streams: string[];
}

/** The state the simulator keeps per connection. */
export interface StreamClient {
  readonly socket: WebSocket;
  readonly wrapped: boolean;
  /** Subscribed stream names, like `btcusdt@trade`. */
  readonly subscriptions: Set<string>;
  /** Data frames sent so far (trades, duplicates, bad frames). */
  framesSent: number;
  /** The last trade frames sent per stream, exactly as sent, to duplicate from. */
  readonly recent: Map<string, string[]>;
  /** Index of the next replayed frame. */
  replayNext: number;
  /** Replayed frames this connection may be sent now. */
  replayBudget: number;
}

/** The route of `/ws/<stream>/…` or `/stream?streams=<stream>/…`, or undefined for other paths. */
export function streamRoute(url: URL): StreamRoute | undefined {
  if (url.pathname === "/ws" || url.pathname.startsWith("/ws/")) {
    return { wrapped: false, streams: url.pathname.split("/").slice(2).filter(Boolean) };
  }
  if (url.pathname === "/stream") {
    const streams = (url.searchParams.get("streams") ?? "").split("/").filter(Boolean);
    return { wrapped: true, streams };
  }
  return undefined;
}

/** A client for `socket`, subscribed to the streams of its route. */
export function createStreamClient(socket: WebSocket, route: StreamRoute): StreamClient {
  return {
    socket,
    wrapped: route.wrapped,
    subscriptions: new Set(route.streams),
    framesSent: 0,
    recent: new Map(),
    replayNext: 0,
    replayBudget: 0,
  };
}

/**
 * Answers one message from the client as Binance does: SUBSCRIBE and UNSUBSCRIBE get
 * `{"result":null,"id":…}`, LIST_SUBSCRIPTIONS the stream names, anything else an error.
 */
export function answerControl(client: StreamClient, message: unknown): void {
  const reply = (body: Record<string, unknown>) => {
    if (client.socket.readyState === WebSocket.OPEN) client.socket.send(JSON.stringify(body));
  };
  let request: unknown;
  try {
    request = JSON.parse(String(message));
  } catch {
    request = undefined;
  }
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    return reply({ error: { code: 3, msg: "Invalid JSON" }, id: null });
  }
  const { method, params, id = null } = request as Record<string, unknown>;
  if (method === "LIST_SUBSCRIPTIONS") return reply({ result: [...client.subscriptions], id });
  if (method !== "SUBSCRIBE" && method !== "UNSUBSCRIBE") {
    const msg = `Invalid request: unknown method ${JSON.stringify(method)}`;
    return reply({ error: { code: 2, msg }, id });
  }
  if (!Array.isArray(params) || !params.every((param) => typeof param === "string")) {
    return reply({
      error: { code: 1, msg: "Invalid value type: params must be stream names" },
      id,
    });
  }
  for (const stream of params) {
    if (method === "SUBSCRIBE") client.subscriptions.add(stream);
    else client.subscriptions.delete(stream);
  }
  reply({ result: null, id });
}
