import assert from "node:assert/strict";
import { localAdminToken } from "../../stack/local_admin_token.ts";

Deno.test("the local stack's admin token is made once, readable by its owner only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/cache/dashboard-admin-token`;
    const token = await localAdminToken(path);
    assert.match(token, /^[0-9a-f]{48}$/);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal(await localAdminToken(path), token, "the same token on the next start");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
