/**
 * The dashboard's one write permission: changing price rules needs `Authorization: Bearer
 * <DASHBOARD_ADMIN_TOKEN>`. Without a configured token the dashboard is read-only.
 */
import { timingSafeEqual } from "node:crypto";

const encoder = new TextEncoder();

/**
 * A 403 when no token is configured, a 401 when `request` carries none or another one;
 * undefined when it carries `token`. Compared in constant time, as digests, so neither the
 * token nor its length leaks through timing.
 */
export async function adminRefusal(
  request: Request,
  token: string | undefined,
): Promise<Response | undefined> {
  if (token === undefined) {
    return new Response(
      "price rules are read-only here: the dashboard has no DASHBOARD_ADMIN_TOKEN\n",
      { status: 403 },
    );
  }
  const given = bearerToken(request);
  const challenge = { "www-authenticate": 'Bearer realm="price rules"' };
  if (given === undefined) {
    return new Response(
      "authorization: changing price rules needs the header Authorization: Bearer <token>\n",
      { status: 401, headers: challenge },
    );
  }
  if (!await sameSecret(given, token)) {
    return new Response("authorization: the token is not the dashboard's admin token\n", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="price rules", error="invalid_token"' },
    });
  }
  return undefined;
}

/** The token of `Authorization: Bearer <token>`, if the request sends one. */
export function bearerToken(request: Request): string | undefined {
  return /^Bearer (\S+)$/i.exec(request.headers.get("authorization")?.trim() ?? "")?.[1];
}

/** Whether `given` is `expected`, compared in constant time as SHA-256 digests. */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all(
    [given, expected].map((text) => crypto.subtle.digest("SHA-256", encoder.encode(text))),
  );
  return timingSafeEqual(new Uint8Array(a), new Uint8Array(b));
}
