/**
 * A worker holding many real HTTP clients of `/api/stream`, on its own thread so that reading
 * them never delays the benchmark's storing (or its clock). Told `{ url, clients }`, it connects
 * them all and answers `{ connected }`; told `{ stop: true }`, it closes them and answers with
 * every `update` each client saw: symbol, last trade id and arrival time (ms since the epoch,
 * from `performance.timeOrigin`, comparable across threads).
 */

/** The first message: where to connect and how many. */
export interface StartClients {
  url: string;
  clients: number;
}

/** Updates one client saw, in arrival order. */
export interface ClientArrivals {
  symbols: string[];
  lastTradeIds: number[];
  arrivedAt: number[];
}

/** The answer to `{ stop: true }`. */
export interface StoppedClients {
  arrivals: ClientArrivals[];
  /** Clients whose stream ended or failed before the stop. */
  failed: number;
}

const self = globalThis as unknown as {
  onmessage: (event: MessageEvent) => void;
  postMessage(message: unknown): void;
};
let stopping = false;
const connections = new Set<Deno.Conn>();
let reading: Promise<boolean>[] = [];
let arrivals: ClientArrivals[] = [];

self.onmessage = async (event: MessageEvent) => {
  if ("stop" in event.data) {
    stopping = true;
    for (const conn of connections) conn.close();
    const ended = await Promise.all(reading);
    const failed = ended.filter((stoppedByUs) => !stoppedByUs).length;
    self.postMessage({ arrivals, failed } satisfies StoppedClients);
    return;
  }
  const { url, clients } = event.data as StartClients;
  arrivals = Array.from({ length: clients }, () => ({
    symbols: [],
    lastTradeIds: [],
    arrivedAt: [],
  }));
  const connected: Promise<void>[] = [];
  reading = arrivals.map((seen) => {
    let ready!: () => void;
    connected.push(new Promise<void>((resolve) => ready = resolve));
    return readStream(new URL(url), seen, ready);
  });
  await Promise.all(connected);
  self.postMessage({ connected: clients });
};

const UPDATE = "event: update\ndata: ";

/**
 * Reads one stream over a plain socket until the stop; resolves true when the stop ended it.
 * A socket, not `fetch`: a thousand `fetch` bodies through decoder streams cost the reading
 * thread a whole core and delayed the arrivals they were timing. The dashboard writes each
 * batch of events as one chunk, so an event never straddles the chunked encoding's size lines.
 */
async function readStream(url: URL, seen: ClientArrivals, ready: () => void): Promise<boolean> {
  let conn: Deno.Conn | undefined;
  try {
    conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
    connections.add(conn);
    const request = `GET ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\n` +
      "accept: text/event-stream\r\n\r\n";
    await conn.write(new TextEncoder().encode(request));
    const decoder = new TextDecoder();
    const chunk = new Uint8Array(64 * 1024);
    let buffer = "";
    let first = true;
    while (true) {
      const read = await conn.read(chunk);
      if (read === null) return stopping;
      const now = performance.timeOrigin + performance.now();
      buffer += decoder.decode(chunk.subarray(0, read), { stream: true });
      if (first) {
        if (!buffer.startsWith("HTTP/1.1 200")) throw new Error(buffer.split("\r\n")[0]);
        ready(); // the response head: subscribed
        first = false;
      }
      let at;
      while ((at = buffer.indexOf(UPDATE)) >= 0) {
        const end = buffer.indexOf("\n", at + UPDATE.length);
        if (end < 0) break;
        const update = JSON.parse(buffer.slice(at + UPDATE.length, end)) as {
          symbol: string;
          lastTradeId: string;
        };
        seen.symbols.push(update.symbol);
        seen.lastTradeIds.push(Number(update.lastTradeId));
        seen.arrivedAt.push(now);
        buffer = buffer.slice(end + 1);
      }
      // Only an unfinished event, or else an unfinished line, is needed again.
      const lastEvent = buffer.lastIndexOf("event: ");
      const unfinished = lastEvent >= 0 && buffer.indexOf("\n\n", lastEvent) < 0;
      buffer = buffer.slice(unfinished ? lastEvent : buffer.lastIndexOf("\n") + 1);
    }
  } catch (error) {
    ready();
    if (stopping) return true;
    console.error(`a stream client failed: ${error}`);
    return false;
  } finally {
    if (conn) connections.delete(conn);
  }
}
