/**
 * A TLS handshake with the brokers given, once at start, before kafkajs connects. kafkajs
 * retries a connection whose certificate it refused, or whose broker speaks no TLS, for a
 * minute or more before it gives the cause; this check says it at once.
 */
import { connect } from "node:tls";
import { isIP } from "node:net";
import type { KafkaConfig } from "../runtime/kafka_config.ts";
import { UnrecoverableError, unrecoverableKind } from "../runtime/unrecoverable.ts";

const HANDSHAKE_TIMEOUT_MS = 5_000;
const CUT = "it closed the connection in the TLS handshake";

/**
 * With `config.ssl`, shakes hands with the bootstrap brokers in turn until one completes.
 * Throws an {@link UnrecoverableError} (configuration) when a broker's certificate is refused
 * (a CA not given, another host's name, out of date) or a broker closes the connection in the
 * handshake (a listener without TLS). A broker that does not answer is left to kafkajs, which
 * waits for it.
 */
export async function checkBrokerTls(config: KafkaConfig): Promise<void> {
  if (!config.ssl) return;
  for (const broker of config.brokers) {
    const separator = broker.lastIndexOf(":");
    const host = broker.slice(0, separator).replace(/^\[(.*)\]$/, "$1");
    const port = Number(broker.slice(separator + 1));
    let outcome = await handshake(host, port, config.ca);
    // A connection cut in the handshake may be a broker restarting: believed the third time.
    for (let again = 0; again < 2 && outcome.startsWith(CUT); again++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      outcome = await handshake(host, port, config.ca);
    }
    if (outcome === "trusted") return;
    if (outcome === "unanswered") continue;
    throw new UnrecoverableError(
      "configuration",
      "kafka",
      new Error(`broker ${broker}: ${outcome}`),
    );
  }
}

/** "trusted", "unanswered", or why the broker cannot be used over TLS. */
function handshake(host: string, port: number, ca: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    let connected = false;
    let finished = false;
    const socket = connect({ host, port, servername: isIP(host) ? undefined : host, ca });
    const finish = (outcome: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish("unanswered"), HANDSHAKE_TIMEOUT_MS);
    socket.once("connect", () => connected = true);
    socket.once("secureConnect", () => finish("trusted"));
    // Every error, not only the first: a second one must not go uncaught.
    socket.on("error", (error: Error & { code?: string }) => {
      if (unrecoverableKind(error)) finish(`its TLS certificate was refused: ${error.message}`);
      else if (connected) finish(`${CUT}: ${error.message}; is its listener TLS (KAFKA_SSL)?`);
      else finish("unanswered");
    });
  });
}
