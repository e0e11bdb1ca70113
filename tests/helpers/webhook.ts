/**
 * A webhook receiver for tests: it refuses the first notice it takes with a 503, so the sender
 * must retry it rather than lose it, and keeps every notice it accepts after that.
 */
import { freePort } from "../../stack/free_port.ts";

/** A running receiver. */
export interface TestWebhook<T> {
  /** Where to POST, for `ALERT_WEBHOOK_URL`. */
  url: string;
  /** The notices accepted, in arrival order. */
  accepted: T[];
  /** The notice refused, once one was. */
  refused(): T | undefined;
  shutdown(): Promise<void>;
}

/** Starts a receiver; notices `takes` says no to are answered 204 and not kept. */
export function startWebhook<T>(takes: (notice: T) => boolean = () => true): TestWebhook<T> {
  const accepted: T[] = [];
  let refused: T | undefined;
  const port = freePort();
  const server = Deno.serve({ port, onListen() {} }, async (request) => {
    const notice = await request.json() as T;
    if (!takes(notice)) return new Response(null, { status: 204 });
    if (refused === undefined) {
      refused = notice;
      return new Response("busy", { status: 503 });
    }
    accepted.push(notice);
    return new Response(null, { status: 204 });
  });
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    accepted,
    refused: () => refused,
    shutdown: () => server.shutdown(),
  };
}
