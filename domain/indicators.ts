/**
 * Technical indicators over candles' closes, computed by `trading-signals`: their one
 * definition, for `/api/indicators` and for the page. A set is written as the API takes it,
 * `ema:20,rsi:14,bb:20:2`, each entry a name and its parameters (omitted ones take the
 * defaults below). Each indicator also says how many earlier candles it reads first (its
 * warm-up), so the first value shown equals the value over the whole history.
 */
import { BollingerBands, EMA, MACD, RSI, SMA } from "trading-signals";

/** One parameter of an indicator: its default and the values it may take. */
interface Parameter {
  name: string;
  default: number;
  min: number;
  max: number;
  /** A whole number (a count of candles), or any decimal in range. */
  whole: boolean;
}

const period = (fallback: number, name = "period"): Parameter => ({
  name,
  default: fallback,
  min: 2,
  max: 500,
  whole: true,
});

/**
 * The indicators by name: their parameters in the order a set writes them, the pane they draw
 * in (over the prices, or one of their own) and the lines each value has.
 */
export const INDICATORS = {
  sma: { params: [period(20)], pane: "price", lines: ["sma"] },
  ema: { params: [period(20)], pane: "price", lines: ["ema"] },
  bb: {
    params: [period(20), { name: "deviations", default: 2, min: 0.1, max: 10, whole: false }],
    pane: "price",
    lines: ["upper", "middle", "lower"],
  },
  rsi: { params: [period(14)], pane: "rsi", lines: ["rsi"] },
  macd: {
    params: [period(12, "fast"), period(26, "slow"), period(9, "signal")],
    pane: "macd",
    lines: ["macd", "signal", "histogram"],
  },
} as const satisfies Record<string, { params: Parameter[]; pane: string; lines: string[] }>;

/** One of {@link INDICATORS}. */
export type IndicatorName = keyof typeof INDICATORS;

/** An indicator with its parameters, as one entry of a set asks for it. */
export interface IndicatorSpec {
  name: IndicatorName;
  params: number[];
  /** The entry with every parameter written out: `ema:20`, `macd:12:26:9`. */
  key: string;
}

/** Most indicators one set holds. */
export const MAX_INDICATORS = 8;

/** A set that cannot be read; the message names the entry and what is wrong with it. */
export class IndicatorSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IndicatorSetError";
  }
}

/** The indicators of `text` (`ema:20,rsi:14`), each once, in the order written. */
export function parseIndicatorSet(text: string): IndicatorSpec[] {
  const entries = text.split(",").map((entry) => entry.trim());
  if (entries.some((entry) => entry === "")) {
    throw new IndicatorSetError(`"${text.slice(0, 80)}" has an empty entry`);
  }
  const specs = new Map(entries.map(parseEntry).map((spec) => [spec.key, spec]));
  if (specs.size > MAX_INDICATORS) {
    throw new IndicatorSetError(`${specs.size} indicators asked for, at most ${MAX_INDICATORS}`);
  }
  return [...specs.values()];
}

function parseEntry(entry: string): IndicatorSpec {
  const [name, ...raw] = entry.split(":");
  const quoted = `"${entry.slice(0, 40)}"`;
  if (!Object.hasOwn(INDICATORS, name)) {
    throw new IndicatorSetError(
      `${quoted}: "${name.slice(0, 20)}" is not one of ${Object.keys(INDICATORS).join(", ")}`,
    );
  }
  const { params } = INDICATORS[name as IndicatorName];
  if (raw.length > params.length) {
    const names = params.map((p) => p.name).join(", ");
    throw new IndicatorSetError(`${quoted}: ${name} takes at most ${params.length} (${names})`);
  }
  const values = params.map((param: Parameter, i) => {
    if (i >= raw.length) return param.default;
    const value = Number(raw[i]);
    const pattern = param.whole ? /^\d{1,4}$/ : /^\d{1,4}(\.\d{1,4})?$/;
    if (!pattern.test(raw[i]) || value < param.min || value > param.max) {
      const kind = param.whole ? "a whole number" : "a number";
      throw new IndicatorSetError(
        `${quoted}: ${param.name} "${raw[i].slice(0, 20)}" is not ${kind} from ` +
          `${param.min} to ${param.max}`,
      );
    }
    return value;
  });
  if (name === "macd" && values[0] >= values[1]) {
    throw new IndicatorSetError(`${quoted}: fast (${values[0]}) must be below slow (${values[1]})`);
  }
  return { name: name as IndicatorName, params: values, key: [name, ...values].join(":") };
}

