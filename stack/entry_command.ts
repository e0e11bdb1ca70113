/** How the pipeline's entry points are started as child processes, by the stack and by tests. */

const ROOT = new URL("../", import.meta.url);

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
