/**
 * Stopping what runs in a session of its own when this process dies, however it dies (SIGKILL
 * included): a shell that ignores the signals a terminal or a process group gets, waits for
 * its stdin, which only this process holds, to close, and then runs the stop command.
 */

/** A watchdog that has not fired yet. */
export interface ParentWatchdog {
  /** Ends the watchdog without running its command: the caller stopped the process itself. */
  disarm(): Promise<void>;
}

/** Runs `command` (a program and its arguments, in `cwd`) once this process is gone. */
export function startParentWatchdog(command: string[], cwd?: string): ParentWatchdog {
  const watchdog = new Deno.Command("sh", {
    cwd,
    args: ["-c", 'trap "" TERM INT HUP; read -r _; exec "$@" >/dev/null 2>&1', "sh", ...command],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let disarming: Promise<void> | undefined;
  return {
    disarm: () =>
      disarming ??= (async () => {
        try {
          watchdog.kill("SIGKILL");
        } catch {
          // It has fired, or exited, already.
        }
        await watchdog.status;
        await watchdog.stdin.close().catch(() => {});
      })(),
  };
}
