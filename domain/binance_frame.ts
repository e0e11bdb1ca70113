/**
 * Parses one Binance WebSocket text frame: a raw trade (`/ws/...`) or one wrapped as
 * `{"stream":…,"data":…}` (`/stream?streams=…`). Never throws; a bad frame gets a reason.
 * Also names that combined stream's URL, which the producer and the stack's feed choice open.
 */
import type { TradeEvent } from "./trade_event.ts";
import { streamTradeEvent } from "./binance_trade.ts";

/** The combined-stream URL for the trade streams of `symbols`. */
export function tradeStreamUrl(baseUrl: string, symbols: readonly string[]): string {
  const streams = symbols.map((symbol) => `${symbol.toLowerCase()}@trade`).join("/");
  return `${baseUrl}/stream?streams=${streams}`;
}

/**
 * Frames longer than this many characters (UTF-16 code units, as `string.length` counts) are
 * rejected unread; a trade frame is about 200 characters.
 */
export const MAX_FRAME_LENGTH = 64 * 1024;

/** What a frame turned out to be. */
export type FrameResult =
  | { kind: "trade"; event: TradeEvent }
  /** A reply to SUBSCRIBE, or `serverShutdown` (reconnect soon): not a trade, not an error. */
  | { kind: "control"; message: Record<string, unknown> }
  | { kind: "rejected"; reason: string };

/**
 * Parses `frame`, received at `receivedAt` (epoch ms), into a trade event.
 * Only trades of `symbols` are accepted; anything else is rejected with a reason.
 */
export function parseBinanceFrame(
  frame: string,
  receivedAt: number,
  symbols: ReadonlySet<string>,
): FrameResult {
  if (frame.length > MAX_FRAME_LENGTH) {
    return {
      kind: "rejected",
      reason: `frame of ${frame.length} characters exceeds ${MAX_FRAME_LENGTH}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return { kind: "rejected", reason: "frame is not JSON" };
  }
  if (!isObject(parsed)) return { kind: "rejected", reason: "frame is not a JSON object" };
  const message = "stream" in parsed && "data" in parsed ? parsed.data : parsed;
  if (!isObject(message)) return { kind: "rejected", reason: "data is not a JSON object" };
  if (message.e === "serverShutdown" || isReply(message)) return { kind: "control", message };
  if ("error" in message && "id" in message) {
    const [id, error] = [JSON.stringify(message.id), JSON.stringify(message.error)];
    return { kind: "rejected", reason: `error reply to request ${id}: ${error.slice(0, 200)}` };
  }
  if (!("e" in message)) return { kind: "rejected", reason: 'frame has no event type "e"' };
  if (message.e !== "trade") {
    return { kind: "rejected", reason: `event type ${JSON.stringify(message.e)} is not "trade"` };
  }
  const trade = streamTradeEvent(message, receivedAt);
  if (!trade.ok) return { kind: "rejected", reason: trade.reason };
  if (!symbols.has(trade.event.symbol)) {
    return { kind: "rejected", reason: `symbol ${trade.event.symbol} was not subscribed` };
  }
  return { kind: "trade", event: trade.event };
}

/** A reply to SUBSCRIBE and its kin is exactly `{"result":…,"id":…}`. */
function isReply(message: Record<string, unknown>): boolean {
  const keys = Object.keys(message);
  return keys.length === 2 && "result" in message && "id" in message;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
