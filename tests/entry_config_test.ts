import assert from "node:assert/strict";
import { createTestDatabase, SERVER_URL } from "./helpers/test_database.ts";
import { ENTRY_V8_FLAGS, entryCommand } from "../stack/entry_command.ts";

async function run(entry: string, env: Record<string, string>) {
  const output = await entryCommand(entry, { env, stdout: "null", stderr: "piped" }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr).trim() };
}

for (const entry of ["producer.ts", "consumer.ts", "db/migrate.ts"]) {
  Deno.test(`${entry} stops at start with one line naming a bad variable`, async () => {
    const { code, stderr } = await run(entry, {
      MOVING_AVERAGE_WINDOW: "ten",
      KAFKA_PASSWORD: "hunter2",
      KAFKA_USERNAME: "me",
    });
    assert.equal(code, 1);
    const lines = stderr.split("\n").filter((line) => !line.includes("TimeoutNegativeWarning"));
    assert.equal(lines.length, 1, stderr);
    assert.match(
      lines[0],
      /configuration error: MOVING_AVERAGE_WINDOW: "ten" is not a whole number/,
    );
    assert.ok(!stderr.includes("hunter2"), "secrets never appear");
  });
}

Deno.test("deno task runs each entry point with the V8 settings the stack gives it", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
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
