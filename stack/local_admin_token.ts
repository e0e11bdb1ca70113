/**
 * The dashboard's admin token for the local stack, when `DASHBOARD_ADMIN_TOKEN` is not set: made
 * once, kept in a git-ignored file only its owner can read, and named by its path, never shown
 * in a log. So price rules can be set from the page of `deno task start` out of the box.
 */

/** Where the token is kept, relative to the repository root the stack runs from. */
export const LOCAL_TOKEN_PATH = ".cache/dashboard-admin-token";

/** The token in {@link LOCAL_TOKEN_PATH}, made (24 random bytes, hex) when the file is missing. */
export async function localAdminToken(path = LOCAL_TOKEN_PATH): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const token = Array.from(crypto.getRandomValues(new Uint8Array(24)))
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, `${token}\n`, { mode: 0o600, createNew: true });
  return token;
}
