/**
 * What the producer says about itself on `<topic>.status`, read by the monitor: a heartbeat
 * with its state every few seconds, and a report for each gap in trade ids it could not
 * recover. JSON, versioned like the trade events. Also each component's state as stored in
 * `pipeline_status` (JSON), which the monitor's rules and the dashboard's health panel read.
 */

/** The producer's state as a heartbeat carries it. */
export interface ProducerState {
  /** Whether the WebSocket to Binance is open. */
  connected: boolean;
  /** Since when (epoch ms) it has been connected or disconnected. */
  since: number;
  /** Since the previous heartbeat. */
  framesPerSecond: number;
  tradesPerSecond: number;
  buffered: number;
  dropped: number;
  sendErrors: number;
  lostTrades: number;
}

/** The consumer's state, reported every heartbeat interval. */
export interface ConsumerState {
  /** The slowest batch since the previous report, in seconds (0 when none was stored). */
  processingSecondsMax: number;
  /** Epoch ms the newest batch was stored; null before the first. */
  lastBatchAt: number | null;
  /** Messages taken from Kafka and trades stored, since the process started. */
  consumed: number;
  stored: number;
  /** Messages behind each held partition's high watermark, by partition number. */
  lag: Record<string, number>;
}

/** The monitor's state, reported at each evaluation. */
export interface MonitorState {
  evaluations: number;
  /** Notices waiting for the webhook. */
  webhookPending: number;
}

/** A component's state in `pipeline_status`, by component. */
export type ComponentState =
  | { component: "producer"; state: ProducerState }
  | { component: "consumer"; state: ConsumerState }
  | { component: "monitor"; state: MonitorState };

/** A producer's periodic report. */
export interface Heartbeat {
  v: 1;
  type: "heartbeat";
  component: "producer";
  /** Tells instances apart: host and process id. */
  instance: string;
  /** Epoch ms it was sent. */
  at: number;
  state: ProducerState;
}

/** Trades missing from the stream that REST did not return. */
export interface GapReport {
  v: 1;
  type: "gap";
  symbol: string;
  firstMissingId: number;
  lastMissingId: number;
  /** Epoch ms the gap was given up. */
  foundAt: number;
  reason: string;
}

/** Any message on the status topic. */
export type StatusEvent = Heartbeat | GapReport;

/** The message value for `event`. */
export function encodeStatusEvent(event: StatusEvent): string {
  return JSON.stringify(event);
}

/** Reads a status message; undefined when it is not one this version knows. */
export function decodeStatusEvent(raw: string | undefined): StatusEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? "");
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const event = parsed as Record<string, unknown>;
  if (event.v !== 1) return undefined;
  if (event.type === "heartbeat") {
    const ok = event.component === "producer" && typeof event.instance === "string" &&
      Number.isFinite(event.at) && typeof event.state === "object" && event.state !== null;
    return ok ? event as unknown as Heartbeat : undefined;
  }
  if (event.type === "gap") {
    const first = event.firstMissingId, last = event.lastMissingId;
    const ok = typeof event.symbol === "string" && Number.isSafeInteger(first) &&
      Number.isSafeInteger(last) && (last as number) >= (first as number) &&
      Number.isFinite(event.foundAt) && typeof event.reason === "string";
    return ok ? event as unknown as GapReport : undefined;
  }
  return undefined;
}
