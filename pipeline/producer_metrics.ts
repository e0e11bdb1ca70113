/**
 * The producer's Prometheus metrics, read from its parts at each scrape: frames and trades
 * (per second is `rate()` of the totals), the WebSocket's state, Kafka sends, the buffer, and
 * gaps found, recovered and lost.
 */
import { metricsOn, type Registry } from "../runtime/metrics.ts";
import type { BinanceStream } from "./binance_stream.ts";
import type { TradePublisher } from "./trade_publisher.ts";
import type { GapTracker } from "../domain/gap_tracker.ts";
import type { GapFiller } from "./gap_filler.ts";

/** What the producer counts itself. */
export interface FrameCounts {
  frames: number;
  trades: number;
  rejected: number;
}

/** The parts whose figures the metrics read. */
export interface ProducerParts {
  counts: FrameCounts;
  stream: BinanceStream;
  publisher: TradePublisher;
  gaps: GapTracker;
  filler: GapFiller;
}

/** Registers every producer metric on `registry`. */
export function registerProducerMetrics(registry: Registry, parts: ProducerParts): void {
  const { counts, stream, publisher, gaps, filler } = parts;
  const { counter, gauge } = metricsOn(registry, "producer_");
  counter("frames_total", "WebSocket frames received.", () => counts.frames);
  counter("trades_total", "Valid trades received.", () => counts.trades);
  counter("frames_rejected_total", "Frames rejected and dead-lettered.", () => counts.rejected);
  gauge("websocket_connected", "1 while the WebSocket is open.", () => stream.connected ? 1 : 0);
  counter(
    "websocket_disconnects_total",
    "Connections closed, failed or silent.",
    () => stream.disconnects,
  );
  counter(
    "websocket_reconnects_total",
    "Connections that took over from an earlier one.",
    () => stream.reconnects,
  );
  counter("messages_published_total", "Messages Kafka acknowledged.", () => publisher.published);
  counter("kafka_send_errors_total", "Failed Kafka send attempts.", () => publisher.sendErrors);
  gauge("messages_buffered", "Messages waiting for Kafka.", () => publisher.buffered);
  counter("messages_dropped_total", "Messages dropped on a full buffer.", () => publisher.dropped);
  counter("gaps_found_total", "Jumps in trade ids seen.", () => gaps.found);
  counter("trades_missing_total", "Trade ids skipped by the stream.", () => gaps.missing);
  counter("trades_recovered_total", "Missing trades recovered over REST.", () => filler.recovered);
  counter("trades_lost_total", "Missing trades that could not be recovered.", () => filler.lost);
}
