/** How the pipeline's entry points are started as child processes, by the stack and by tests. */

const ROOT = new URL("../", import.meta.url);

/**
 * V8 settings per entry point, as `deno task` gives them too: young generations smaller than
 * V8's default of up to 16 MiB semi-spaces, since both components' garbage dies young in bulk.
 * Measured in paired runs of the bench's phases: the consumer with 1 MiB peaked 50–60 MiB lower
 * at 10,000 trades/s and while draining, draining about 10% slower; the producer with 2 MiB
 * peaked about 40 MiB lower at 10,000 trades/s (1 MiB cost it throughput at 15,000).
 */
export const ENTRY_V8_FLAGS: Readonly<Record<string, string>> = {
  "consumer.ts": "--v8-flags=--max-semi-space-size=1",
  "producer.ts": "--v8-flags=--max-semi-space-size=2",
};

/** Options of {@link entryCommand}. */
export interface EntryCommandOptions {
  /** Added to this process's environment for the child. */
  env: Record<string, string>;
  /**
   * Runs the child in its own session, so a Ctrl-C at the terminal reaches only the parent,
   * which then stops its children in order (the producer flushes before Kafka stops).
   */
  detach?: boolean;
  stdout?: "inherit" | "piped" | "null";
  stderr?: "inherit" | "piped" | "null";
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
    decodeURIComponent(new URL(entry, ROOT).pathname),
  ];
  const [program, ...args] = options.detach ? ["setsid", ...deno] : deno;
  return new Deno.Command(program, {
    args,
    env: options.env,
    stdin: "null",
    stdout: options.stdout ?? "inherit",
    stderr: options.stderr ?? "inherit",
  });
}
