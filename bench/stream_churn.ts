/**
 * Viewers who come and go: `/api/stream` clients that each read for a while, leave, and connect
 * again, over and over, so a dashboard that kept anything per client past its leaving would
 * grow. Each stays a random 0.5 to 5 s (each client from a seeded source of its own, so runs are
 * alike); one the server refuses or cuts off waits a second before it comes again.
 */
import { mulberry32, type Random } from "../stack/seeded_random.ts";
import { sleep } from "../runtime/sleep.ts";

/** What the clients did, once stopped. */
export interface ChurnResult {
  clients: number;
  /** Streams opened and answered `200`. */
  connections: number;
  /** Streams answered otherwise, or failing before the client left. */
  refused: number;
  /** Bytes of events read, over all streams. */
  bytesRead: number;
}

/** Running clients. */
export interface StreamChurn {
  /** Closes every stream and resolves once all have ended. */
  stop(): Promise<ChurnResult>;
}

/** Starts `clients` coming and going on `url` (the dashboard's `/api/stream`). */
export function startStreamChurn(url: string, clients: number, seed = 1): StreamChurn {
  const stopping = new AbortController();
  const result: ChurnResult = { clients, connections: 0, refused: 0, bytesRead: 0 };

  async function visit(random: Random): Promise<void> {
    const leaving = new AbortController();
    const leave = () => leaving.abort();
    const timer = setTimeout(leave, 500 + Math.floor(random() * 4_500));
    stopping.signal.addEventListener("abort", leave, { once: true });
    try {
      const response = await fetch(url, { signal: leaving.signal });
      if (!response.ok || !response.body) {
        result.refused++;
        await response.body?.cancel();
        return await sleep(1_000, stopping.signal);
      }
      result.connections++;
      // Deno 2.9 stops reading a body on the fetch's abort only once no more data comes, which a
      // busy stream never does: the client cancels its reading itself.
      const reader = response.body.getReader();
      const cancel = () => reader.cancel().catch(() => {});
      if (leaving.signal.aborted) cancel();
      leaving.signal.addEventListener("abort", cancel, { once: true });
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        result.bytesRead += read.value.byteLength;
      }
      // The stream ended before the client left: the server closed it.
      if (!leaving.signal.aborted) {
        result.refused++;
        await sleep(1_000, stopping.signal);
      }
    } catch (error) {
      if (!leaving.signal.aborted) {
        result.refused++;
        console.error(`stream client: ${error instanceof Error ? error.message : error}`);
        await sleep(1_000, stopping.signal);
      }
    } finally {
      clearTimeout(timer);
      stopping.signal.removeEventListener("abort", leave);
    }
  }

  const running = Array.from({ length: clients }, async (_, client) => {
    const random = mulberry32(seed + client);
    while (!stopping.signal.aborted) await visit(random);
  });
  return {
    async stop() {
      stopping.abort();
      await Promise.all(running);
      return result;
    },
  };
}
