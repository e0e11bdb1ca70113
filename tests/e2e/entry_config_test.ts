import assert from "node:assert/strict";
import { createTestDatabase, SERVER_URL } from "../helpers/test_database.ts";
import { ENTRY_V8_FLAGS, entryCommand } from "../../stack/entry_command.ts";
import { freePort } from "../../stack/free_port.ts";

async function run(entry: string, env: Record<string, string>) {
  const output = await entryCommand(entry, { env, stdout: "null", stderr: "piped" }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr).trim() };
}

// Each entry checks only its own settings, so each is given a bad one it reads.
const BAD_SETTINGS = [
  ["producer.ts", "SILENCE_TIMEOUT_MS", "is not a whole number"],
  ["consumer.ts", "MOVING_AVERAGE_WINDOW", "is not a whole number"],
  ["monitor.ts", "HEARTBEAT_INTERVAL_MS", "is not a whole number"],
  ["dashboard.ts", "PORT", "is not a whole number"],
  ["db/migrate.ts", "LOG_LEVEL", "is not one of"],
];
for (const [entry, variable, reason] of BAD_SETTINGS) {
  Deno.test(`${entry} stops at start with one line naming a bad variable`, async () => {
    const { code, stderr } = await run(entry, {
      [variable]: "ten",
      KAFKA_PASSWORD: "hunter2",
      KAFKA_USERNAME: "me",
    });
    assert.equal(code, 1);
    const lines = stderr.split("\n").filter((line) => !line.includes("TimeoutNegativeWarning"));
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], new RegExp(`configuration error: ${variable}: "ten" ${reason}`));
    assert.ok(!stderr.includes("hunter2"), "secrets never appear");
  });
}

Deno.test("a bad producer setting does not stop the dashboard", async () => {
  const db = await createTestDatabase();
  const port = freePort();
  const child = entryCommand("dashboard.ts", {
    env: { DATABASE_URL: db.url, PORT: String(port), PRODUCER_BUFFER_SIZE: "ten" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    let log = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      log += decoder.decode(chunk, { stream: true });
      if (log.includes('"msg":"listening"') || log.includes("configuration error")) break;
    }
    assert.match(log, /"msg":"listening"/, log);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel().catch(() => {});
    await db.drop();
  }
});

Deno.test("deno task runs each entry point with the V8 settings the stack gives it", async () => {
  const { tasks } = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  );
  const taskOf: Record<string, string> = {
    "consumer.ts": tasks.consume,
    "producer.ts": tasks.produce,
    "monitor.ts": tasks.monitor,
  };
  for (const [entry, flags] of Object.entries(ENTRY_V8_FLAGS)) {
    assert.ok(taskOf[entry]?.split(" ").includes(flags), `the task of ${entry} lacks ${flags}`);
  }
});

Deno.test("the consumer refuses a database that was never migrated, naming the fix", async () => {
  const db = await createTestDatabase({ migrated: false });
  try {
    const { code, stderr } = await run("consumer.ts", {
      DATABASE_URL: db.url,
      KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:1",
    });
    assert.equal(code, 1);
    const lines = stderr.split("\n").map((line) => JSON.parse(line));
    assert.match(lines.find((l) => l.msg === "fatal").error, /run deno task migrate/);
  } finally {
    await db.drop();
  }
});

Deno.test("passwords stay out of the consumer's log even when it fails", async () => {
  // The server refuses the role, which no retry can mend, so the consumer exits.
  const url = new URL(SERVER_URL);
  Object.assign(url, { username: "me", password: "hunter2", pathname: "/trades" });
  const { code, stderr } = await run("consumer.ts", {
    DATABASE_URL: url.toString(),
    KAFKA_USERNAME: "me",
    KAFKA_PASSWORD: "kafka-secret",
  });
  assert.equal(code, 1);
  assert.match(
    stderr,
    new RegExp(`postgres://me:\\*\\*\\*@${url.host.replaceAll(".", "\\.")}/trades`),
    "the URL is logged redacted",
  );
  assert.ok(!stderr.includes("hunter2") && !stderr.includes("kafka-secret"), stderr);
});
