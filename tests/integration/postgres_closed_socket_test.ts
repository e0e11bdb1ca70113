import assert from "node:assert/strict";
import { connectDatabase } from "../../runtime/database.ts";

/** Stands in for postgres.js' `nextWrite` on a connection whose socket is gone. */
function nextWrite(socket: { write(): void } | null) {
  socket!.write();
}

Deno.test("postgres.js writing to a closed socket from an immediate leaves the process and the immediates after it running", async () => {
  // Installs the guard; the pool itself never connects.
  const sql = connectDatabase("postgres://postgres@127.0.0.1:1/none");
  try {
    // Two connections failing at once: the first throws in its immediate, and the second's
    // immediate, queued behind it, is cleared before the queue runs again.
    setImmediate(() => {
      queueMicrotask(() => clearImmediate(other));
      nextWrite(null);
    });
    const other = setImmediate(() => {});
    const later = await new Promise<string>((resolve) => setImmediate(() => resolve("ran")));
    assert.equal(later, "ran");
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await sql.end();
  }
});
