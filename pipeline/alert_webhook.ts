/**
 * Delivers notices (pipeline alerts and users' price alerts) to `ALERT_WEBHOOK_URL` as one JSON
 * POST each, in the background: a failed POST is retried with backoff, never holding up the
 * caller, and given up (and counted) after a few minutes, or at once when the webhook refuses
 * the notice itself (a 4xx other than 408 and 429, which no retry changes). Each kind of notice
 * is posted in order on a lane of its own, so a price alert being retried never holds up a
 * rule's notice, nor the other way round.
 */
import type { Logger } from "../runtime/log.ts";
import type { WebhookNotice } from "../domain/alert_notice.ts";
import { backoffDelay, type BackoffOptions } from "../domain/backoff.ts";
import { sleep } from "../runtime/sleep.ts";
import type { Stoppable } from "../runtime/stoppable.ts";

/** What {@link AlertWebhook} needs. */
export interface AlertWebhookOptions {
  url: string;
  log: Logger;
  /** Attempts per notice before it is given up. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Each POST's time limit. */
  timeoutMs?: number;
}

interface Queued {
  notice: WebhookNotice;
  settled?: (delivered: boolean) => void;
}

/** The notices of one kind, and the loop posting them while there are any. */
interface Lane {
  queue: Queued[];
  running?: Promise<void>;
}

/** The lane a notice goes on: the rules' notices, or users' price alerts. */
function laneOf(notice: WebhookNotice): "rules" | "price_alerts" {
  return notice.state === "fired" ? "price_alerts" : "rules";
}

/** The one client of a webhook URL: its lanes of notices and the loops that post them. */
export class AlertWebhook implements Stoppable {
  /** Notices the webhook accepted (a 2xx). */
  delivered = 0;
  /** POSTs that failed (each retry counts). */
  failures = 0;
  /** Notices given up: every attempt failed, or the webhook refused them. */
  dropped = 0;
  readonly #options: AlertWebhookOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #stopping = new AbortController();

  constructor(options: AlertWebhookOptions) {
    this.#options = options;
  }

  /** Notices waiting to be delivered. */
  get pending(): number {
    let pending = 0;
    for (const lane of this.#lanes.values()) pending += lane.queue.length;
    return pending;
  }

  /**
   * Queues `notice`; returns at once. `settled` is told whether the webhook accepted it, once
   * it did or every attempt failed; not when the webhook is stopped first.
   */
  send(notice: WebhookNotice, settled?: (delivered: boolean) => void): void {
    if (this.#stopping.signal.aborted) return;
    const key = laneOf(notice);
    const lane = this.#lanes.get(key) ?? { queue: [] };
    this.#lanes.set(key, lane);
    lane.queue.push({ notice, settled });
    lane.running ??= this.#drain(lane).finally(() => lane.running = undefined);
  }

  /** Stops retrying; what is still queued is dropped and counted. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    for (const lane of this.#lanes.values()) {
      await lane.running;
      this.dropped += lane.queue.splice(0).length;
    }
  }

  /** Stops, as `await using` does at the end of its scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #drain({ queue }: Lane): Promise<void> {
    const { attempts = 8, backoff = { baseMs: 1_000, maxMs: 60_000 } } = this.#options;
    while (queue.length > 0 && !this.#stopping.signal.aborted) {
      const { notice, settled } = queue[0];
      for (let attempt = 0;; attempt++) {
        const outcome = await this.#post(notice);
        if (outcome === "delivered") {
          this.delivered++;
          settled?.(true);
          break;
        }
        this.failures++;
        if (outcome === "refused" || attempt + 1 >= attempts) {
          this.dropped++;
          this.#options.log.error("alert webhook given up", {
            rule: notice.rule,
            attempts: attempt + 1,
          });
          settled?.(false);
          break;
        }
        await sleep(backoffDelay(attempt, backoff), this.#stopping.signal);
        if (this.#stopping.signal.aborted) return;
      }
      queue.shift();
    }
  }

  async #post(notice: WebhookNotice): Promise<"delivered" | "failed" | "refused"> {
    const { url, log, timeoutMs = 10_000 } = this.#options;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(notice),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.#stopping.signal]),
      });
      await response.body?.cancel();
      if (response.ok) return "delivered";
      const { status } = response;
      log.warn("alert webhook refused the notice", { status, rule: notice.rule });
      return status >= 400 && status < 500 && status !== 408 && status !== 429
        ? "refused"
        : "failed";
    } catch (error) {
      log.warn("alert webhook unreachable", { error, rule: notice.rule });
      return "failed";
    }
  }
}
