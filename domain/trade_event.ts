/**
 * The Kafka event for one trade (topic value, key = symbol) and the checks every trade passes,
 * both when the producer builds it from a Binance frame and when the consumer decodes it.
 */
import { AMOUNT_SCALE, toAmountUnits } from "./decimal.ts";
import { valueInCents } from "./trade_value.ts";

/** Version of the event layout; a consumer rejects versions it does not know. */
export const TRADE_EVENT_VERSION = 1;

/** One trade as it travels through Kafka. Price and quantity stay decimal strings. */
export interface TradeEvent {
  v: typeof TRADE_EVENT_VERSION;
  symbol: string;
  /** Binance trade id: rises by one per trade of a symbol. */
  tradeId: number;
  price: string;
  quantity: string;
  /** Trade time, epoch milliseconds. */
  tradeTime: number;
  /** Binance event time, epoch milliseconds. */
  eventTime: number;
  isBuyerMaker: boolean;
  /** When the producer received the frame, epoch milliseconds. */
  receivedAt: number;
}

/** Integer digits `numeric(20, 8)` can hold. */
const MAX_INTEGER_DIGITS = 12n;
const MAX_AMOUNT_UNITS = 10n ** (MAX_INTEGER_DIGITS + BigInt(AMOUNT_SCALE));
/** `trade_value` is `numeric(20, 2)`: price × quantity, rounded to the cent, below 10^18. */
const MAX_VALUE_CENTS = 10n ** 20n;

/** A Binance symbol such as BTCUSDT: upper-case letters and digits. */
export const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}$/;

/** `raw` upper-cased when it names one of `symbols` (the configured ones), else undefined. */
export function configuredSymbol(raw: unknown, symbols: readonly string[]): string | undefined {
  const symbol = typeof raw === "string" ? raw.toUpperCase() : undefined;
  return symbol !== undefined && symbols.includes(symbol) ? symbol : undefined;
}

/**
 * Checks the fields of a trade; returns why it is unusable, or undefined when it is fine.
 * Price and quantity must be positive decimal strings with at most 8 decimals that fit
 * `numeric(20, 8)`, and their product must fit `trade_value`.
 */
export function tradeProblem(trade: Record<string, unknown>): string | undefined {
  const { symbol, tradeId, price, quantity, tradeTime, eventTime, isBuyerMaker } = trade;
  if (typeof symbol !== "string" || !SYMBOL_PATTERN.test(symbol)) {
    return "symbol is not like BTCUSDT";
  }
  if (!Number.isSafeInteger(tradeId) || (tradeId as number) < 0) {
    return "trade id is not a non-negative integer";
  }
  const priceProblem = amountProblem("price", price);
  if (priceProblem) return priceProblem;
  const quantityProblem = amountProblem("quantity", quantity);
  if (quantityProblem) return quantityProblem;
  if (valueInCents(price as string, quantity as string) >= MAX_VALUE_CENTS) {
    return "price × quantity exceeds numeric(20,2)";
  }
  if (!isEpochMs(tradeTime)) return "trade time is not epoch milliseconds";
  if (!isEpochMs(eventTime)) return "event time is not epoch milliseconds";
  if (typeof isBuyerMaker !== "boolean") return "buyer-is-maker is not a boolean";
  return undefined;
}

/**
 * Why `text` cannot be an amount (a positive decimal string with at most 8 decimals that fits
 * `numeric(20, 8)`), naming it `name`; undefined when it can.
 */
export function amountProblem(name: string, text: unknown): string | undefined {
  if (typeof text !== "string") return `${name} is not a decimal string`;
  const units = toAmountUnits(text);
  if (units === undefined) {
    return `${name} "${text.slice(0, 40)}" is not a decimal with ≤ 8 decimals`;
  }
  if (units <= 0n) return `${name} is not positive`;
  if (units >= MAX_AMOUNT_UNITS) return `${name} exceeds numeric(20,8)`;
  return undefined;
}

function isEpochMs(value: unknown): boolean {
  // 2000-01-01 to 2200-01-01: anything else is a unit mix-up, not a trade time.
  return Number.isSafeInteger(value) && (value as number) >= 946_684_800_000 &&
    (value as number) < 7_258_118_400_000;
}

/** Serialises an event for a Kafka message value. */
export function encodeTradeEvent(event: TradeEvent): string {
  return JSON.stringify(event);
}

/** A checked trade event, or why the trade is unusable. */
export type TradeEventResult = { ok: true; event: TradeEvent } | { ok: false; reason: string };

/**
 * The event for `fields` (named as in {@link TradeEvent}) received at `receivedAt`, once they
 * pass {@link tradeProblem}; any other field is left out. Never throws.
 */
export function checkedTradeEvent(
  fields: Record<string, unknown>,
  receivedAt: number,
): TradeEventResult {
  const reason = tradeProblem(fields);
  if (reason) return { ok: false, reason };
  const { symbol, tradeId, price, quantity, tradeTime, eventTime, isBuyerMaker } = fields as Omit<
    TradeEvent,
    "v" | "receivedAt"
  >;
  return {
    ok: true,
    event: {
      v: TRADE_EVENT_VERSION,
      symbol,
      tradeId,
      price,
      quantity,
      tradeTime,
      eventTime,
      isBuyerMaker,
      receivedAt,
    },
  };
}

/** Decodes and re-checks a Kafka message value; never throws. */
export function decodeTradeEvent(value: string | null | undefined): TradeEventResult {
  if (value === null || value === undefined) return { ok: false, reason: "message has no value" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { ok: false, reason: "value is not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: "value is not a JSON object" };
  }
  const record = parsed as Record<string, unknown>;
  if (record.v !== TRADE_EVENT_VERSION) {
    return { ok: false, reason: `unknown event version ${JSON.stringify(record.v)}` };
  }
  const result = checkedTradeEvent(record, record.receivedAt as number);
  if (result.ok && !Number.isSafeInteger(record.receivedAt)) {
    return { ok: false, reason: "receivedAt is not epoch milliseconds" };
  }
  return result;
}
