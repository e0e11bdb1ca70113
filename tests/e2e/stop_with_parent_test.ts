/**
 * Nothing the stack starts outlives it: the Kafka broker, the local PostgreSQL and the
 * pipeline's components run in sessions of their own (so a Ctrl-C reaches only the stack, which
 * stops them in order), and each stops by itself when the stack dies without stopping them.
 */
import assert from "node:assert/strict";
import { isPortOpen } from "../../stack/port_check.ts";
import { waitFor } from "../helpers/wait.ts";

/** Whether process `pid` still runs (a zombie waiting to be reaped does not). */
async function running(pid: number): Promise<boolean> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

Deno.test("the broker, PostgreSQL and a component stop when their parent is ended", async () => {
  const dataDirs = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  // In a session (and process group) of its own, as `deno task start` in a terminal.
  const parent = new Deno.Command("setsid", {
    args: [
      Deno.execPath(),
      "run",
      "--allow-all",
      new URL("../helpers/orphaning_parent.ts", import.meta.url).pathname,
      ...dataDirs,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let where: { brokerPort: number; postgresPort: number; componentPid: number } | undefined;
  try {
    const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the parent ended before saying where its children run");
      text += value;
    }
    reader.releaseLock();
    where = JSON.parse(text.split("\n")[0]);
    assert.ok(await isPortOpen("127.0.0.1", where!.brokerPort));
    assert.ok(await isPortOpen("127.0.0.1", where!.postgresPort));
    assert.ok(await running(where!.componentPid));
    // As when the stack was ended with SIGTERM to its process group and, a second later,
    // SIGKILL: its own watchdogs got the SIGTERM too.
    Deno.kill(-parent.pid, "SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    try {
      parent.kill("SIGKILL");
    } catch {
      // already gone
    }
    await parent.status;
    const { brokerPort, postgresPort, componentPid } = where!;
    await waitFor("the producer to stop", async () => !await running(componentPid), 20_000);
    await waitFor(
      "the broker to stop",
      async () => !await isPortOpen("127.0.0.1", brokerPort),
      30_000,
    );
    await waitFor(
      "PostgreSQL to stop",
      async () => !await isPortOpen("127.0.0.1", postgresPort),
      30_000,
    );
  } finally {
    try {
      parent.kill("SIGKILL");
    } catch {
      // already gone
    }
    await parent.status;
    await parent.stdout.cancel().catch(() => {});
    for (const dir of dataDirs) await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
