/**
 * `producer.ts`, `consumer.ts` or `dashboard.ts` as a child process of the benchmark: its pid (for peak
 * memory from `/proc`), its log in a file, and a stop that always ends it.
 */
import type { Cleanup } from "./cleanup.ts";
import { entryCommand } from "../stack/entry_command.ts";

/** A pipeline entry point at the repository root. */
export type PipelineEntry = "producer.ts" | "consumer.ts" | "dashboard.ts";

/** A running entry point. */
export interface PipelineProcess {
  readonly name: string;
  readonly pid: number;
  /** Where its stderr (the JSON log) goes. */
  readonly logPath: string;
  /** Its exit code once it has exited, else undefined. */
  exitCode(): number | undefined;
  /** Peak resident set size so far (`VmHWM`), in MiB; undefined once it has exited. */
  peakRssMiB(): Promise<number | undefined>;
  /** The last `count` lines of its log. */
  logTail(count?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited and its log is written. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts `entry` with `env` added to this process's environment and its log in
 * `<logDir>/<name>.log`; its stop is registered with `cleanup`.
 */
export async function startPipelineProcess(
  entry: PipelineEntry,
  name: string,
  env: Record<string, string>,
  logDir: string,
  cleanup: Cleanup,
): Promise<PipelineProcess> {
  const logPath = `${logDir}/${name}.log`;
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const child = entryCommand(entry, { env, stdout: "null", stderr: "piped" }).spawn();
  const written = child.stderr.pipeTo(log.writable).catch(() => {});
  let exitCode: number | undefined;
  const exited = child.status.then(async (status) => {
    exitCode = status.code;
    await written;
  });
  const stop = cleanup.add(`stopping ${name} (pid ${child.pid})`, async () => {
    if (exitCode !== undefined) return await exited;
    signal(child, "SIGTERM");
    const killer = setTimeout(() => signal(child, "SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(killer);
  });
  return {
    name,
    pid: child.pid,
    logPath,
    exitCode: () => exitCode,
    async peakRssMiB() {
      if (exitCode !== undefined) return undefined;
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`).catch(() => "");
      const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
      return kb === undefined ? undefined : Math.round(Number(kb) / 1024 * 10) / 10;
    },
    async logTail(count = 15) {
      const text = await Deno.readTextFile(logPath).catch(() => "");
      return text.trimEnd().split("\n").slice(-count).join("\n");
    },
    stop,
  };
}

function signal(child: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    child.kill(name);
  } catch {
    // It has exited already.
  }
}
