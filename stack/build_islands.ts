/** Builds the browser bundle of the islands, as `deno task build` does, for start and tests. */

const ROOT = new URL("../", import.meta.url);

/** Bundles `fresh/bundle_entry.ts` into `static/islands.js`; throws with Deno's output on failure. */
export async function buildIslands(): Promise<void> {
  const root = decodeURIComponent(ROOT.pathname);
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform=browser",
      "--minify",
      "fresh/bundle_entry.ts",
      "-o",
      "static/islands.js",
    ],
    cwd: root,
    stdin: "null",
  }).output();
  if (!output.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(output.stderr)}`);
  }
}

if (import.meta.main) {
  await buildIslands();
  console.log("built static/islands.js");
}
