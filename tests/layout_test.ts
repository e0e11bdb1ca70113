/**
 * The tree keeps its architecture: `domain/` is pure (it imports nothing outside itself and
 * touches no network, file or process; time comes in through an injected clock), and `ui/`,
 * which islands run in the browser, imports only itself and the domain.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

/** Folders, each with the folders its modules may import from. */
const PURE_FOLDERS: Record<string, string[]> = {
  domain: ["domain"],
  ui: ["ui", "domain"],
};

/** What I/O looks like in source text: Deno's APIs, Node's process, the network, dynamic imports. */
const IO_PATTERN = /\b(Deno\.|process\.|fetch\(|WebSocket\b|EventSource\b|import\()/;

const IMPORT_PATTERN =
  /\b(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']/g;

async function sourceFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, folder))) {
    if (entry.isFile && /\.tsx?$/.test(entry.name)) files.push(join(folder, entry.name));
    if (entry.isDirectory) files.push(...await sourceFiles(join(folder, entry.name)));
  }
  return files;
}

/** Every way `file` (relative to the root) breaks the rules of its folder. */
export function violations(file: string, text: string, allowed: string[]): string[] {
  const found: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  for (const match of code.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2];
    if (!specifier.startsWith(".")) {
      found.push(`${file} imports ${specifier}`);
      continue;
    }
    const target = relative(ROOT, join(ROOT, dirname(file), specifier));
    if (!allowed.some((folder) => target.startsWith(`${folder}/`))) {
      found.push(`${file} imports ${target}`);
    }
  }
  const io = IO_PATTERN.exec(code);
  if (io) found.push(`${file} does I/O: ${io[0]}`);
  return found;
}

Deno.test("the domain and the ui import nothing outside their bounds and do no I/O", async () => {
  const found: string[] = [];
  for (const [folder, allowed] of Object.entries(PURE_FOLDERS)) {
    const files = await sourceFiles(folder).catch(() => []);
    for (const file of files) {
      found.push(...violations(file, await Deno.readTextFile(join(ROOT, file)), allowed));
    }
  }
  assert.deepEqual(found, []);
});

Deno.test("the layout rule catches a network import and a stray Deno call", () => {
  const text = `import { Kafka } from "kafkajs";\nimport { x } from "../web/live_hub.ts";\n` +
    `export const y = () => Deno.readTextFile("a");\n`;
  assert.deepEqual(violations("domain/bad.ts", text, ["domain"]), [
    "domain/bad.ts imports kafkajs",
    "domain/bad.ts imports web/live_hub.ts",
    "domain/bad.ts does I/O: Deno.",
  ]);
});
