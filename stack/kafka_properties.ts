/**
 * A local broker's `server.properties`: its listeners, and when asked a client listener that
 * demands SASL over TLS, as a managed Kafka does (Upstash, Confluent Cloud).
 */

/** A client listener of SASL over TLS; users for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 alike. */
export interface KafkaSecurity {
  /** The broker's certificate (PEM) and its unencrypted PKCS#8 key. */
  certFile: string;
  keyFile: string;
  /** Names and passwords the broker accepts. */
  users: Record<string, string>;
}

/** A node's place in a cluster of nodes that are each broker and controller. */
export interface ClusterMembership {
  /** From 1. */
  nodeId: number;
  /** Every node's controller, `<id>@127.0.0.1:<port>`, comma-separated: a static quorum. */
  voters: string;
  /** How many nodes the cluster has. */
  size: number;
}

/** The ports and paths of one broker. */
export interface BrokerLayout {
  /** The clients' port; with `security`, on `localhost`, which the certificate must name. */
  port: number;
  /** A PLAINTEXT listener between brokers, and for the start's probe, when `port` is secured. */
  internalPort: number;
  controllerPort: number;
  logDirs: string;
  /** With it, the clients' port speaks SASL over TLS. */
  security?: KafkaSecurity;
  /** A PEM file of the key and certificate chain, written by the broker's start. */
  keystoreFile: string;
  /** Undefined: a cluster of this one node. */
  cluster?: ClusterMembership;
}

/** The mechanisms the secured listener offers. */
export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

/**
 * `server.properties` of a node that is broker and controller at once. In a cluster of three or
 * more, every topic (the consumer groups' offsets too) is kept on three brokers and a write
 * needs two of them (`min.insync.replicas`), and a replica that fell behind never becomes
 * leader (unclean leader election off), so an acknowledged write survives one broker's loss.
 */
export function serverProperties(layout: BrokerLayout): string {
  const { port, internalPort, controllerPort, security, cluster } = layout;
  const replicas = Math.min(cluster?.size ?? 1, 3);
  const inSync = replicas >= 3 ? 2 : 1;
  const controller = `127.0.0.1:${controllerPort}`;
  const clients = security ? `SECURE://localhost:${port}` : `PLAINTEXT://127.0.0.1:${port}`;
  const internal = security ? [`INTERNAL://127.0.0.1:${internalPort}`] : [];
  const listeners = [clients, ...internal, `CONTROLLER://${controller}`].join(",");
  return [
    "process.roles=broker,controller",
    `node.id=${cluster?.nodeId ?? 1}`,
    `listeners=${listeners}`,
    `advertised.listeners=${listeners}`,
    "listener.security.protocol.map=" +
    "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,SECURE:SASL_SSL,CONTROLLER:PLAINTEXT",
    `inter.broker.listener.name=${security ? "INTERNAL" : "PLAINTEXT"}`,
    "controller.listener.names=CONTROLLER",
    cluster
      ? `controller.quorum.voters=${cluster.voters}`
      : `controller.quorum.bootstrap.servers=${controller}`,
    `log.dirs=${layout.logDirs}`,
    "num.partitions=3",
    "auto.create.topics.enable=true",
    `default.replication.factor=${replicas}`,
    `offsets.topic.replication.factor=${replicas}`,
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${inSync}`,
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${inSync}`,
    `min.insync.replicas=${inSync}`,
    "unclean.leader.election.enable=false",
    "group.initial.rebalance.delay.ms=0",
    ...(security ? secureListener(security, layout.keystoreFile) : []),
    "",
  ].join("\n");
}

/** The storage tool's `--add-scram` arguments: each user, for both SCRAM mechanisms. */
export function scramCredentials(security: KafkaSecurity | undefined): string[] {
  return Object.entries(security?.users ?? {}).flatMap(([name, password]) =>
    ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((mechanism) => [
      "--add-scram",
      `${mechanism}=[name=${name},password=${password}]`,
    ])
  );
}

function secureListener(security: KafkaSecurity, keystoreFile: string): string[] {
  const prefix = "listener.name.secure";
  const plainUsers = Object.entries(security.users)
    .map(([name, password]) => `user_${name}=${jaasString(password)}`).join(" ");
  return [
    `${prefix}.ssl.keystore.type=PEM`,
    `${prefix}.ssl.keystore.location=${keystoreFile}`,
    `${prefix}.sasl.enabled.mechanisms=${SASL_MECHANISMS.join(",")}`,
    `${prefix}.plain.sasl.jaas.config=` +
    `org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
    ...["scram-sha-256", "scram-sha-512"].map((mechanism) =>
      `${prefix}.${mechanism}.sasl.jaas.config=` +
      "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    ),
  ];
}

/** A JAAS string literal (the test passwords are plain, but a quote or backslash is escaped). */
function jaasString(value: string): string {
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}
