/** Dead letters: what could not be used, with the reason, on `<topic>.dlq`. */

/** One rejected frame or message as written to the dead-letter topic. */
export interface DeadLetter {
  v: 1;
  /** Which component rejected it. */
  stage: "producer" | "consumer";
  reason: string;
  /** The frame or message value as received, cut to 64 KiB so the letter fits Kafka. */
  raw: string;
  /** Epoch milliseconds. */
  rejectedAt: number;
  /** Where the consumer read it from. */
  source?: { topic: string; partition: number; offset: string };
}

const MAX_RAW_CHARS = 64 * 1024;

/** Makes a dead letter, truncating an oversized raw payload. */
export function deadLetter(
  stage: DeadLetter["stage"],
  reason: string,
  raw: string,
  source?: DeadLetter["source"],
): DeadLetter {
  return {
    v: 1,
    stage,
    reason,
    raw: raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw,
    rejectedAt: Date.now(),
    ...(source ? { source } : {}),
  };
}
