/**
 * Many real HTTP clients of `/api/stream` in a process of their own, so that reading them
 * costs neither the benchmark's clock nor its storing, and their CPU is measured apart from the
 * dashboard's: `deno run --allow-ffi bench/sse_clients.ts <stream url> <clients>`. It connects
 * them all and prints `{"connected":N}`; then it reads stdin to its end, the batches stored
 * meanwhile as JSON ({@link StoredBatch}[]), closes the clients and prints their delays
 * ({@link ClientFigures}) as one JSON line.
 */
import { connectClients } from "./epoll_clients.ts";

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

/** One client's reading state. */
interface ClientReading {
  seen: ClientArrivals;
  decoder: TextDecoder;
  /** Bytes read but not yet whole events. */
  buffer: string;
  /** Whether its response head has arrived. */
  subscribed: boolean;
  /** Why its stream ended before the stop, if it did. */
  failure?: string;
}

const UPDATE = "event: update\ndata: ";
const RESYNC = "event: resync\n";

/**
 * Takes what arrived for one client: its response head first, then its updates (the two fields
 * the delays need, found without parsing the rest of the JSON) and resyncs. The dashboard
 * writes each frame of events as one chunk, so an event never straddles the chunked encoding's
 * size lines.
 */
function takeArrival(client: ClientReading, bytes: Uint8Array, now: number): void {
  const { seen } = client;
  let buffer = client.buffer + client.decoder.decode(bytes, { stream: true });
  if (!client.subscribed) {
    if (!buffer.startsWith("HTTP/1.1 200")) {
      client.failure = buffer.split("\r\n")[0];
      return;
    }
    client.subscribed = true;
  }
  let at;
  while ((at = buffer.indexOf(UPDATE)) >= 0) {
    const end = buffer.indexOf("\n", at + UPDATE.length);
    if (end < 0) break;
    seen.resyncs += occurrences(buffer, RESYNC, at);
    seen.symbols.push(field(buffer, "symbol", at, end));
    seen.lastTradeIds.push(Number(field(buffer, "lastTradeId", at, end)));
    seen.arrivedAt.push(now);
    buffer = buffer.slice(end + 1);
  }
  // Only an unfinished event, or else an unfinished line, is needed again; a resync is counted
  // once it is whole.
  const lastEvent = buffer.lastIndexOf("event: ");
  const unfinished = lastEvent >= 0 && buffer.indexOf("\n\n", lastEvent) < 0;
  const done = unfinished ? lastEvent : buffer.lastIndexOf("\n") + 1;
  seen.resyncs += occurrences(buffer, RESYNC, done);
  client.buffer = buffer.slice(done);
}

/** How many times `what` starts in `text` before `end`. */
function occurrences(text: string, what: string, end: number): number {
  let count = 0;
  for (let at = text.indexOf(what); at >= 0 && at < end; at = text.indexOf(what, at + 1)) count++;
  return count;
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
  const stream = new URL(url);
  const readings: ClientReading[] = Array.from({ length: clients }, () => ({
    seen: { symbols: [], lastTradeIds: [], arrivedAt: [], resyncs: 0 },
    decoder: new TextDecoder(),
    buffer: "",
    subscribed: false,
  }));
  const sockets = connectClients(
    stream.hostname,
    Number(stream.port),
    clients,
    // Closed once its response ends, so a stream the server ends is seen as ended.
    `GET ${stream.pathname} HTTP/1.1\r\nhost: ${stream.host}\r\naccept: text/event-stream\r\n` +
      "connection: close\r\n\r\n",
  );
  // The start waits for each client's response head, or its failure.
  let waitingForHeads = clients;
  let allHeard!: () => void;
  const heard = new Promise<void>((resolve) => allHeard = resolve);
  const settled = (client: ClientReading) => client.subscribed || client.failure !== undefined;
  const update = (client: ClientReading, take: () => void) => {
    const before = settled(client);
    take();
    if (!before && settled(client) && --waitingForHeads === 0) allHeard();
  };
  const reading = sockets.read({
    onData: (index, bytes, arrivedAt) => {
      const client = readings[index];
      if (client.failure !== undefined) return;
      update(client, () => {
        try {
          takeArrival(client, bytes, arrivedAt);
        } catch (error) {
          client.failure = String(error);
        }
      });
    },
    onEnd: (index, reason) => update(readings[index], () => readings[index].failure ??= reason),
  });
  await Promise.race([heard, reading]);
  console.log(JSON.stringify({ connected: clients }));

  const stored = JSON.parse(await new Response(Deno.stdin.readable).text()) as StoredBatch[];
  sockets.close();
  await reading;
  const failures = readings.filter((client) => client.failure !== undefined);
  for (const { failure } of failures.slice(0, 3)) {
    console.error(`a stream client failed: ${failure}`);
  }
  const arrivals = readings.map((client) => client.seen);
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
      failed: failures.length,
    } satisfies ClientFigures,
  ));
}

if (import.meta.main) await main();
