/**
 * Kafka as a managed service serves it: a listener that demands SASL over TLS, with a CA and
 * certificate the test makes. SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN each carry trades through
 * producer, consumer and monitor; a wrong password, a certificate from a CA not given and a
 * broker without TLS each stop all three with one line naming the cause, and no log line holds
 * a password.
 */
import assert from "node:assert/strict";
import { type KafkaBroker, startKafkaBroker } from "../../stack/kafka_broker.ts";
import { freePort } from "../../stack/free_port.ts";
import { startSimulator } from "../../stack/simulator.ts";
import { type ComponentProcess, startComponent } from "../helpers/component_process.ts";
import { makeCertificateAuthority } from "../helpers/certificates.ts";
import { assertNoSecrets } from "../helpers/log_secrets.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { stackEnv } from "../helpers/stack_env.ts";
import { countTrades } from "../helpers/expected_trades.ts";
import { SYMBOLS } from "../helpers/dashboard_app.ts";
import { waitFor } from "../helpers/wait.ts";

const USER = "pipeline";
const PASSWORD = "kafka-Pa55-word-9";
const WRONG_PASSWORD = "not-the-Pa55-word";
const TRADES_PER_SYMBOL = 300;
const ENTRIES = ["producer.ts", "consumer.ts", "monitor.ts"] as const;

/** A broker whose client listener demands SASL over TLS, and the CA that signed its certificate. */
async function startSecuredBroker(stack: AsyncDisposableStack) {
  const ca = await makeCertificateAuthority();
  const broker = await startKafkaBroker({
    port: freePort(),
    dataDir: await Deno.makeTempDir(),
    security: { ...await ca.issue(["localhost"]), users: { [USER]: PASSWORD } },
  });
  stack.defer(() => broker.stop());
  return { ca, broker };
}

const clientEnv = (broker: KafkaBroker, mechanism: string, caFile?: string) => ({
  KAFKA_USERNAME: USER,
  KAFKA_PASSWORD: PASSWORD,
  KAFKA_SASL_MECHANISM: mechanism,
  ...(caFile ? { KAFKA_SSL_CA_FILE: caFile } : {}),
  KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap,
});

Deno.test({
  name: "SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN over TLS carry trades through every component",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using stack = new AsyncDisposableStack();
    const { ca, broker } = await startSecuredBroker(stack);
    const components: ComponentProcess[] = [];
    for (const mechanism of ["scram-sha-256", "scram-sha-512", "plain"]) {
      const db = await createTestDatabase();
      stack.defer(() => db.drop());
      const simulator = await startSimulator({
        port: 0,
        symbols: SYMBOLS,
        rate: 200,
        seed: 7,
        maxTradesPerSymbol: TRADES_PER_SYMBOL,
        paused: true,
      });
      stack.defer(() => simulator.stop());
      const env = stackEnv(
        { bootstrap: broker.bootstrap, databaseUrl: db.url, simulator, symbols: SYMBOLS },
        { ...clientEnv(broker, mechanism, ca.certFile), HEARTBEAT_INTERVAL_MS: "500" },
      );
      const running = [];
      for (const entry of ENTRIES) {
        const component = await startComponent(entry, `sasl-${mechanism}-${entry}`, env);
        stack.defer(async () => void await component.stop());
        running.push(component);
      }
      components.push(...running);
      await waitFor(
        `the producer to connect (${mechanism})`,
        () => simulator.connectionCount() > 0,
      );
      simulator.resume();
      const sent = SYMBOLS.length * TRADES_PER_SYMBOL;
      await waitFor(
        `${sent} trades stored (${mechanism})`,
        async () => (await countTrades(db.sql)) === sent,
        60_000,
      );
      // The producer's heartbeat travels the status topic to the monitor, which stores it.
      await waitFor(
        `the monitor to store the producer's report (${mechanism})`,
        async () =>
          (await db.sql`select 1 from pipeline_status where component = 'producer'`).length > 0,
      );
      for (const component of running) {
        assert.equal((await component.stop()).code, 0);
      }
    }
    assertNoSecrets([PASSWORD, WRONG_PASSWORD], components);
  },
});

Deno.test({
  name:
    "a wrong password, a CA not given and a broker without TLS each stop every component, saying why",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using stack = new AsyncDisposableStack();
    const { ca, broker } = await startSecuredBroker(stack);
    const plaintext = await startKafkaBroker({
      port: freePort(),
      dataDir: await Deno.makeTempDir(),
    });
    stack.defer(() => plaintext.stop());
    const db = await createTestDatabase();
    stack.defer(() => db.drop());
    const cases: [string, Record<string, string>, string, RegExp][] = [
      [
        "wrong-password",
        { ...clientEnv(broker, "scram-sha-256", ca.certFile), KAFKA_PASSWORD: WRONG_PASSWORD },
        "credentials",
        /^kafka: the credentials were refused: .*authentication failed/i,
      ],
      [
        "unknown-ca",
        clientEnv(broker, "scram-sha-512"),
        "configuration",
        /^kafka: the configuration is wrong: broker localhost:\d+: its TLS certificate was refused: unable to verify the first certificate/,
      ],
      [
        "plaintext-broker",
        clientEnv(plaintext, "scram-sha-256"),
        "configuration",
        /^kafka: the configuration is wrong: broker 127\.0\.0\.1:\d+: it closed the connection in the TLS handshake/,
      ],
    ];
    const components: ComponentProcess[] = [];
    for (const [name, env, kind, cause] of cases) {
      const started = await Promise.all(
        ENTRIES.map((entry) =>
          startComponent(entry, `refused-${name}-${entry}`, {
            ...env,
            DATABASE_URL: db.url,
            KAFKA_TOPIC: `refused-${name}`,
          })
        ),
      );
      components.push(...started);
      for (const [i, component] of started.entries()) {
        const status = await component.status;
        assert.equal(status.code, 1, `${name}: ${ENTRIES[i]}`);
        const fatal = component.logs().find((l) => l.msg === "fatal");
        assert.equal(fatal?.kind, kind, `${name}: ${ENTRIES[i]}`);
        assert.equal(fatal?.service, "kafka");
        assert.match(String(fatal?.error), cause, `${name}: ${ENTRIES[i]}`);
      }
    }
    assertNoSecrets([PASSWORD, WRONG_PASSWORD], components);
  },
});
