/**
 * What the benchmark must undo (children to stop, databases to drop, a broker to stop), kept
 * in one place so an error or Ctrl-C still undoes all of it, newest first.
 */

interface Action {
  what: string;
  run: () => Promise<void>;
}

/** Thrown by {@link Cleanup.add} once cleaning up has begun: the run is being torn down. */
export class CleanupStarted extends Error {
  readonly code = "CLEANUP_STARTED";
  constructor(what: string) {
    super(`cleaning up already: ${what} was undone at once`);
    this.name = "CleanupStarted";
  }
}

/** A registry of undo actions. */
export class Cleanup {
  readonly #actions = new Map<number, Action>();
  readonly #late = new Set<Promise<void>>();
  #next = 0;
  #started = false;

  /**
   * Registers `action`, described by `what` in error lines. The returned function runs it
   * (once, however often it is called) and unregisters it: call it when done with the thing.
   * Once {@link Cleanup.runAll} has begun (Ctrl-C while the benchmark goes on), the action
   * runs at once and this throws {@link CleanupStarted}, so the caller creates nothing more.
   */
  add(what: string, action: () => Promise<void>): () => Promise<void> {
    let running: Promise<void> | undefined;
    if (this.#started) {
      running = action().catch((error) => report(what, error));
      this.#late.add(running);
      throw new CleanupStarted(what);
    }
    const id = this.#next++;
    const run = () => {
      this.#actions.delete(id);
      running ??= action();
      return running;
    };
    this.#actions.set(id, { what, run });
    return run;
  }

  /**
   * Runs every action still registered, newest first, and waits for those started by late
   * {@link Cleanup.add} calls; a failure is reported, not thrown. Safe to call again.
   */
  async runAll(): Promise<void> {
    this.#started = true;
    while (this.#actions.size > 0 || this.#late.size > 0) {
      for (const { what, run } of [...this.#actions.values()].reverse()) {
        await run().catch((error) => report(what, error));
      }
      const late = [...this.#late];
      this.#late.clear();
      await Promise.all(late);
    }
  }
}

function report(what: string, error: unknown): void {
  console.error(`cleanup: ${what} failed: ${error instanceof Error ? error.message : error}`);
}
