/**
 * Users' price rules as the JSON API takes them: "BTCUSDT crosses 70000" (`crosses`, a level)
 * or "BTCUSDT moves 2 % within 5 minutes" (`moves`, a percentage and a window), each watching
 * one direction or both, and firing on every crossing or move, only once, or at most once per
 * chosen interval. Checked where they enter; a bad field throws {@link PriceRuleError} naming it.
 */
import { amountProblem, configuredSymbol } from "./trade_event.ts";
import { toUnits } from "./decimal.ts";

/** What a rule watches for. */
export type PriceRuleKind = "crosses" | "moves";

/** Which way the price must go: up, down, or either. */
export type PriceDirection = "up" | "down" | "any";

/**
 * How often a rule fires: on `every` crossing or move, only `once` (its first alert ends the
 * rule), or at most once per `frequencySeconds` (`interval`).
 */
export type PriceRuleFrequency = "every" | "once" | "interval";

/** A rule's frequency, as stored. */
export interface FrequencyFields {
  frequency: PriceRuleFrequency;
  /** `interval`: from 60 (1 minute) to 86400 (24 hours); null otherwise. */
  frequencySeconds: number | null;
}

/** A checked rule, ready to store. */
export type PriceRuleInput =
  & (
    | { symbol: string; kind: "crosses"; direction: PriceDirection; level: string }
    | {
      symbol: string;
      kind: "moves";
      direction: PriceDirection;
      /** Decimal string, above 0, at most 4 decimals, at most 1000. */
      percent: string;
      /** From 60 (1 minute) to 86400 (24 hours). */
      windowSeconds: number;
    }
  )
  & FrequencyFields;

/** A stored rule, as every reader of `price_rules` knows it. */
export interface PriceRule extends FrequencyFields {
  /** `bigint`, as a decimal string. */
  id: string;
  symbol: string;
  kind: PriceRuleKind;
  direction: PriceDirection;
  /** `crosses`: the level, a decimal string; null for `moves`. */
  level: string | null;
  /** `moves`: the move in percent and the window it must happen within; null for `crosses`. */
  percent: string | null;
  windowSeconds: number | null;
}

/**
 * The JSON body `POST /api/price-rules` takes, which {@link parsePriceRule} checks.
 * `frequency`: `every` (the default), `once`, or minutes or hours such as `15m`.
 */
export type PriceRuleBody =
  & (
    | { symbol: string; kind: "crosses"; direction?: PriceDirection; level: string }
    /** `window`: minutes or hours, such as `5m` or `1h`. */
    | { symbol: string; kind: "moves"; direction?: PriceDirection; percent: string; window: string }
  )
  & { frequency?: string };

/** A field of a rule that cannot be used; `field` names it. */
export class PriceRuleError extends Error {
  readonly code = "PRICE_RULE_INVALID";
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = "PriceRuleError";
  }
}

/**
 * The windows a `moves` rule may span, and the intervals between a rule's alerts: whole minutes
 * or hours, from 1 minute to 24 hours.
 */
export const MOVE_WINDOW_SECONDS = { min: 60, max: 86_400 } as const;

const FIELDS: Record<PriceRuleKind, string[]> = {
  crosses: ["symbol", "kind", "direction", "level", "frequency"],
  moves: ["symbol", "kind", "direction", "percent", "window", "frequency"],
};
const DIRECTIONS: readonly PriceDirection[] = ["up", "down", "any"];
/** `percent` is `numeric(10, 4)`; a move of more than 1000 % is no alert anyone needs. */
const MAX_PERCENT_UNITS = 1000n * 10_000n;

/**
 * Checks a rule sent as JSON: `{"symbol":"BTCUSDT","kind":"crosses","level":"70000"}` or
 * `{"symbol":"BTCUSDT","kind":"moves","percent":"2","window":"5m"}`, each with an optional
 * `direction` (`up`, `down`, `any`, the default) and `frequency` (`every`, the default, `once`,
 * or an interval such as `15m`). Amounts must be decimal strings: a JSON number has passed
 * through a float and may be rounded already. `symbol` must be one of `symbols`, any
 * case. Unknown fields are refused, so a misspelt one is not silently ignored.
 */
