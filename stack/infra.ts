/**
 * `deno task infra`: the Kafka broker (or, with `KAFKA_BROKERS=3`, a cluster of three) and the
 * PostgreSQL server the configuration names. Whatever already answers is reused; what does not,
 * and is on this machine, is started from `.cache/` and stopped again on SIGINT or SIGTERM.
 */
import { type Config, loadConfig } from "../runtime/config.ts";
import { connectDatabase } from "../runtime/database.ts";
import { runEntry } from "../runtime/entry.ts";
import type { Logger } from "../runtime/log.ts";
import { ensureDatabase } from "../db/ensure_database.ts";
import { startKafkaBroker } from "./kafka_broker.ts";
import { startKafkaCluster } from "./kafka_cluster.ts";
import { startLocalPostgres } from "./local_postgres.ts";
import { isPortOpen } from "./port_check.ts";
import { type Stoppable, stoppable, untilAborted } from "../runtime/stoppable.ts";

const KAFKA_DATA_DIR = ".cache/kafka-data";
const KAFKA_CLUSTER_DIR = ".cache/kafka-cluster";
const POSTGRES_DATA_DIR = ".cache/postgres-data";
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** The broker and database in use, and a way to stop the ones this process started. */
export interface Infra extends Stoppable {
  /** `host:port` of the Kafka broker; of each broker, comma-separated, for a cluster. */
  kafka: string;
  /** `host:port` of the PostgreSQL server. */
  postgres: string;
  /** Which of the two this process started; the others were already running. */
  started: { kafka: boolean; postgres: boolean };
  /** Stops what this process started, and only that. */
  stop(): Promise<void>;
}

/**
 * Makes sure the first broker of `KAFKA_BOOTSTRAP_SERVERS` and the server of `DATABASE_URL`
 * answer, starting local ones where nothing does: one broker, or with `KAFKA_BROKERS` a
 * cluster of that many. A started PostgreSQL gets the role and
 * database the URL names. Throws when a server that is not on this machine does not answer.
 */
export async function startInfra(config: Config, log: Logger): Promise<Infra> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.all(stops.splice(0).map((stopOne) => stopOne()));
  };
  try {
    const db = hostAndPort(config.databaseUrl);
    let postgresStarted = false;
    if (!await isPortOpen(db.host, db.port)) {
      requireLocal(db, "PostgreSQL", "DATABASE_URL");
      log.info("starting a local PostgreSQL", { port: db.port, dataDir: POSTGRES_DATA_DIR });
      const server = await startLocalPostgres({ port: db.port, dataDir: POSTGRES_DATA_DIR });
      stops.push(server.stop);
      await createRoleOf(config.databaseUrl, server.url);
      await ensureDatabase(config.databaseUrl);
      postgresStarted = true;
    }

    const brokers = localBrokers(config);
    // Those given, unless a local cluster adds to them.
    const given = config.kafka.brokers;
    let kafka = (given.length >= brokers.length ? given : brokers.map((b) => b.address)).join(",");
    let kafkaStarted = false;
    if (!await isPortOpen(brokers[0].host, brokers[0].port)) {
      for (const broker of brokers) requireLocal(broker, "Kafka", "KAFKA_BOOTSTRAP_SERVERS");
      const ports = brokers.map((broker) => broker.port);
      if (brokers.length === 1) {
        log.info("starting a local Kafka broker", { port: ports[0], dataDir: KAFKA_DATA_DIR });
        const started = await startKafkaBroker({ port: ports[0], dataDir: KAFKA_DATA_DIR });
        stops.push(started.stop);
        kafka = started.bootstrap;
      } else {
        log.info("starting a local Kafka cluster", { ports, dataDir: KAFKA_CLUSTER_DIR });
        const started = await startKafkaCluster({ ports, dataDir: KAFKA_CLUSTER_DIR });
        stops.push(started.stop);
        kafka = started.bootstrap;
      }
      kafkaStarted = true;
    }

    return {
      kafka,
      postgres: db.address,
      started: { kafka: kafkaStarted, postgres: postgresStarted },
      ...stoppable(stop),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface Address {
  host: string;
  port: number;
  address: string;
}

function hostAndPort(url: string): Address {
  const parsed = new URL(url);
  const host = parsed.hostname || "localhost";
  const port = Number(parsed.port || 5432);
  return { host, port, address: `${host}:${port}` };
}

/**
 * The brokers infra looks for: `KAFKA_BOOTSTRAP_SERVERS`' first, or for a cluster of
 * `KAFKA_BROKERS` its first that many, continued on the ports after the last one given.
 */
function localBrokers(config: Config): Address[] {
  const given = config.kafka.brokers.map((broker) => hostAndPort(`kafka://${broker}`));
  const brokers = given.slice(0, config.localKafkaBrokers);
  while (brokers.length < config.localKafkaBrokers) {
    const last = brokers[brokers.length - 1];
    const port = last.port + 1;
    brokers.push({ host: last.host, port, address: `${last.host}:${port}` });
  }
  return brokers;
}

function requireLocal(address: Address, what: string, variable: string): void {
  if (!LOCAL_HOSTS.has(address.host)) {
    throw new Error(
      `${what} at ${address.address} (${variable}) does not answer, and infra only starts ` +
        "servers on this machine",
    );
  }
}

/** Creates the role `databaseUrl` logs in as, a superuser as on the development machines. */
async function createRoleOf(databaseUrl: string, adminUrl: string): Promise<void> {
  const user = decodeURIComponent(new URL(databaseUrl).username);
  if (!user) return;
  const sql = connectDatabase(adminUrl, { max: 1 });
  try {
    const [role] = await sql`select 1 from pg_roles where rolname = ${user}`;
    if (!role) await sql`create role ${sql(user)} login superuser`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (import.meta.main) {
  await runEntry("infra", loadConfig, async (config, { log, stopping }) => {
    // A Ctrl-C during the start ends the wait once it is done, and stops what it started.
    await using infra = await startInfra(config, log);
    const state = (started: boolean) => started ? "started" : "reused";
    console.log(
      `infra ready: kafka ${infra.kafka} (${state(infra.started.kafka)}), ` +
        `postgres ${infra.postgres} (${state(infra.started.postgres)})`,
    );
    await untilAborted(stopping);
  });
}
