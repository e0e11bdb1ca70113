import assert from "node:assert/strict";
import { parseSimulatorArgs } from "../../stack/simulator_args.ts";
import { ConfigError } from "../../runtime/env_reader.ts";
import { resolveSimulatorOptions } from "../../stack/simulator_options.ts";

Deno.test("the simulator's flags become options, symbols checked as the configuration checks them", () => {
  const options = parseSimulatorArgs(
    ["--port", "0", "--rate", "2.5", "--tick-ms", "2", "--symbols", "btcusdt, solusdt,btcusdt"],
    {},
  );
  assert.equal(options.port, 0);
  assert.equal(options.rate, 2.5);
  assert.equal(options.tickMs, 2);
  assert.deepEqual(options.symbols, ["BTCUSDT", "SOLUSDT"]);
  assert.deepEqual(parseSimulatorArgs([], { SYMBOLS: "ethusdt" }).symbols, ["ETHUSDT"]);
});

Deno.test("a bad flag or variable of the simulator is named in its error", () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--rate", "fast"], {}, /^--rate: "fast" is not a number$/],
    [["--symbols", "BTC-USDT"], {}, /^--symbols: "BTC-USDT" is not a symbol like BTCUSDT$/],
    [[], { SYMBOLS: "x" }, /^SYMBOLS: "X" is not a symbol like BTCUSDT$/],
    [[], { LOG_LEVEL: "loud" }, /^LOG_LEVEL: "loud" is not one of debug, info, warn, error$/],
  ];
  for (const [args, env, message] of cases) {
    assert.throws(() => parseSimulatorArgs(args, env), (error: Error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("a generation round outside 1 to 1000 ms is refused, naming the option", () => {
  assert.equal(resolveSimulatorOptions({}).tickMs, 50);
  for (const tickMs of [0, 1.5, 1_001]) {
    assert.throws(
      () => resolveSimulatorOptions({ tickMs }),
      new RangeError(`tickMs must be an integer from 1 to 1000, got ${tickMs}`),
    );
  }
});
