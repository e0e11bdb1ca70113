/**
 * The producer's heartbeat: every interval, its state (connected or not and since when, rates
 * since the last one, the buffer, losses) published to the status topic for the monitor.
 */
import type { Heartbeat, ProducerState } from "../domain/status_event.ts";
import { encodeStatusEvent } from "../domain/status_event.ts";
import { instanceName } from "../runtime/instance.ts";
import { type Stoppable, stoppable } from "../runtime/stoppable.ts";

/** The figures a heartbeat reads. */
export interface HeartbeatSource {
  connected: boolean;
  /** When `connected` last changed, epoch ms; 0 before the first connection. */
  connectedChangedAt: number;
  frames: number;
  trades: number;
  buffered: number;
  dropped: number;
  sendErrors: number;
  lostTrades: number;
}

/**
 * Calls `send` with an encoded heartbeat now and every `intervalMs`, read from `read()`.
 */
export function startHeartbeat(
  read: () => HeartbeatSource,
  send: (value: string) => void,
  intervalMs: number,
): Stoppable {
  const instance = instanceName();
  const startedAt = Date.now();
  let previous = { ...read(), at: startedAt };
  const beat = () => {
    const now = read();
    const at = Date.now();
    const seconds = Math.max((at - previous.at) / 1000, 0.001);
    const state: ProducerState = {
      connected: now.connected,
      since: now.connectedChangedAt || startedAt,
      framesPerSecond: Math.round((now.frames - previous.frames) / seconds),
      tradesPerSecond: Math.round((now.trades - previous.trades) / seconds),
      buffered: now.buffered,
      dropped: now.dropped,
      sendErrors: now.sendErrors,
      lostTrades: now.lostTrades,
    };
    const heartbeat: Heartbeat = {
      v: 1,
      type: "heartbeat",
      component: "producer",
      instance,
      at,
      state,
    };
    send(encodeStatusEvent(heartbeat));
    previous = { ...now, at };
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  return stoppable(() => clearInterval(timer));
}
