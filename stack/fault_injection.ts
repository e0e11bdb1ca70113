/**
 * How the simulator sends frames to its clients, with the faults it was asked to inject: a
 * connection dropped after so many frames, a recent frame sent again, a malformed frame after a
 * trade. Faults draw from their own random source, so they never change the generated trades.
 */
import { MALFORMED_KINDS, malformedFrame } from "./malformed_frames.ts";
import type { StreamClient } from "./stream_client.ts";
import { wrapFrame } from "./trade_frame.ts";

/** Recent frames kept per client and stream, from which duplicates are drawn. */
const RECENT_FRAMES = 8;

/** The faults to inject, as the simulator's options set them. */
export interface Faults {
  /** A number in [0, 1), like `Math.random`. */
  random: () => number;
  duplicateProbability: number;
  malformedProbability: number;
  /** Drop a connection after this many frames. */
  dropAfter: number;
}

/** Sends frames to the clients in `clients`, injecting {@link Faults}; counts what it injected. */
export class FaultyDelivery {
  /** Malformed frames sent, over all connections. */
  malformed = 0;
  /** Duplicate frames sent, over all connections. */
  duplicates = 0;

  constructor(readonly clients: Set<StreamClient>, readonly faults: Faults) {}

  /** Closes `client`'s connection abruptly, as a network failure would. */
  drop(client: StreamClient): void {
    this.clients.delete(client);
    // Deno's server socket cannot reset its TCP connection; a close frame with the reserved
    // code 1006 makes the client fail the connection (error, then close with wasClean false)
    // as it does when the network drops it.
    client.socket.close(1006);
  }

  /** Sends `text` as it is; false when the connection is no longer open. */
  send(client: StreamClient, text: string): boolean {
    if (client.socket.readyState !== WebSocket.OPEN) return false;
    client.socket.send(text);
    client.framesSent++;
    if (client.framesSent === this.faults.dropAfter) this.drop(client);
    return true;
  }

  /** Sends a trade frame framed for `client`, then the faults it is to inject after it. */
  deliver(
    client: StreamClient,
    stream: string,
    raw: string,
    data: Record<string, unknown>,
  ): boolean {
    const { random, duplicateProbability, malformedProbability } = this.faults;
    const text = client.wrapped ? wrapFrame(stream, raw) : raw;
    if (!this.send(client, text)) return false;
    const recent = client.recent.get(stream) ?? [];
    recent.push(text);
    if (recent.length > RECENT_FRAMES) recent.shift();
    client.recent.set(stream, recent);
    if (random() < duplicateProbability) {
      if (this.send(client, recent[Math.floor(random() * recent.length)])) this.duplicates++;
    }
    if (random() < malformedProbability) {
      const kind = MALFORMED_KINDS[this.malformed % MALFORMED_KINDS.length];
      if (this.send(client, malformedFrame(kind, data, client.wrapped ? stream : undefined))) {
        this.malformed++;
      }
    }
    return true;
  }
}
