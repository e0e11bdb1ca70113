/**
 * Many real HTTP clients of `/api/stream` in a process of their own, so that reading them
 * costs neither the benchmark's clock nor its storing, and their CPU is measured apart from the
 * dashboard's: `deno run --allow-net bench/sse_clients.ts <stream url> <clients>`. It connects
 * them all and prints `{"connected":N}`; then it reads stdin to its end, the batches stored
 * meanwhile as JSON ({@link StoredBatch}[]), closes the clients and prints their delays
 * ({@link ClientFigures}) as one JSON line.
 */

/** A stored batch: its symbol, its last trade id and when its commit returned (ms since the epoch). */
export interface StoredBatch {
  symbol: string;
  lastTradeId: number;
  committedAt: number;
}

/** Commit → `update` delays over every client and batch. */
export interface ClientFigures {
  /** (client, batch) pairs whose update arrived; `clients × batches` when none was missed. */
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** `resync` events received: a client that reads too slowly is told, never silently skipped. */
  resyncs: number;
  /** Clients whose stream ended or failed before the stop. */
  failed: number;
}

/** Updates one client saw, in arrival order. */
interface ClientArrivals {
  symbols: string[];
  lastTradeIds: number[];
  arrivedAt: number[];
  resyncs: number;
}

let stopping = false;
const connections = new Set<Deno.Conn>();

const UPDATE = "event: update\ndata: ";
const RESYNC = "event: resync\n";

/**
 * Reads one stream over a plain socket until the stop; resolves true when the stop ended it.
 * A socket, not `fetch`: a thousand `fetch` bodies through decoder streams cost the reading
 * thread a whole core and delayed the arrivals they were timing. The dashboard writes each
 * frame of events as one chunk, so an event never straddles the chunked encoding's size lines.
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
        // Two fields of the update's JSON, found without parsing the rest of it.
        seen.symbols.push(field(buffer, "symbol", at, end));
        seen.lastTradeIds.push(Number(field(buffer, "lastTradeId", at, end)));
        seen.arrivedAt.push(now);
        buffer = buffer.slice(end + 1);
      }
      // Only an unfinished event, or else an unfinished line, is needed again; a resync is
      // counted once it is whole.
      const lastEvent = buffer.lastIndexOf("event: ");
      const unfinished = lastEvent >= 0 && buffer.indexOf("\n\n", lastEvent) < 0;
      const done = unfinished ? lastEvent : buffer.lastIndexOf("\n") + 1;
      for (
        let at = buffer.indexOf(RESYNC);
        at >= 0 && at < done;
        at = buffer.indexOf(RESYNC, at + 1)
      ) {
        seen.resyncs++;
      }
      buffer = buffer.slice(done);
    }
  } catch (error) {
    if (stopping) return true;
    console.error(`a stream client failed: ${error}`);
    return false;
  } finally {
    ready(); // connected or failed: either way the start waits no more
    if (conn) connections.delete(conn);
  }
}

/** The string value of `"name":"…"` in `text` between `from` and `to`. */
function field(text: string, name: string, from: number, to: number): string {
  const key = `"${name}":"`;
  const start = text.indexOf(key, from);
  if (start < 0 || start > to) throw new Error(`an update without ${name}`);
  return text.slice(start + key.length, text.indexOf('"', start + key.length));
}

/**
 * One client's delay for each batch it was told of: the first update of the batch's symbol
 * with its last trade id or a later one. An update that overtook its commit's reply counts 0.
 */
function clientDelays(stored: readonly StoredBatch[], seen: ClientArrivals): number[] {
  const delays: number[] = [];
  const next = new Map<string, number>(); // per symbol, the first arrival not yet passed
  for (const batch of stored) {
    let i = next.get(batch.symbol) ?? 0;
    while (
      i < seen.symbols.length &&
      (seen.symbols[i] !== batch.symbol || seen.lastTradeIds[i] < batch.lastTradeId)
    ) i++;
    next.set(batch.symbol, i);
    if (i < seen.symbols.length) delays.push(Math.max(0, seen.arrivedAt[i] - batch.committedAt));
  }
  return delays;
}

async function main(): Promise<void> {
  const [url, count] = Deno.args;
  const clients = Number(count);
  if (!url || !Number.isInteger(clients) || clients < 1) {
    console.error("usage: sse_clients.ts <stream url> <clients>");
    Deno.exit(2);
  }
  const arrivals: ClientArrivals[] = Array.from({ length: clients }, () => ({
    symbols: [],
    lastTradeIds: [],
    arrivedAt: [],
    resyncs: 0,
  }));
  const connected: Promise<void>[] = [];
  const reading = arrivals.map((seen) => {
    let ready!: () => void;
    connected.push(new Promise<void>((resolve) => ready = resolve));
    return readStream(new URL(url), seen, ready);
  });
  await Promise.all(connected);
  console.log(JSON.stringify({ connected: clients }));

  const stored = JSON.parse(await new Response(Deno.stdin.readable).text()) as StoredBatch[];
  stopping = true;
  for (const conn of connections) conn.close();
  const ended = await Promise.all(reading);
  const delays = arrivals.flatMap((seen) => clientDelays(stored, seen)).sort((a, b) => a - b);
  const at = (q: number) =>
    delays.length
      ? Math.round(delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] * 10) / 10
      : NaN;
  console.log(JSON.stringify(
    {
      delivered: delays.length,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      maxMs: delays.length ? Math.round(delays[delays.length - 1] * 10) / 10 : NaN,
      resyncs: arrivals.reduce((sum, seen) => sum + seen.resyncs, 0),
      failed: ended.filter((stoppedByUs) => !stoppedByUs).length,
    } satisfies ClientFigures,
  ));
}

if (import.meta.main) await main();
