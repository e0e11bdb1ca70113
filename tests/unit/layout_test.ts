/**
 * The map of the house: every folder (and the entry points at the root) with the folders and
 * packages its modules may import, checked against every import in the tree. `domain/` is pure
 * (it imports nothing outside itself but the indicators' arithmetic, and touches no network, file
 * or process; time comes in through an injected clock), and `ui/`, which islands run in the browser, reaches no further
 * than the domain and the browser's own network calls.
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** What a folder's modules may use besides the folder itself. */
interface Rule {
  /** Folders they may import from; `.` is the entry points at the root. */
  folders: string[];
  /** Packages they may import (a prefix: `preact` allows `preact/hooks`), or `*` for any. */
  packages: string[] | "*";
  /** What I/O they must not do, if anything. */
  noIo?: RegExp;
}

/** Deno's APIs, Node's process, the network, dynamic imports. */
const ANY_IO = /\b(Deno\.|process\.|fetch\(|WebSocket\b|EventSource\b|import\()/;
/** What no browser can do: Deno's and Node's APIs, dynamic imports. */
const SERVER_IO = /\b(Deno\.|process\.|import\()/;

const EVERY_FOLDER = [
  ".",
  "bench",
  "components",
  "db",
  "domain",
  "fresh",
  "islands",
  "pipeline",
  "routes",
  "runtime",
  "stack",
  "store",
  "tests",
  "ui",
  "web",
];

/**
 * The layers, lowest first. `domain/` is pure; `runtime/` is what every process runs on;
 * `store/` holds the SQL more than one process runs; `pipeline/` is the producer's, consumer's
 * and monitor's adapters, `web/` the dashboard's server side; `fresh/` maps Fresh's shape
 * (`routes/`, `islands/`, `components/`) onto Hono; `stack/` runs the local stack; the entry
 * points wire a process together; `bench/` and `tests/` may use anything below them.
 */
export const LAYOUT: Record<string, Rule> = {
  // `trading-signals` is arithmetic alone: the indicators' one definition, for server and page.
  domain: { folders: [], packages: ["trading-signals"], noIo: ANY_IO },
  ui: { folders: ["domain"], packages: ["preact"], noIo: SERVER_IO },
  components: { folders: ["ui", "domain"], packages: ["preact", "chart"], noIo: SERVER_IO },
  islands: { folders: ["components", "ui", "domain"], packages: ["preact"], noIo: SERVER_IO },
  runtime: { folders: ["domain"], packages: ["postgres", "prom-client"] },
  db: { folders: ["runtime", "domain"], packages: [] },
  store: { folders: ["runtime", "domain"], packages: ["postgres"] },
  pipeline: {
    folders: ["store", "runtime", "domain"],
    packages: ["kafkajs", "postgres", "node:tls", "node:net"],
  },
  web: { folders: ["store", "runtime", "domain"], packages: ["postgres", "node:crypto"] },
  routes: {
    folders: ["fresh", "web", "store", "islands", "components", "ui", "runtime", "domain"],
    packages: ["preact"],
  },
  // The browser bundle's entry also registers the chart's browser-only gestures (components/).
  fresh: {
    folders: ["routes", "islands", "components", "web"],
    packages: ["hono", "preact", "preact-render-to-string", "node:url"],
  },
  stack: { folders: ["db", "runtime", "domain"], packages: ["kafkajs", "node:"] },
  ".": {
    folders: ["fresh", "pipeline", "web", "store", "db", "runtime", "domain"],
    packages: [],
  },
  bench: {
    folders: ["stack", "pipeline", "web", "store", "db", "ui", "runtime", "domain"],
    packages: "*",
  },
  tests: { folders: EVERY_FOLDER, packages: "*" },
};

const IMPORT_PATTERN =
  /\b(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']|\bimport\s*["']([^"']+)["']/g;

/** The source files of `folder` and its subfolders; of the root alone for `.`. */
async function sourceFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, folder))) {
    const path = folder === "." ? entry.name : join(folder, entry.name);
    if (entry.isFile && /\.tsx?$/.test(entry.name)) files.push(path);
    if (entry.isDirectory && folder !== ".") files.push(...await sourceFiles(path));
  }
  return files;
}

/** The folder `path` (relative to the root) belongs to: `.` for a file at the root. */
function folderOf(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? "." : path.slice(0, slash);
}

/** Every way `file` (relative to the root) breaks `rule`. */
export function violations(file: string, text: string, rule: Rule): string[] {
  const found: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  const own = folderOf(file);
  for (const match of code.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2];
    if (!specifier.startsWith(".")) {
      const allowed = rule.packages === "*" ||
        rule.packages.some((name) => specifier.startsWith(name));
      if (!allowed) found.push(`${file} imports ${specifier}`);
      continue;
    }
    const target = relative(ROOT, join(ROOT, dirname(file), specifier));
    const folder = folderOf(target);
    if (folder !== own && !rule.folders.includes(folder)) found.push(`${file} imports ${target}`);
  }
  const io = rule.noIo?.exec(code);
  if (io) found.push(`${file} does I/O: ${io[0]}`);
  return found;
}

Deno.test("every folder has a rule, and every import keeps to its folder's rule", async () => {
  const folders = ["."];
  for await (const entry of Deno.readDir(ROOT)) {
    if (
      entry.isDirectory && !entry.name.startsWith(".") && (await sourceFiles(entry.name)).length
    ) {
      folders.push(entry.name);
    }
  }
  assert.deepEqual(
    folders.sort(),
    [...EVERY_FOLDER].sort(),
    "folders without a rule, or rules without a folder",
  );
  const found: string[] = [];
  for (const folder of folders) {
    for (const file of await sourceFiles(folder)) {
      found.push(...violations(file, await Deno.readTextFile(join(ROOT, file)), LAYOUT[folder]));
    }
  }
  assert.deepEqual(found, []);
});

Deno.test("the layout rule catches a package, a folder above and a stray Deno call", () => {
  const text = `import { Kafka } from "kafkajs";\nimport { x } from "../web/live_hub.ts";\n` +
    `import { y } from "./trade_event.ts";\n` +
    `export const z = () => Deno.readTextFile("a");\n`;
  assert.deepEqual(violations("domain/bad.ts", text, LAYOUT.domain), [
    "domain/bad.ts imports kafkajs",
    "domain/bad.ts imports web/live_hub.ts",
    "domain/bad.ts does I/O: Deno.",
  ]);
  assert.deepEqual(violations("monitor.ts", `import { a } from "./web/b.ts";\n`, LAYOUT["."]), []);
  assert.deepEqual(
    violations("web/a.ts", `import { b } from "../pipeline/kafka.ts";\n`, LAYOUT.web),
    ["web/a.ts imports pipeline/kafka.ts"],
  );
});
