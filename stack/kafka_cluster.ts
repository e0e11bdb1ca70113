/**
 * A local Kafka cluster of several KRaft nodes, each broker and controller at once, on
 * 127.0.0.1: for `deno task infra` with `KAFKA_BROKERS=3`, and for tests that kill brokers.
 */
import { freePort } from "./free_port.ts";
import { type KafkaBroker, startKafkaBroker } from "./kafka_broker.ts";
import { newClusterId } from "./kafka_storage.ts";

/** Where to run a cluster; see {@link startKafkaCluster}. */
export interface KafkaClusterOptions {
  /** One client port per node; there are as many nodes as ports. */
  ports: number[];
  /** Holds a folder per node (`node-1`, …), reused across restarts. */
  dataDir: string;
  cacheDir?: string;
  /** Each node's JVM heap in MiB; default 512. */
  heapMb?: number;
}

/** One node, which can be stopped or killed and started again on the same port and data. */
export interface KafkaClusterNode {
  id: number;
  /** `127.0.0.1:<port>`. */
  bootstrap: string;
  /** Whether it runs (started and neither stopped nor killed since). */
  readonly running: boolean;
  /** Starts it again after a stop or kill; resolves once it answers. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or a lost machine. */
  kill(): Promise<void>;
}

/** A running cluster. */
export interface KafkaCluster {
  /** Every node's `127.0.0.1:<port>`, comma-separated, for `KAFKA_BOOTSTRAP_SERVERS`. */
  bootstrap: string;
  nodes: KafkaClusterNode[];
  /** Stops every node that runs. */
  stop(): Promise<void>;
}

/**
 * Starts one node per port, all at once (a node answers only once a majority of controllers
 * is up), and resolves when every one answers. The nodes keep a static quorum of controllers
 * on ports of their own, chosen on the first start and kept in `<dataDir>/cluster.json`; topics get three replicas, two of them needed for a write (see
 * `kafka_properties.ts`).
 */
export async function startKafkaCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  const size = options.ports.length;
  const { clusterId, controllerPorts } = await clusterIdentity(options.dataDir, size);
  const voters = controllerPorts.map((port, i) => `${i + 1}@127.0.0.1:${port}`).join(",");
  const nodes = options.ports.map((port, i): KafkaClusterNode => {
    const id = i + 1;
    let broker: KafkaBroker | undefined;
    const start = async () => {
      if (broker) return;
      broker = await startKafkaBroker({
        port,
        dataDir: `${options.dataDir}/node-${id}`,
        cacheDir: options.cacheDir,
        heapMb: options.heapMb,
        cluster: { nodeId: id, voters, size, controllerPort: controllerPorts[i], clusterId },
      });
    };
    const end = (how: "stop" | "kill") => async () => {
      const running = broker;
      broker = undefined;
      await running?.[how]();
    };
    return {
      id,
      bootstrap: `127.0.0.1:${port}`,
      get running() {
        return broker !== undefined;
      },
      start,
      stop: end("stop"),
      kill: end("kill"),
    };
  });
  const stop = async () => void await Promise.all(nodes.map((node) => node.stop()));
  try {
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return { bootstrap: nodes.map((node) => node.bootstrap).join(","), nodes, stop };
}

/** What every start of the cluster in `dataDir` must keep: its id and its controllers' ports. */
interface ClusterIdentity {
  clusterId: string;
  controllerPorts: number[];
}

/** The identity kept in `<dataDir>/cluster.json`, made on the first start. */
async function clusterIdentity(dataDir: string, size: number): Promise<ClusterIdentity> {
  const file = `${dataDir}/cluster.json`;
  const text = await Deno.readTextFile(file).catch(() => undefined);
  if (text !== undefined) {
    let kept: ClusterIdentity | undefined;
    try {
      kept = JSON.parse(text);
    } catch {
      // Told below, with what to do.
    }
    if (kept?.controllerPorts?.length === size) return kept;
    throw new Error(
      `${dataDir} holds a cluster of ${kept?.controllerPorts?.length ?? "unknown"} brokers, ` +
        `not ${size}: start it with that many (KAFKA_BROKERS), or remove ${dataDir}`,
    );
  }
  const made = {
    clusterId: newClusterId(),
    controllerPorts: Array.from({ length: size }, () => freePort()),
  };
  await Deno.mkdir(dataDir, { recursive: true });
  await Deno.writeTextFile(file, JSON.stringify(made));
  return made;
}
