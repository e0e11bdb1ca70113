/**
 * A parent that starts what the stack starts in sessions of their own (a Kafka broker, a local
 * PostgreSQL, the producer), prints one JSON line saying where each runs, and then waits to be
 * killed: `tests/stop_with_parent_test.ts` kills it with SIGKILL and watches them stop.
 */
import { startKafkaBroker } from "../../stack/kafka_broker.ts";
import { startLocalPostgres } from "../../stack/local_postgres.ts";
import { entryCommand } from "../../stack/entry_command.ts";
import { freePort } from "../../stack/free_port.ts";

const [brokerDir, postgresDir] = Deno.args;
const brokerPort = freePort();
await startKafkaBroker({ port: brokerPort, dataDir: brokerDir });
const postgresPort = freePort();
await startLocalPostgres({ port: postgresPort, dataDir: postgresDir });
// A producer whose feed never answers: it keeps retrying until it is stopped.
const producer = entryCommand("producer.ts", {
  env: {
    KAFKA_BOOTSTRAP_SERVERS: `127.0.0.1:${brokerPort}`,
    BINANCE_WS_URL: "ws://127.0.0.1:1",
    BINANCE_REST_URL: "http://127.0.0.1:1",
  },
  detach: true,
  stdout: "null",
  stderr: "null",
}).spawn();
console.log(JSON.stringify({ brokerPort, postgresPort, componentPid: producer.pid }));
await new Promise(() => {});
