/** Polling for integration tests: wait until a condition holds, or fail saying what was awaited. */

/** Resolves once `check` returns true; throws naming `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A check for {@link waitFor} that holds once `read` has returned the same value for `ms`. */
export function stableFor(read: () => number, ms: number): () => boolean {
  let last = read();
  let since = Date.now();
  return () => {
    const now = read();
    if (now !== last) [last, since] = [now, Date.now()];
    return Date.now() - since >= ms;
  };
}
