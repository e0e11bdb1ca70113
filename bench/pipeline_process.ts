/**
 * An entry point of the pipeline as a child process of the benchmark: its pid (for memory from
 * `/proc`), its live heap when asked for, its log in a file, and a stop that always ends it.
 */
import type { Cleanup } from "./cleanup.ts";
import { entryCommand } from "../stack/entry_command.ts";
import { freePort } from "../stack/free_port.ts";
import { liveHeapMiB } from "./live_heap.ts";

/** A pipeline entry point at the repository root. */
export type PipelineEntry = "producer.ts" | "consumer.ts" | "monitor.ts" | "dashboard.ts";

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
  /** Resident set size now (`VmRSS`), in MiB; undefined once it has exited. */
  rssMiB(): Promise<number | undefined>;
  /**
   * The heap left after a full collection, in MiB (see `live_heap.ts`); only for a process
   * started with `inspect`, else it throws.
   */
  liveHeapMiB(): Promise<number>;
  /** The last `count` lines of its log. */
  logTail(count?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited and its log is written. */
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts `entry` with `env` added to this process's environment and its log in
 * `<logDir>/<name>.log`; its stop is registered with `cleanup`. With `inspect`, V8's inspector
 * is open on a free port of 127.0.0.1, for {@link PipelineProcess.liveHeapMiB}.
 */
export async function startPipelineProcess(
  entry: PipelineEntry,
  name: string,
  env: Record<string, string>,
  logDir: string,
  cleanup: Cleanup,
  options: { inspect?: boolean } = {},
): Promise<PipelineProcess> {
  const logPath = `${logDir}/${name}.log`;
  const log = await Deno.open(logPath, { write: true, create: true, truncate: true });
  const inspectPort = options.inspect ? freePort() : undefined;
  const child = entryCommand(entry, { env, stdout: "null", stderr: "piped", inspectPort }).spawn();
  // Each chunk written as it comes: Deno 2.9's `FsFile.writable` holds what it is given until it
  // is closed, so the log could not be read while the child runs.
  const written = child.stderr.pipeTo(
    new WritableStream({
      async write(chunk: Uint8Array) {
        for (let at = 0; at < chunk.length;) at += await log.write(chunk.subarray(at));
      },
      close: () => log.close(),
      abort: () => log.close(),
    }),
  ).catch(() => {});
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
    peakRssMiB: () => memoryMiB("VmHWM"),
    rssMiB: () => memoryMiB("VmRSS"),
    liveHeapMiB() {
      if (inspectPort === undefined) throw new Error(`${name} was started without an inspector`);
      return liveHeapMiB(inspectPort);
    },
    async logTail(count = 15) {
      const text = await Deno.readTextFile(logPath).catch(() => "");
      return text.trimEnd().split("\n").slice(-count).join("\n");
    },
    stop,
  };

  /** A memory line of `/proc/<pid>/status`, in MiB; undefined once the child has exited. */
  async function memoryMiB(field: "VmHWM" | "VmRSS"): Promise<number | undefined> {
    if (exitCode !== undefined) return undefined;
    const status = await Deno.readTextFile(`/proc/${child.pid}/status`).catch(() => "");
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024 * 10) / 10;
  }
}

function signal(child: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    child.kill(name);
  } catch {
    // It has exited already.
  }
}
