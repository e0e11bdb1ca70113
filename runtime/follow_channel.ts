/**
 * Following a NOTIFY channel by re-reading what it announces: the reader runs after each
 * notification, and after the listener reconnects (postgres.js does so by itself, and what was
 * announced meanwhile is lost), never twice at once.
 */
import type { ListenMeta } from "postgres";
import type { Sql } from "./database.ts";
import type { Logger } from "./log.ts";
import { retryTransient } from "./retry.ts";

/** What {@link followChannel} needs besides the channel and the reader. */
export interface FollowOptions {
  log: Logger;
  /** Stops the first listen's retries. */
  signal: AbortSignal;
}

/**
 * Listens on `channel` (retrying while the database is away) and runs `read` after each
 * notification; notifications during a read make one more read, not one each. A failed read
 * is logged. Returns a function that stops listening and waits for the read in progress.
 */
export function followChannel(
  sql: Sql,
  channel: string,
  read: () => Promise<void>,
  { log, signal }: FollowOptions,
): () => Promise<void> {
  let wanted = false;
  let reading: Promise<void> | undefined;
  const readSoon = () => {
    wanted = true;
    reading ??= (async () => {
      while (wanted) {
        wanted = false;
        try {
          await read();
        } catch (error) {
          log.warn("a notified change could not be read", { channel, error });
        }
      }
    })().finally(() => reading = undefined);
  };
  let listener: ListenMeta | undefined;
  retryTransient(
    `listen on ${channel}`,
    () => sql.listen(channel, readSoon, () => listener && readSoon()),
    { log, service: "database", signal },
  ).then(async (started) => {
    if (signal.aborted) await started?.unlisten();
    else listener = started;
  }).catch((error) => log.warn("notifications are off", { channel, error }));
  return async () => {
    await listener?.unlisten();
    await reading;
  };
}
