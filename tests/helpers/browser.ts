/// <reference lib="dom" />
/**
 * What the browser tests share: Debian's Chromium through playwright-core, a copy of the files a
 * fresh clone holds, and `deno task dashboard` run in such a copy.
 */
import assert from "node:assert/strict";
import { type Browser, chromium } from "playwright-core";
import { waitFor } from "./wait.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** Where browser tests keep screenshots and logs. */
export const ARTIFACTS = `${ROOT}test-artifacts`;

/** Headless Chromium, quiet: no first-run, sync or background traffic. */
export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
      "--no-first-run",
    ],
  });
}

/** A copy of the files a clone would hold (tracked and not ignored): no built bundle. */
export async function freshCopy(): Promise<string> {
  const listed = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: ROOT,
  }).output();
  assert.ok(listed.success, "git ls-files");
  const dir = await Deno.makeTempDir({ prefix: "fresh-clone-" });
  for (const file of new TextDecoder().decode(listed.stdout).split("\0").filter(Boolean)) {
    const from = `${ROOT}${file}`;
    if (!await Deno.stat(from).then((info) => info.isFile, () => false)) continue;
    const to = `${dir}/${file}`;
    await Deno.mkdir(to.slice(0, to.lastIndexOf("/")), { recursive: true });
    await Deno.copyFile(from, to);
  }
  return dir;
}

/** A dashboard run by `deno task dashboard`. */
export interface DashboardTask {
  /** Its stdout and stderr so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `deno task dashboard` in `dir`, in its own process group, its output kept in
 * `test-artifacts/<name>.log`; resolves once it listens.
 */
export async function runDashboardTask(
  dir: string,
  env: Record<string, string>,
  name = "browser-dashboard",
): Promise<DashboardTask> {
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  const log = await Deno.open(`${ARTIFACTS}/${name}.log`, {
    write: true,
    create: true,
    truncate: true,
  });
  const child = new Deno.Command("setsid", {
    args: [Deno.execPath(), "task", "dashboard"],
    cwd: dir,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const copy = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(
      new WritableStream({
        write(chunk) {
          output += decoder.decode(chunk, { stream: true });
          return log.write(chunk).then(() => {});
        },
      }),
    );
  const copied = Promise.all([copy(child.stdout), copy(child.stderr)]);
  await waitFor("the dashboard to listen", () => output.includes('"msg":"listening"'), 120_000);
  return {
    output: () => output,
    async stop() {
      try {
        Deno.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
      await copied.catch(() => {});
      log.close();
    },
  };
}
