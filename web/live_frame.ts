/** Live events in the SSE wire format, each encoded once however many clients it goes to. */
import { formatLiveEvent, type LiveEvent } from "../domain/live_event.ts";

const encoder = new TextEncoder();
/** Each event's bytes, made once however many clients and frames it goes to. */
const encoded = new WeakMap<LiveEvent, Uint8Array>();

/** `events` in the SSE wire format, one after the other. */
export function eventsBytes(events: readonly LiveEvent[]): Uint8Array {
  const parts = events.map((event) => {
    let bytes = encoded.get(event);
    if (!bytes) encoded.set(event, bytes = encoder.encode(formatLiveEvent(event)));
    return bytes;
  });
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}
