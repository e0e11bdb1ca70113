/** Polling for the benchmark: wait until a condition holds, while the children stay alive. */
import { sleep } from "../runtime/sleep.ts";
import type { PipelineProcess } from "./pipeline_process.ts";

/**
 * Resolves once `check` returns true, polling every `intervalMs`. Throws naming `what` after
 * `timeoutMs`, or at once with its log tail when one of `watched` exits.
 */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; watched?: readonly PipelineProcess[] },
): Promise<void> {
  const { timeoutMs, intervalMs = 100, watched = [] } = options;
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    await throwIfExited(watched, `while waiting for ${what}`);
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/** Throws, with its log tail, when one of `watched` has exited; `when` ends the message. */
export async function throwIfExited(
  watched: readonly PipelineProcess[],
  when: string,
): Promise<void> {
  for (const process of watched) {
    const code = process.exitCode();
    if (code !== undefined) {
      throw new Error(
        `${process.name} exited with code ${code} ${when}; ` +
          `last lines of ${process.logPath}:\n${await process.logTail()}`,
      );
    }
  }
}
