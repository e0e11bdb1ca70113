/**
 * Requests a second per client, as token buckets: each client may send `burst` requests at
 * once and `rate` a second after. Time comes in as an argument. The buckets of at most
 * `maxClients` clients are kept: past that, the ones full again (idle long enough) go, then the
 * least recently seen, so an attacker cycling addresses costs bounded memory.
 */
export class RequestBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly rate: number,
    readonly burst: number,
    readonly maxClients = 100_000,
  ) {}

  /** Clients with a bucket kept. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Takes one request of `client` at `nowMs`: 0 when it may go on, else the whole seconds
   * after which it may.
   */
  take(client: string, nowMs: number): number {
    let bucket = this.#buckets.get(client);
    if (bucket) {
      this.#buckets.delete(client);
      bucket.tokens = this.#refilled(bucket, nowMs);
      bucket.at = nowMs;
    } else {
      if (this.#buckets.size >= this.maxClients) this.#prune(nowMs);
      bucket = { tokens: this.burst, at: nowMs };
    }
    // Kept last in the map's order: the least recently seen come first.
    this.#buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
  }

  #refilled(bucket: { tokens: number; at: number }, nowMs: number): number {
    return Math.min(this.burst, bucket.tokens + Math.max(0, nowMs - bucket.at) / 1000 * this.rate);
  }

  #prune(nowMs: number): void {
    for (const [client, bucket] of this.#buckets) {
      if (this.#refilled(bucket, nowMs) >= this.burst) this.#buckets.delete(client);
    }
    // A tenth more than needed, so a flood of new clients prunes once in many requests.
    const keep = Math.floor(this.maxClients * 0.9);
    for (const client of this.#buckets.keys()) {
      if (this.#buckets.size <= keep) break;
      this.#buckets.delete(client);
    }
  }
}
