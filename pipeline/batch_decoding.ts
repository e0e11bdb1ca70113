/**
 * Turning a Kafka batch into trade events: a message that is no trade event this version
 * knows, or whose trade is past retention, becomes a dead letter with its reason instead.
 */
import type { KafkaMessage } from "kafkajs";
import type { Logger } from "../runtime/log.ts";
import { decodeTradeEvent, type TradeEvent } from "../domain/trade_event.ts";
import { type DeadLetter, deadLetter } from "../domain/dead_letter.ts";
import { retentionCutoff } from "../domain/retention.ts";

/** A trade event and the offset of its message. */
export interface Decoded {
  event: TradeEvent;
  offset: string;
}

/** Where a batch came from, which its dead letters name. */
export interface BatchSource {
  topic: string;
  partition: number;
}

/** How {@link decodeBatch} judges messages. */
export interface DecodeOptions {
  /** Trades older than this many days (see `retentionCutoff`) are dead-lettered. */
  retentionDays?: number;
  /** Epoch ms now, for the retention cutoff. */
  now: number;
  log: Logger;
}

/** The trade events of `messages`, and dead letters for what is unusable or past retention. */
export function decodeBatch(
  messages: KafkaMessage[],
  source: BatchSource,
  { retentionDays, now, log }: DecodeOptions,
): { decoded: Decoded[]; rejected: DeadLetter[] } {
  const decoded: Decoded[] = [];
  const rejected: DeadLetter[] = [];
  const cutoff = retentionDays === undefined ? undefined : retentionCutoff(now, retentionDays);
  for (const message of messages) {
    const raw = message.value?.toString("utf8");
    const result = decodeTradeEvent(raw);
    const reason = !result.ok
      ? result.reason
      : cutoff !== undefined && result.event.tradeTime < cutoff
      ? `trade time ${new Date(result.event.tradeTime).toISOString()} is past the ` +
        `${retentionDays}-day retention (TRADES_RETENTION_DAYS)`
      : undefined;
    if (result.ok && reason === undefined) {
      decoded.push({ event: result.event, offset: message.offset });
    } else {
      const from = { topic: source.topic, partition: source.partition, offset: message.offset };
      log.warn("message dead-lettered", { reason, ...from });
      rejected.push(deadLetter("consumer", reason!, raw ?? "", from));
    }
  }
  return { decoded, rejected };
}
