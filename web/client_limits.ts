/**
 * Per-client limits of the dashboard, by the client's address: requests a second and
 * concurrent live streams, answered `429` with `Retry-After`; and the streams of all clients
 * together, past which a new one gets `503`. Each refusal is counted for `/metrics`. With workers, the one set of limits lives in the main thread and
 * each worker asks it (`worker_link.ts`), so a client's requests count once whichever thread
 * serves them.
 */
import { RequestBuckets } from "../domain/request_buckets.ts";
import type { Refusal, RefusedCounts } from "../domain/dashboard_workers.ts";

/**
 * The limits; see `DASHBOARD_REQUESTS_PER_SECOND`, `DASHBOARD_STREAMS_PER_CLIENT` and
 * `DASHBOARD_MAX_STREAMS`.
 */
export interface ClientLimitOptions {
  requestsPerSecond: number;
  streamsPerClient: number;
  /** Streams of every client together; unlimited when absent. */
  maxStreams?: number;
}

/** What the routes ask of the limits, in this thread or through a worker's link. */
export interface ClientGate {
  /** A refusal when `client` has sent too many requests lately; undefined when it may go on. */
  admit(client: string): Refusal | undefined | Promise<Refusal | undefined>;
  /**
   * Takes one of `client`'s stream slots: a function that gives it back (once, however often
   * called), or a refusal when all are taken.
   */
  openStream(client: string): (() => void) | Refusal | Promise<(() => void) | Refusal>;
}

/** Requests a second and open streams of each client address. */
export class ClientLimits implements ClientGate {
  readonly #buckets: RequestBuckets;
  readonly #streams = new Map<string, number>();
  readonly #streamsPerClient: number;
  readonly #maxStreams: number;
  #openStreams = 0;
  /** Requests refused, by the limit they met. */
  readonly refused: RefusedCounts = { requests: 0, streams: 0, capacity: 0 };

  constructor(options: ClientLimitOptions) {
    // A page's first load asks for a dozen files and reads at once: a burst of two seconds' worth.
    this.#buckets = new RequestBuckets(options.requestsPerSecond, options.requestsPerSecond * 2);
    this.#streamsPerClient = options.streamsPerClient;
    this.#maxStreams = options.maxStreams ?? Infinity;
  }

  admit(client: string, nowMs = Date.now()): Refusal | undefined {
    const waitSeconds = this.#buckets.take(client, nowMs);
    if (waitSeconds === 0) return undefined;
    this.refused.requests++;
    return {
      status: 429,
      message: `too many requests from ${client}; retry in ${waitSeconds} s`,
      retryAfterSeconds: waitSeconds,
    };
  }

  openStream(client: string): (() => void) | Refusal {
    const open = this.#streams.get(client) ?? 0;
    if (open >= this.#streamsPerClient) {
      this.refused.streams++;
      return {
        status: 429,
        message:
          `too many live streams from ${client} (${this.#streamsPerClient}); close one first`,
        retryAfterSeconds: 5,
      };
    }
    if (this.#openStreams >= this.#maxStreams) {
      this.refused.capacity++;
      return {
        status: 503,
        message: `too many live streams (${this.#maxStreams})`,
        retryAfterSeconds: 10,
      };
    }
    this.#streams.set(client, open + 1);
    this.#openStreams++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#openStreams--;
      const left = (this.#streams.get(client) ?? 1) - 1;
      if (left > 0) this.#streams.set(client, left);
      else this.#streams.delete(client);
    };
  }
}

/** The answer to a refusal: its status, its line and `Retry-After`. */
export function refusalResponse(refusal: Refusal): Response {
  return new Response(`${refusal.message}\n`, {
    status: refusal.status,
    headers: { "retry-after": String(refusal.retryAfterSeconds) },
  });
}
