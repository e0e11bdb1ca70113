/**
 * A local single-node Apache Kafka (KRaft: one JVM is both broker and controller), run from the
 * jars `kafka_jars.ts` fetches. For development and tests; there is no Docker here.
 */
import { Kafka, logLevel } from "kafkajs";
import { resolve } from "node:path";
import { freePort } from "./free_port.ts";
import { isPortOpen } from "./port_check.ts";
import { startParentWatchdog } from "./parent_watchdog.ts";
import { ensureKafkaJars, lastLines, readOrUndefined, requireTool } from "./kafka_jars.ts";
import { formatStorageOnce } from "./kafka_storage.ts";
import {
  type ClusterMembership,
  type KafkaSecurity,
  scramCredentials,
  serverProperties,
} from "./kafka_properties.ts";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

const LOG4J2 = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
`;

/** Where to run a broker; see {@link startKafkaBroker}. */
export interface KafkaBrokerOptions {
  /** Port of the PLAINTEXT listener on 127.0.0.1; it must be free. */
  port: number;
  /** Holds the configuration, the topic data and `broker.log`; reused across restarts. */
  dataDir: string;
  /** Jar cache for {@link ensureKafkaJars}; default `.cache/kafka`. */
  cacheDir?: string;
  /** Maximum JVM heap in MiB; default 512. */
  heapMb?: number;
  /**
   * Makes the clients' port demand SASL over TLS (on `localhost`, which the certificate must
   * name); the users are set when the storage is first formatted.
   */
  security?: KafkaSecurity;
  /**
   * One node of a cluster (see `kafka_cluster.ts`): its place, its controller's port (fixed, as
   * the other nodes know it) and the cluster's id, shared by every node's storage.
   */
  cluster?: ClusterMembership & { controllerPort: number; clusterId: string };
}

/** A running broker. */
export interface KafkaBroker {
  /** `127.0.0.1:<port>` (`localhost:<port>` when secured), for a client's `brokers` list. */
  bootstrap: string;
  /** Stops the broker: SIGTERM, then SIGKILL if it has not exited after 15 s. */
  stop(): Promise<void>;
  /** Kills the broker with SIGKILL, as a crash or a lost machine would; for fault tests. */
  kill(): Promise<void>;
}

/**
 * Starts a broker listening on `127.0.0.1:<port>` and resolves once it answers a metadata
 * request (within 60 s). Storage is formatted on first use and kept in `dataDir`, so topics
 * survive a restart. Throws with the tail of `broker.log` if the broker exits or never answers.
 * If this process dies without calling `stop()`, a watchdog stops the broker.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions): Promise<KafkaBroker> {
  const { port, heapMb = 512, security } = options;
  const dataDir = resolve(options.dataDir);
  const bootstrap = `${security ? "localhost" : "127.0.0.1"}:${port}`;
  await requireTool("java", "Java", "openjdk-17-jre-headless");
  const lib = await ensureKafkaJars(options.cacheDir);
  if (await isPortOpen("127.0.0.1", port)) {
    throw new Error(`cannot start Kafka on ${bootstrap}: the port is already in use`);
  }
  await Deno.mkdir(dataDir, { recursive: true });
  const config = `${dataDir}/server.properties`;
  const layout = {
    port,
    internalPort: freePort(),
    controllerPort: options.cluster?.controllerPort ?? freePort(),
    logDirs: `${dataDir}/kraft`,
    security,
    keystoreFile: `${dataDir}/keystore.pem`,
    cluster: options.cluster,
  };
  if (security) {
    const pem = await Promise.all(
      [security.keyFile, security.certFile].map((file) => Deno.readTextFile(file)),
    );
    await Deno.writeTextFile(layout.keystoreFile, pem.join("\n"), { mode: 0o600 });
  }
  await Deno.writeTextFile(config, serverProperties(layout));
  await Deno.writeTextFile(`${dataDir}/log4j2.properties`, LOG4J2);
  await formatStorageOnce(lib, dataDir, config, [
    // A cluster's nodes know their quorum from `controller.quorum.voters`.
    ...(options.cluster ? [] : ["--standalone"]),
    ...scramCredentials(security),
  ], options.cluster?.clusterId);

  const logFile = `${dataDir}/broker.log`;
  const java = [
    "java",
    `-Xmx${heapMb}m`,
    `-Dlog4j2.configurationFile=${dataDir}/log4j2.properties`,
    "-cp",
    `${lib}/*`,
    "kafka.Kafka",
    config,
  ];
  // `exec` keeps the JVM's pid, so signals reach it, while its output goes to the log file.
  // Its own session keeps a Ctrl-C at the terminal from stopping it before its clients.
  const broker = new Deno.Command("setsid", {
    args: ["sh", "-c", 'exec "$@" >"$0" 2>&1', logFile, ...java],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const watchdog = startParentWatchdog(["kill", "-TERM", String(broker.pid)]);

  let stopping: Promise<void> | undefined;
  // Disarmed only once the broker is down: this process may die in the middle of a stop.
  const stopWith = (end: () => Promise<void>) =>
    stopping ??= (async () => {
      await end();
      await watchdog.disarm();
    })();
  const stop = () => stopWith(() => terminate(broker));
  const kill = () =>
    stopWith(async () => {
      signal(broker, "SIGKILL");
      await broker.status;
    });

  try {
    // A secured broker is probed on its plaintext listener between brokers.
    const probe = security ? `127.0.0.1:${layout.internalPort}` : bootstrap;
    await waitUntilAnswering(probe, broker.status, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { bootstrap, stop, kill };
}

async function waitUntilAnswering(
  bootstrap: string,
  exit: Promise<Deno.CommandStatus>,
  logFile: string,
): Promise<void> {
  let exited: Deno.CommandStatus | undefined;
  exit.then((status) => exited = status);
  const kafka = new Kafka({
    clientId: "kafka-broker-probe",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `Kafka broker exited with code ${exited.code} before answering; ${await logTail(logFile)}`,
      );
    }
    if (await isPortOpen("127.0.0.1", Number(bootstrap.split(":")[1])) && await answers(kafka)) {
      return;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(
    `Kafka broker did not answer on ${bootstrap} within ${START_TIMEOUT_MS / 1000} s; ` +
      await logTail(logFile),
  );
}

async function answers(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function terminate(child: Deno.ChildProcess): Promise<void> {
  signal(child, "SIGTERM");
  const killer = setTimeout(() => signal(child, "SIGKILL"), STOP_TIMEOUT_MS);
  await child.status;
  clearTimeout(killer);
}

function signal(child: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    child.kill(name);
  } catch {
    // It has exited already.
  }
}

async function logTail(logFile: string): Promise<string> {
  const text = await readOrUndefined(logFile);
  return text ? `last lines of ${logFile}:\n${lastLines(text, 40)}` : `${logFile} is empty`;
}
