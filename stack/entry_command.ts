/** How the pipeline's entry points are started as child processes, by the stack and by tests. */
import { STOP_WITH_PARENT } from "../runtime/entry.ts";

const ROOT = new URL("../", import.meta.url);

/**
 * V8 settings per entry point, as `deno task` gives them too: young generations smaller than
 * V8's default of up to 16 MiB semi-spaces, since their garbage dies young.
 * Measured in paired runs of the bench's phases: the consumer with 1 MiB peaked 50–60 MiB lower
 * at 10,000 trades/s and while draining, draining about 10% slower; the producer with 2 MiB
 * peaked about 40 MiB lower at 10,000 trades/s (1 MiB cost it throughput at 15,000). In the soak
 * (`deno task bench --soak`) the monitor's resident memory climbed from 80 to 130 MiB over six
 * minutes while its live heap stayed at 10 MiB; with 1 MiB it stayed at 74–78 MiB for ten.
 * The consumer's old generation also grows by a fixed factor instead of V8's own, which at a
 * live rate let it commit 47 MB on an 11 MB live heap a few minutes in (+25–31 % resident in
 * 30-minute soaks); with a factor of 2 the soaks stayed flat, at 1,000 and at 10,000 trades/s.
 * A factor of 1.5 (`--heap-growing-percent=50`) took its peak while draining a backlog from
 * about 165 to 145–152 MiB, for about 5 % of its draining rate (figures in bench/RESULTS.md).
 */
export const ENTRY_V8_FLAGS: Readonly<Record<string, string>> = {
  "consumer.ts": "--v8-flags=--max-semi-space-size=1,--heap-growing-percent=50",
  "producer.ts": "--v8-flags=--max-semi-space-size=2,--heap-growing-percent=50",
  "monitor.ts": "--v8-flags=--max-semi-space-size=1",
};

/** Options of {@link entryCommand}. */
export interface EntryCommandOptions {
  /** Added to this process's environment for the child. */
  env: Record<string, string>;
  /**
   * Runs the child in its own session, so a Ctrl-C at the terminal reaches only the parent,
   * which then stops its children in order (the producer flushes before Kafka stops); the
   * child stops by itself once the parent is gone (see `STOP_WITH_PARENT`).
   */
  detach?: boolean;
  stdout?: "inherit" | "piped" | "null";
  stderr?: "inherit" | "piped" | "null";
  /** Opens V8's inspector on this port of 127.0.0.1, for the bench to read the live heap. */
  inspectPort?: number;
}

/** A command running `entry` (a path from the repository root) with the permissions it needs. */
export function entryCommand(entry: string, options: EntryCommandOptions): Deno.Command {
  const deno = [
    Deno.execPath(),
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    ...(ENTRY_V8_FLAGS[entry] ? [ENTRY_V8_FLAGS[entry]] : []),
    ...(options.inspectPort ? [`--inspect=127.0.0.1:${options.inspectPort}`] : []),
    decodeURIComponent(new URL(entry, ROOT).pathname),
  ];
  const [program, ...args] = options.detach ? ["setsid", ...deno] : deno;
  return new Deno.Command(program, {
    args,
    // Where `deno.json` is found, with its lock and its unstable APIs (the dashboard's reusePort).
    cwd: decodeURIComponent(ROOT.pathname),
    env: options.detach ? { ...options.env, [STOP_WITH_PARENT]: String(Deno.pid) } : options.env,
    stdin: "null",
    stdout: options.stdout ?? "inherit",
    stderr: options.stderr ?? "inherit",
  });
}
