/** What the consumer's batch handler gets from kafkajs, made for tests; and a handler to get it. */
import { Buffer } from "node:buffer";
import type { KafkaMessage } from "kafkajs";
import {
  type BatchHandler,
  type BatchHandlerOptions,
  createBatchHandler,
} from "../../pipeline/batch_handler.ts";
import type { Sql } from "../../runtime/database.ts";
import { encodeTradeEvent, type TradeEvent } from "../../domain/trade_event.ts";
import { quietLog } from "./dashboard_app.ts";

/** A batch context that never stops and whose heartbeats succeed. */
export const BATCH_CONTEXT = {
  topic: "trades",
  partition: 0,
  heartbeat: () => Promise.resolve(),
  shouldStop: () => false,
};

/** Kafka messages at offsets 0, 1, …: events encoded as the producer does, strings as they are. */
export function kafkaMessages(values: (TradeEvent | string)[]): KafkaMessage[] {
  return values.map((value, offset) => ({
    key: Buffer.from(typeof value === "string" ? "BTCUSDT" : value.symbol),
    value: Buffer.from(typeof value === "string" ? value : encodeTradeEvent(value)),
    offset: String(offset),
    timestamp: "0",
    attributes: 0,
    headers: {},
  }));
}

/**
 * A batch handler on `sql` with a whale threshold of 100000, a quiet log, dead letters dropped
 * unless `options` says otherwise.
 */
export function testBatchHandler(
  sql: Sql,
  windowSize: number,
  options: Partial<BatchHandlerOptions> = {},
): BatchHandler {
  return createBatchHandler({
    database: { sql, renew() {} },
    windowSize,
    whaleThreshold: "100000",
    log: quietLog,
    sendDeadLetters: () => Promise.resolve(),
    ...options,
  });
}
