/** Captured Binance frames for `--replay`, one JSON frame per line, raw or wrapped. */
import { parseBinanceFrame } from "../domain/binance_frame.ts";
import type { SentTrade } from "./trade_frame.ts";

/**
 * One captured frame. A frame naming its symbol and event carries its `stream`, its raw form and
 * the parsed `data`, so it can be framed for each connection and sent only to subscribers;
 * `trade` is set when it is a valid trade. Any other line (a bad capture) is sent as it is.
 */
export type ReplayFrame =
  | { line: string; stream?: undefined }
  | { line: string; stream: string; raw: string; data: Record<string, unknown>; trade?: SentTrade };

/** Reads the frames of the file at `path`, skipping blank lines; throws when it cannot be read. */
export async function loadReplayFrames(path: string): Promise<ReplayFrame[]> {
  const text = await Deno.readTextFile(path);
  return text.split("\n").filter((line) => line.trim() !== "").map(replayFrame);
}

function replayFrame(line: string): ReplayFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { line };
  }
  if (!isObject(parsed)) return { line };
  const wrapped = typeof parsed.stream === "string" && isObject(parsed.data);
  const data = wrapped ? parsed.data as Record<string, unknown> : parsed;
  if (typeof data.s !== "string" || typeof data.e !== "string") return { line };
  const stream = wrapped ? parsed.stream as string : `${data.s.toLowerCase()}@${data.e}`;
  const raw = wrapped ? JSON.stringify(data) : line;
  const result = parseBinanceFrame(raw, Date.now(), new Set([data.s]));
  if (result.kind !== "trade") return { line, stream, raw, data };
  const { symbol, tradeId, price, quantity: qty, tradeTime, isBuyerMaker } = result.event;
  return {
    line,
    stream,
    raw,
    data,
    trade: { symbol, tradeId, price, qty, tradeTime, isBuyerMaker },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
