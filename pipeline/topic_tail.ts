/**
 * What the producer published before it last stopped: the highest trade id per symbol among the
 * newest messages of each partition of its topic. With it a restarted producer sees the gap its
 * downtime left, and recovers it over REST as after a reconnect.
 */
import type { Kafka, KafkaMessage } from "kafkajs";
import { decodeTradeEvent } from "../domain/trade_event.ts";

/** Options of {@link lastPublishedTradeIds}. */
export interface TopicTailOptions {
  /** Messages read back from the end of each partition. */
  depth?: number;
  /** Gives up (with what it has read) after this long. */
  timeoutMs?: number;
}

/**
 * The highest trade id per symbol in the last `depth` messages of every partition of `topic`.
 * A symbol absent there (new, or quiet while others on its partition were busy) is absent from
 * the answer. Reads with a throwaway consumer group, deleted afterwards.
 */
export async function lastPublishedTradeIds(
  kafka: Kafka,
  topic: string,
  options: TopicTailOptions = {},
): Promise<Map<string, number>> {
  const { depth = 5_000, timeoutMs = 30_000 } = options;
  const admin = kafka.admin();
  await admin.connect();
  const last = new Map<string, number>();
  try {
    // The offset of the newest message of each partition that holds any.
    const ends = new Map<number, { from: number; newest: number }>();
    for (const { partition, offset, low } of await admin.fetchTopicOffsets(topic)) {
      const high = Number(offset);
      if (high > Number(low)) {
        ends.set(partition, { from: Math.max(Number(low), high - depth), newest: high - 1 });
      }
    }
    if (ends.size === 0) return last;
    const groupId = `topic-tail-${crypto.randomUUID()}`;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    let finished!: () => void;
    const allRead = new Promise<void>((resolve) => finished = resolve);
    /** Takes the trade ids of a batch, up to the partition's newest message. */
    const read = (partition: number, messages: KafkaMessage[]) => {
      const end = ends.get(partition);
      if (!end) return;
      for (const message of messages) {
        const decoded = decodeTradeEvent(message.value?.toString("utf8"));
        if (decoded.ok) {
          const { symbol, tradeId } = decoded.event;
          last.set(symbol, Math.max(last.get(symbol) ?? tradeId, tradeId));
        }
        if (Number(message.offset) >= end.newest) {
          ends.delete(partition);
          if (ends.size === 0) finished();
          return;
        }
      }
    };
    try {
      await consumer.connect();
      await consumer.subscribe({ topic });
      await consumer.run({
        autoCommit: false,
        eachBatch: ({ batch }) => {
          read(batch.partition, batch.messages);
          return Promise.resolve();
        },
      });
      for (const [partition, { from }] of ends) {
        consumer.seek({ topic, partition, offset: String(from) });
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<void>((resolve) => timer = setTimeout(resolve, timeoutMs));
      await Promise.race([allRead, timedOut]);
      clearTimeout(timer);
      if (ends.size > 0) {
        throw new Error(`the end of ${topic} was not read in ${timeoutMs} ms`);
      }
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => {});
    }
    return last;
  } finally {
    await admin.disconnect();
  }
}