export function parsePriceRule(body: unknown, symbols: readonly string[]): PriceRuleInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new PriceRuleError("body", "is not a JSON object");
  }
  const fields = body as Record<string, unknown>;
  const kind = fields.kind;
  if (kind === undefined) throw new PriceRuleError("kind", "is required, crosses or moves");
  if (kind !== "crosses" && kind !== "moves") {
    throw new PriceRuleError("kind", `${shown(kind)} is not crosses or moves`);
  }
  const unknown = Object.keys(fields).find((name) => !FIELDS[kind].includes(name));
  if (unknown !== undefined) {
    throw new PriceRuleError(
      unknown.slice(0, 40),
      `is not a field of a ${kind} rule (${FIELDS[kind].join(", ")})`,
    );
  }
  const symbol = parseSymbol(fields.symbol, symbols);
  const direction = fields.direction ?? "any";
  if (!DIRECTIONS.includes(direction as PriceDirection)) {
    throw new PriceRuleError("direction", `${shown(direction)} is not up, down or any`);
  }
  const frequency = parseFrequency(fields.frequency);
  if (kind === "crosses") {
    const level = decimalText("level", fields.level);
    const problem = level === undefined ? "level is required" : amountProblem("level", level);
    if (problem) throw new PriceRuleError("level", problem.replace(/^level /, ""));
    return { symbol, kind, direction: direction as PriceDirection, level: level!, ...frequency };
  }
  return {
    symbol,
    kind,
    direction: direction as PriceDirection,
    percent: parsePercent(fields.percent),
    windowSeconds: parseWindow(fields.window),
    ...frequency,
  };
}

function parseSymbol(raw: unknown, symbols: readonly string[]): string {
  if (raw === undefined) {
    throw new PriceRuleError("symbol", `is required, one of ${symbols.join(", ")}`);
  }
  const symbol = configuredSymbol(raw, symbols);
  if (symbol === undefined) {
    throw new PriceRuleError("symbol", `${shown(raw)} is not one of ${symbols.join(", ")}`);
  }
  return symbol;
}

function parsePercent(raw: unknown): string {
  const text = decimalText("percent", raw);
  if (text === undefined) throw new PriceRuleError("percent", 'is required, e.g. "2"');
  const units = toUnits(text, 4);
  if (units === undefined || units <= 0n || units > MAX_PERCENT_UNITS) {
    throw new PriceRuleError(
      "percent",
      `${shown(raw)} is not a number above 0 and at most 1000 with at most 4 decimals`,
    );
  }
  return text;
}

/** `window` as seconds: `5m`, `90m`, `1h`, `24h`. */
function parseWindow(raw: unknown): number {
  if (raw === undefined) throw new PriceRuleError("window", 'is required, e.g. "5m"');
  const seconds = durationSeconds(raw);
  if (seconds === undefined) {
    throw new PriceRuleError(
      "window",
      `${shown(raw)} is not minutes or hours from 1m to 24h, such as 5m or 1h`,
    );
  }
  return seconds;
}

/** `frequency`: `every` when absent, `once`, or an interval such as `15m` or `1h`. */
function parseFrequency(raw: unknown): FrequencyFields {
  if (raw === undefined || raw === "every") return { frequency: "every", frequencySeconds: null };
  if (raw === "once") return { frequency: "once", frequencySeconds: null };
  const seconds = durationSeconds(raw);
  if (seconds === undefined) {
    throw new PriceRuleError(
      "frequency",
      `${shown(raw)} is not every, once, or minutes or hours from 1m to 24h, such as 15m`,
    );
  }
  return { frequency: "interval", frequencySeconds: seconds };
}

/** Whole minutes or hours (`5m`, `90m`, `1h`) from 1 minute to 24 hours, in seconds. */
function durationSeconds(raw: unknown): number | undefined {
  const match = typeof raw === "string" ? /^(\d{1,4})(m|h)$/.exec(raw) : null;
  const seconds = match ? Number(match[1]) * (match[2] === "h" ? 3_600 : 60) : NaN;
  return seconds >= MOVE_WINDOW_SECONDS.min && seconds <= MOVE_WINDOW_SECONDS.max
    ? seconds
    : undefined;
}

/** The decimal string of `field`, undefined when absent; a JSON number is refused. */
function decimalText(field: string, raw: unknown): string | undefined {
  if (typeof raw === "string") return raw.trim();
  if (typeof raw === "number") {
    throw new PriceRuleError(
      field,
      `${shown(raw)} must be a decimal string, such as "${raw}": a JSON number may be rounded`,
    );
  }
  return raw === undefined || raw === null ? undefined : shown(raw);
}

/** A value as a reason quotes it, cut short. */
function shown(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).slice(0, 40);
}
