/** Runs an entry point (producer, consumer, monitor, dashboard) as a real child process, its log kept as an artifact. */
import { entryCommand } from "../../stack/entry_command.ts";

/** A running pipeline component. */
export interface ComponentProcess {
  /** Sends `signal` and waits for the exit; SIGKILL models a crash at any instant. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** The log lines written so far, parsed. */
  logs(): Record<string, unknown>[];
  status: Promise<Deno.CommandStatus>;
}

const ROOT = new URL("../../", import.meta.url);

/**
 * Starts `entry` (a file at the repository root) with `env` added to this process's
 * environment; its stderr goes to `test-artifacts/<name>.log`.
 */
export async function startComponent(
  entry: "producer.ts" | "consumer.ts" | "monitor.ts" | "dashboard.ts",
  name: string,
  env: Record<string, string>,
): Promise<ComponentProcess> {
  await Deno.mkdir(new URL("test-artifacts/", ROOT), { recursive: true });
  const logPath = new URL(`test-artifacts/${name}.log`, ROOT);
  const command = entryCommand(entry, {
    env: { STATUS_INTERVAL_MS: "1000", ...env },
    stdout: "null",
    stderr: "piped",
  });
  const child = command.spawn();
  const file = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const lines: string[] = [];
  const decoder = new TextDecoder();
  const copied = child.stderr.pipeTo(
    new WritableStream({
      write(chunk) {
        lines.push(decoder.decode(chunk, { stream: true }));
        return file.write(chunk).then(() => {});
      },
    }),
  );
  const status = child.status.then(async (s) => {
    await copied.catch(() => {});
    file.close();
    return s;
  });
  return {
    status,
    async stop(signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch {
        // already exited
      }
      return await status;
    },
    logs() {
      // The last segment may be a line still being written.
      const complete = lines.join("").split("\n").slice(0, -1);
      return complete.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    },
  };
}
