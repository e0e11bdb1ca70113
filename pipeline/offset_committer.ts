/**
 * The offsets of stored batches on their way to Kafka: one commit request at a time, carrying
 * the newest offset of every partition stored since the request before.
 *
 * A commit per batch, each queued behind the one before, is not enough: at a live rate with small
 * batches (1,000 trades/s arrive as about 270 batches a second) the consumer stores batches faster
 * than the broker answers commits (about 130 a second here). Such a queue grows without bound,
 * holding every batch's messages until its turn, and the committed offsets fall ever further
 * behind what is stored (issue 18: 800 MiB after ten minutes). Here what waits is one offset per
 * partition, whatever the rate.
 */

/** One partition's offset to commit: the next one to read, and the end it was read against. */
export interface PartitionOffset {
  partition: number;
  /** The offset after the last stored message (kafkajs commits exactly what it is given). */
  offset: string;
  /** The partition's end (high watermark) when the batch was fetched: for the lag. */
  highWatermark: string;
}

/** What {@link createOffsetCommitter} needs. */
export interface OffsetCommitterOptions {
  /** Sends one commit request for these partitions; rejects when it was not committed. */
  commit: (offsets: PartitionOffset[]) => Promise<void>;
  /** Called with the offsets of each commit that succeeded. */
  onCommitted: (offsets: PartitionOffset[]) => void;
  /** Called when a commit failed; what was waiting then is dropped with it. */
  onError: (error: unknown) => void;
}

/** Commits added offsets, coalesced; see the module comment. */
export interface OffsetCommitter {
  /** Records that `offset.partition` is stored up to `offset.offset`; it is committed soon. */
  add(offset: PartitionOffset): void;
  /** Drops the offsets not sent yet: after a rebalance their partitions may be another member's. */
  drop(): void;
  /** Resolves once every offset added so far was committed, dropped or failed. */
  settled(): Promise<void>;
}

/** Makes a committer with nothing to commit. */
export function createOffsetCommitter(options: OffsetCommitterOptions): OffsetCommitter {
  const waiting = new Map<number, PartitionOffset>();
  let sending: Promise<void> | undefined;

  async function send(): Promise<void> {
    try {
      while (waiting.size > 0) {
        const offsets = [...waiting.values()];
        waiting.clear();
        await options.commit(offsets);
        options.onCommitted(offsets);
      }
    } catch (error) {
      waiting.clear();
      options.onError(error);
    }
  }

  // Cleared in a later turn even when `commit` throws at once; an offset added between the end
  // of `send` and that turn is sent by a new one.
  function start() {
    sending = send().finally(() => {
      sending = undefined;
      if (waiting.size > 0) start();
    });
  }

  return {
    add(offset) {
      waiting.set(offset.partition, offset);
      if (!sending) start();
    },
    drop() {
      waiting.clear();
    },
    async settled() {
      while (sending) await sending;
    },
  };
}
