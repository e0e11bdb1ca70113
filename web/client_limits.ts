/**
 * Per-client limits of the dashboard, by the client's address: requests a second and
 * concurrent live streams. A request past either is answered `429` with `Retry-After`, and
 * counted for `/metrics`.
 */
import { RequestBuckets } from "../domain/request_buckets.ts";

/** The limits; see `DASHBOARD_REQUESTS_PER_SECOND` and `DASHBOARD_STREAMS_PER_CLIENT`. */
export interface ClientLimitOptions {
  requestsPerSecond: number;
  streamsPerClient: number;
}

/** Requests a second and open streams of each client address. */
export class ClientLimits {
  readonly #buckets: RequestBuckets;
  readonly #streams = new Map<string, number>();
  readonly #streamsPerClient: number;
  /** Requests refused, by the limit they met. */
  readonly refused = { requests: 0, streams: 0 };

  constructor(options: ClientLimitOptions) {
    // A page's first load asks for a dozen files and reads at once: a burst of two seconds' worth.
    this.#buckets = new RequestBuckets(options.requestsPerSecond, options.requestsPerSecond * 2);
    this.#streamsPerClient = options.streamsPerClient;
  }

  /** A `429` when `client` has sent too many requests lately; undefined when it may go on. */
  admit(client: string, nowMs = Date.now()): Response | undefined {
    const waitSeconds = this.#buckets.take(client, nowMs);
    if (waitSeconds === 0) return undefined;
    this.refused.requests++;
    return tooMany(`too many requests from ${client}; retry in ${waitSeconds} s`, waitSeconds);
  }

  /**
   * Takes one of `client`'s stream slots: a function that gives it back (once, however often
   * called), or a `429` when all are taken.
   */
  openStream(client: string): (() => void) | Response {
    const open = this.#streams.get(client) ?? 0;
    if (open >= this.#streamsPerClient) {
      this.refused.streams++;
      return tooMany(
        `too many live streams from ${client} (${this.#streamsPerClient}); close one first`,
        5,
      );
    }
    this.#streams.set(client, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#streams.get(client) ?? 1) - 1;
      if (left > 0) this.#streams.set(client, left);
      else this.#streams.delete(client);
    };
  }
}

function tooMany(message: string, retryAfterSeconds: number): Response {
  return new Response(`${message}\n`, {
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
  });
}
