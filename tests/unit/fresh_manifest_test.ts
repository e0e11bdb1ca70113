/** The hand-written manifest lists every route module, so a new route cannot be forgotten. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { manifest } from "../../fresh/manifest.ts";
import App from "../../routes/_app.tsx";
import { handler as middleware } from "../../routes/_middleware.ts";

const ROUTES = decodeURIComponent(new URL("../../routes/", import.meta.url).pathname);

/** Every module under `routes/`, by its path there. */
async function routeFiles(folder = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(ROUTES, folder))) {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory) files.push(...await routeFiles(path));
    else if (/\.tsx?$/.test(entry.name)) files.push(path);
  }
  return files;
}

Deno.test("the manifest lists exactly the route modules under routes/", async () => {
  const files = (await routeFiles()).filter((file) => !file.startsWith("_"));
  assert.deepEqual(Object.keys(manifest.routes).sort(), files.sort());
  for (const file of files) {
    assert.equal(manifest.routes[file], await import(`../../routes/${file}`), file);
  }
  assert.equal(manifest.app, App);
  assert.equal(manifest.middleware, middleware);
});
