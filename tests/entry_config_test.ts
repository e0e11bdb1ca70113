import assert from "node:assert/strict";
import { createTestDatabase } from "./helpers/test_database.ts";

const ROOT = new URL("../", import.meta.url);

async function run(entry: string, env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", new URL(entry, ROOT).pathname],
    env,
    stdin: "null",
  }).output();
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