/**
 * The weight left on an exponential average's seed after its warm-up: the first value shown
 * differs from the value over the whole history by at most this share of how far the seed
 * was from the prices.
 */
export const SEED_WEIGHT = 1e-10;

/**
 * Steps after which an average that keeps `1 - alpha` of itself each step weighs its seed
 * below {@link SEED_WEIGHT}.
 */
function fadeSteps(alpha: number): number {
  return Math.ceil(Math.log(SEED_WEIGHT) / Math.log(1 - alpha));
}

const emaAlpha = (period: number) => 2 / (period + 1);

/**
 * Candles to read before the first one shown: exactly the window's for the windowed ones (SMA,
 * Bollinger Bands), enough for the seed to fade below {@link SEED_WEIGHT} for the exponential
 * ones (EMA, RSI's Wilder averages, MACD's three EMAs).
 */
export function warmUpCandles({ name, params }: IndicatorSpec): number {
  switch (name) {
    case "sma":
    case "bb":
      return params[0] - 1;
    case "ema":
      return Math.max(params[0] - 1, fadeSteps(emaAlpha(params[0])));
    case "rsi":
      return params[0] + fadeSteps(1 / params[0]);
    case "macd":
      return fadeSteps(emaAlpha(params[1])) + fadeSteps(emaAlpha(params[2]));
  }
}

/** Each line's values, one per close given; null where the indicator has no value yet. */
export type IndicatorLines = Record<string, (number | null)[]>;

/** `spec` over `closes`, oldest first. */
export function computeIndicator(spec: IndicatorSpec, closes: readonly number[]): IndicatorLines {
  const { name, params } = spec;
  const lines: IndicatorLines = Object.fromEntries(
    INDICATORS[name].lines.map((line) => [line, []]),
  );
  const push = (values: Record<string, number> | null) => {
    for (const [line, series] of Object.entries(lines)) series.push(values?.[line] ?? null);
  };
  switch (name) {
    case "sma":
    case "ema": {
      const average = name === "sma" ? new SMA(params[0]) : new EMA(params[0]);
      for (const close of closes) {
        average.add(close);
        push(average.isStable ? { [name]: average.getResultOrThrow() } : null);
      }
      break;
    }
    case "bb": {
      const bands = new BollingerBands(params[0], params[1]);
      for (const close of closes) push(bands.add(close));
      break;
    }
    case "rsi": {
      const rsi = new RSI(params[0]);
      for (const close of closes) {
        const value = rsi.add(close);
        push(value === null ? null : { rsi: value });
      }
      break;
    }
    case "macd": {
      const macd = new MACD(new EMA(params[0]), new EMA(params[1]), new EMA(params[2]));
      for (const close of closes) push(macd.add(close));
      break;
    }
  }
  return lines;
}

/** One indicator's lines over the candles shown, as `/api/indicators` answers it. */
export interface IndicatorSeries {
  key: string;
  name: IndicatorName;
  pane: (typeof INDICATORS)[IndicatorName]["pane"];
  lines: IndicatorLines;
}

/** The answer of `/api/indicators`: each indicator's lines, one value per time. */
export interface IndicatorsView {
  symbol: string;
  interval: string;
  /** ISO start of each candle shown, oldest first. */
  times: string[];
  indicators: IndicatorSeries[];
}

/** `spec` over `closes` (warm-up first), with the values from `firstShown` on. */
export function indicatorSeries(
  spec: IndicatorSpec,
  closes: readonly number[],
  firstShown: number,
): IndicatorSeries {
  const lines = Object.entries(computeIndicator(spec, closes))
    .map(([line, values]) => [line, values.slice(firstShown)]);
  return {
    key: spec.key,
    name: spec.name,
    pane: INDICATORS[spec.name].pane,
    lines: Object.fromEntries(lines),
  };
}
