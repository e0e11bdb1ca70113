/**
 * The one shape of every long-running part: an `AsyncDisposable` that an entry point holds with
 * `await using`, so its parts start top to bottom and stop in reverse, bottom to top, when the
 * entry returns or throws. `stop()` does the same for a caller that stops a part early.
 */

/** A part that runs until stopped. */
export interface Stoppable extends AsyncDisposable {
  /** Stops the part; later calls wait for the same stop. */
  stop(): Promise<void>;
}

/** A part stopped by `stop`, which runs once however often the part is stopped. */
export function stoppable(stop: () => unknown): Stoppable {
  let stopping: Promise<void> | undefined;
  const once = () => stopping ??= Promise.resolve().then(stop).then(() => {});
  return { stop: once, [Symbol.asyncDispose]: once };
}

/** Resolves once `signal` aborts; rejects as soon as `failure` does, if it does first. */
export function untilAborted(signal: AbortSignal, failure?: Promise<unknown>): Promise<void> {
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  return failure ? Promise.race([aborted, failure.then(() => aborted)]) : aborted;
}
