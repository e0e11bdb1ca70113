/** The environment the pipeline's components read in an integration test on the real stack. */
import type { Simulator } from "../../stack/simulator.ts";

/** What the components of one test share. */
export interface StackParts {
  bootstrap: string;
  databaseUrl: string;
  simulator: Pick<Simulator, "url" | "port">;
  symbols: readonly string[];
  /** Default: a new `trades-…` topic. */
  topic?: string;
  /** Default: the configuration's own group. */
  groupId?: string;
}

/**
 * Broker, topic, group, database, symbols and the simulator's stream and REST addresses as
 * producer, consumer and monitor read them; `extra` adds or overrides variables.
 */
export function stackEnv(parts: StackParts, extra: Record<string, string> = {}) {
  const { bootstrap, databaseUrl, simulator, symbols, groupId } = parts;
  return {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    KAFKA_TOPIC: parts.topic ?? `trades-${crypto.randomUUID().slice(0, 8)}`,
    ...(groupId === undefined ? {} : { KAFKA_GROUP_ID: groupId }),
    DATABASE_URL: databaseUrl,
    SYMBOLS: symbols.join(","),
    BINANCE_WS_URL: simulator.url,
    BINANCE_REST_URL: `http://127.0.0.1:${simulator.port}`,
    ...extra,
  };
}
