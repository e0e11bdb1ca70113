/**
 * Who may read a dashboard that has `DASHBOARD_READ_TOKEN`: a browser signed in with it (a
 * cookie, which `EventSource` sends too, where it cannot send headers), or a client sending it,
 * or the admin token, as `Authorization: Bearer`. The cookie holds no token: its expiry and an
 * HMAC of it keyed by the read token, so it is checked without state (in any process) and a new
 * token ends every session. `SameSite=Lax`: a chart's link followed from another site opens
 * signed in; what writes needs the admin token as a header and this site's origin besides.
 */
import { bearerToken, sameSecret } from "./admin_token.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "dashboard_session";
/** How long a sign-in lasts. */
export const SESSION_SECONDS = 7 * 24 * 3600;

const encoder = new TextEncoder();

/** The `Set-Cookie` value that signs a browser in until `nowMs` + {@link SESSION_SECONDS}. */
export async function sessionCookie(readToken: string, nowMs: number): Promise<string> {
  const expires = nowMs + SESSION_SECONDS * 1000;
  const value = `v1.${expires}.${await signature(readToken, expires)}`;
  return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${SESSION_SECONDS}; HttpOnly; Secure; ` +
    "SameSite=Lax";
}

/** The `Set-Cookie` value that signs a browser out. */
export const CLEARED_SESSION_COOKIE =
  `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax`;

/**
 * Whether `request` may read: a bearer token that is the read or the admin token, or a
 * session cookie signed with `readToken` and not expired at `nowMs`.
 */
export async function mayRead(
  request: Request,
  readToken: string,
  adminToken: string | undefined,
  nowMs: number,
): Promise<boolean> {
  const bearer = bearerToken(request);
  if (bearer !== undefined) {
    if (await sameSecret(bearer, readToken)) return true;
    if (adminToken !== undefined && await sameSecret(bearer, adminToken)) return true;
  }
  // A signed-in page may send a wrong admin token: the route that writes says so, not this.
  const session = cookie(request, SESSION_COOKIE);
  const match = session && /^v1\.(\d{13,15})\.([A-Za-z0-9_-]{43})$/.exec(session);
  if (!match || Number(match[1]) <= nowMs) return false;
  return await sameSecret(match[2], await signature(readToken, Number(match[1])));
}

/** The value of cookie `name` in `request`, if sent. */
function cookie(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** HMAC-SHA-256 of the expiry, keyed by the read token, in unpadded base64url. */
async function signature(readToken: string, expires: number): Promise<string> {
  const key = await signingKey(readToken);
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, encoder.encode(`v1.${expires}`)),
  );
  return btoa(String.fromCharCode(...mac)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** The HMAC key of the read token, imported once (a process has one token), not per request. */
let cachedKey: { token: string; key: Promise<CryptoKey> } | undefined;

function signingKey(readToken: string): Promise<CryptoKey> {
  if (cachedKey?.token !== readToken) {
    const key = crypto.subtle.importKey(
      "raw",
      encoder.encode(readToken),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    cachedKey = { token: readToken, key };
  }
  return cachedKey.key;
}
