/**
 * The real parts an end-to-end test runs on: a Kafka broker, a fresh database and the
 * simulator, and whatever the test starts on them, all stopped in reverse order of starting
 * when the test's `await using` scope ends, after a failure too.
 */
import { type KafkaBroker, startKafkaBroker } from "../../stack/kafka_broker.ts";
import { freePort } from "../../stack/free_port.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../stack/simulator.ts";
import { createTestDatabase, type TestDatabase } from "./test_database.ts";
import { stackEnv, type StackParts } from "./stack_env.ts";
import { SYMBOLS } from "./dashboard_app.ts";

/** A broker, a database and a simulator, and what the test added to them. */
export interface TestStack extends AsyncDisposable {
  broker: KafkaBroker;
  db: TestDatabase;
  simulator: Simulator;
  symbols: readonly string[];
  /** The components' environment on this stack (see `stackEnv`); `extra` adds variables. */
  env(parts?: Partial<StackParts>, extra?: Record<string, string>): Record<string, string>;
  /**
   * Stops `part` when the stack stops, before what was started earlier, with `stop` or else
   * its own `stop()`; returns `part`.
   */
  hold<T extends { stop(): Promise<unknown> }>(part: T): T;
  hold<T>(part: T, stop: (part: T) => Promise<unknown>): T;
}

/** Starts the three on free ports, the simulator trading `symbols` (default {@link SYMBOLS}). */
export async function startTestStack(
  simulatorOptions: SimulatorOptions = {},
  symbols: readonly string[] = SYMBOLS,
): Promise<TestStack> {
  const stack = new AsyncDisposableStack();
  try {
    const broker = await startKafkaBroker({ port: freePort(), dataDir: await Deno.makeTempDir() });
    stack.defer(() => broker.stop());
    const db = await createTestDatabase();
    stack.defer(() => db.drop());
    const simulator = await startSimulator({ port: 0, symbols: [...symbols], ...simulatorOptions });
    stack.defer(() => simulator.stop());
    return {
      broker,
      db,
      simulator,
      symbols,
      env: (parts = {}, extra = {}) =>
        stackEnv({
          bootstrap: broker.bootstrap,
          databaseUrl: db.url,
          simulator,
          symbols,
          ...parts,
        }, extra),
      hold<T>(part: T, stop?: (part: T) => Promise<unknown>) {
        const stopPart = stop ?? ((held: T) => (held as { stop(): Promise<unknown> }).stop());
        stack.defer(async () => void await stopPart(part));
        return part;
      },
      [Symbol.asyncDispose]: () => stack.disposeAsync(),
    };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}
