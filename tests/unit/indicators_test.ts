/**
 * The indicators against Tulip Indicators' published values (its `tests/untest.txt`, 3
 * decimals, on its 15 sample closes), the warm-up against the value over the whole history, and
 * the set's parsing.
 */
import assert from "node:assert/strict";
import {
  computeIndicator,
  type IndicatorLines,
  IndicatorSetError,
  parseIndicatorSet,
  warmUpCandles,
} from "../../domain/indicators.ts";

/** Tulip Indicators' sample closes. */
const CLOSES = [
  81.59,
  81.06,
  82.87,
  83.00,
  83.61,
  83.15,
  82.84,
  83.99,
  84.55,
  84.36,
  85.53,
  86.54,
  86.89,
  87.77,
  87.29,
];

/** Tulip's outputs per line, aligned to the last closes (it prints values from the first one it has). */
const TULIP: Record<string, Record<string, number[]>> = {
  "sma:5": {
    sma: [82.426, 82.738, 83.094, 83.318, 83.628, 83.778, 84.254, 84.994, 85.574, 86.218, 86.804],
  },
  // Tulip's EMA starts at the first close; ours shows values once a period of closes is in.
  "ema:5": {
    ema: [82.714, 82.859, 82.853, 83.232, 83.671, 83.901, 84.444, 85.143, 85.725, 86.407, 86.701],
  },
  "bb:5:2": {
    lower: [80.530, 80.987, 82.533, 82.472, 82.418, 82.435, 82.511, 83.143, 83.536, 83.870, 85.289],
    middle: [
      82.426,
      82.738,
      83.094,
      83.318,
      83.628,
      83.778,
      84.254,
      84.994,
      85.574,
      86.218,
      86.804,
    ],
    upper: [84.322, 84.489, 83.655, 84.164, 84.838, 85.121, 85.997, 86.845, 87.612, 88.566, 88.319],
  },
  "rsi:5": {
    rsi: [72.034, 64.927, 75.936, 79.796, 74.713, 83.033, 87.478, 88.755, 91.483, 78.498],
  },
  "macd:2:5:9": {
    macd: [0.618, 0.351, 0.111, 0.416, 0.578, 0.422, 0.684, 0.927, 0.891, 0.979, 0.621],
    signal: [0.618, 0.564, 0.474, 0.462, 0.485, 0.473, 0.515, 0.597, 0.656, 0.721, 0.701],
    histogram: [0.000, -0.213, -0.363, -0.046, 0.093, -0.050, 0.169, 0.329, 0.235, 0.258, -0.080],
  },
};

for (const [set, expected] of Object.entries(TULIP)) {
  Deno.test(`${set} gives Tulip Indicators' published values`, () => {
    const [spec] = parseIndicatorSet(set);
    const lines = computeIndicator(spec, CLOSES);
    for (const [line, values] of Object.entries(expected)) {
      const series = lines[line];
      assert.equal(series.length, CLOSES.length);
      const firstShown = CLOSES.length - values.length;
      assert.ok(series.slice(0, firstShown).every((v) => v === null), `${line}: none before`);
      series.slice(firstShown).forEach((value, i) => {
        assert.ok(
          value !== null && Math.abs(value - values[i]) <= 0.0005 + 1e-9,
          `${set} ${line}[${firstShown + i}]: ${value}, published ${values[i]}`,
        );
      });
    }
  });
}

/** A random walk near 60,000 from a fixed seed: a price history with gains and losses. */
function walk(length: number): number[] {
  let state = 42;
  let price = 60_000;
  return Array.from({ length }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    price += (state / 2 ** 31 - 0.5) * 40;
    return Math.round(price * 100) / 100;
  });
}

Deno.test("after its warm-up, each indicator's first value is its value over the whole history", () => {
  const history = walk(6_000);
  const shownFrom = 5_000;
  for (const spec of parseIndicatorSet("sma:50,ema:20,ema:200,bb:20:2.5,rsi:14,macd")) {
    const whole = computeIndicator(spec, history);
    const warm = warmUpCandles(spec);
    const read = computeIndicator(spec, history.slice(shownFrom - warm));
    for (const [line, values] of Object.entries(read)) {
      const shown = values.slice(warm);
      const expected = whole[line].slice(shownFrom);
      assert.equal(shown.length, expected.length);
      shown.forEach((value, i) => {
        assert.ok(value !== null, `${spec.key} ${line}: a value from the first shown`);
        const scale = Math.max(1, Math.abs(expected[i]!));
        assert.ok(
          Math.abs(value - expected[i]!) <= 1e-8 * scale,
          `${spec.key} ${line}[${i}]: ${value} read after ${warm}, ${expected[i]} over all`,
        );
      });
    }
  }
});

Deno.test("a shorter warm-up misses the whole history's first value", () => {
  const history = walk(3_000);
  const firstShown = (set: string, warm: number) => {
    const [spec] = parseIndicatorSet(set);
    const line = (lines: IndicatorLines) => Object.values(lines)[0];
    return {
      read: line(computeIndicator(spec, history.slice(2_000 - warm)))[warm],
      whole: line(computeIndicator(spec, history))[2_000]!,
    };
  };
  // The windowed ones need exactly their window: one candle less and there is no value.
  for (const set of ["sma:50", "bb:20:2"]) {
    const [spec] = parseIndicatorSet(set);
    assert.equal(firstShown(set, warmUpCandles(spec) - 1).read, null, set);
  }
  // The exponential ones have a value after a window (the library calls them stable then),
  // but not yet the whole history's.
  for (const [set, window] of [["ema:20", 19], ["rsi:14", 14], ["macd:12:26:9", 25]] as const) {
    const { read, whole } = firstShown(set, window);
    assert.ok(read !== null && Math.abs(read - whole) > 1e-8 * Math.abs(whole), set);
  }
});

Deno.test("a set is read with its defaults, once per indicator, in the order written", () => {
  assert.deepEqual(
    parseIndicatorSet("ema, rsi:7,bb:20:2.5,macd,ema:20").map((spec) => spec.key),
    ["ema:20", "rsi:7", "bb:20:2.5", "macd:12:26:9"],
  );
  assert.deepEqual(parseIndicatorSet("bb:10")[0].params, [10, 2]);
});

Deno.test("a bad set names its bad part", () => {
  const refused: [string, RegExp][] = [
    ["", /has an empty entry/],
    ["ema:20,", /has an empty entry/],
    ["vwma:5", /"vwma:5": "vwma" is not one of sma, ema, bb, rsi, macd/],
    ["ema:abc", /"ema:abc": period "abc" is not a whole number from 2 to 500/],
    ["rsi:1", /period "1" is not a whole number from 2 to 500/],
    ["sma:501", /period "501"/],
    ["ema:2.5", /period "2.5" is not a whole number/],
    ["bb:20:0", /deviations "0" is not a number from 0.1 to 10/],
    ["bb:20:1e1", /deviations "1e1"/],
    ["ema:20:3", /ema takes at most 1 \(period\)/],
    ["macd:26:12", /fast \(26\) must be below slow \(12\)/],
    ["sma:2,sma:3,sma:4,sma:5,sma:6,sma:7,sma:8,sma:9,sma:10", /9 indicators asked for, at most 8/],
    ["constructor", /"constructor" is not one of/],
  ];
  for (const [set, message] of refused) {
    assert.throws(() => parseIndicatorSet(set), (error: unknown) => {
      assert.ok(error instanceof IndicatorSetError, `${set}: ${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
});
