/**
 * What every request to the dashboard passes before its route: its client's request rate, the
 * origin of a request that writes, and, with `DASHBOARD_READ_TOKEN`, the right to read.
 */
import type { DashboardState } from "./dashboard_state.ts";
import { mayRead } from "./read_access.ts";
import { refusalResponse } from "./client_limits.ts";

/** Paths anyone may ask for: health, the page's files, signing in and out. */
const PUBLIC = /^\/(healthz$|static\/|sign-in$|sign-out$)/;
const READING_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The client's address: the peer's, or with `trustForwardedFor` the last one in
 * `X-Forwarded-For` (the one the proxy in front added); undefined when unknown (a request made
 * in the same process, as tests do).
 */
export function clientAddress(
  request: Request,
  peer: Deno.Addr | undefined,
  trustForwardedFor = false,
): string | undefined {
  if (trustForwardedFor) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return clientOf(forwarded);
  }
  return peer && "hostname" in peer ? clientOf(peer.hostname) : undefined;
}

/**
 * The client an address stands for: an IPv4 address itself (a port some proxies add left
 * out), an IPv6 address its /64 network, which one host commonly holds whole (so its 2⁶⁴
 * addresses are one client to the limits).
 */
function clientOf(address: string): string {
  const ipv4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/i.exec(address);
  if (ipv4) return ipv4[1];
  const ipv6 = address.replace(/^\[(.*)\](?::\d+)?$/, "$1").toLowerCase();
  if (!/^[0-9a-f:]+$/.test(ipv6) || !ipv6.includes(":")) return address;
  const [head, tail] = ipv6.split("::").map((part) => part ? part.split(":") : []);
  const zeros = Array(Math.max(0, 8 - head.length - (tail?.length ?? 0))).fill("0");
  const groups = [...head, ...(tail ? zeros : []), ...(tail ?? [])];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/** A refusal of `request` (429, 403, 401 or a redirect to sign in), or undefined to go on. */
export async function gateRequest(
  request: Request,
  url: URL,
  client: string | undefined,
  state: DashboardState,
): Promise<Response | undefined> {
  if (client !== undefined) {
    const refusal = await state.limits?.admit(client);
    if (refusal) return refusalResponse(refusal);
  }
  if (!READING_METHODS.has(request.method)) {
    const refusal = crossOriginRefusal(request, url);
    if (refusal) return refusal;
  }
  if (state.readToken === undefined || PUBLIC.test(url.pathname)) return undefined;
  if (await mayRead(request, state.readToken, state.adminToken, Date.now())) return undefined;
  const page = request.method === "GET" && !/^\/(api\/|metrics$)/.test(url.pathname);
  if (page) {
    const next = encodeURIComponent(url.pathname + url.search);
    return new Response(null, { status: 303, headers: { location: `/sign-in?next=${next}` } });
  }
  return new Response(
    "this dashboard needs signing in: sign in at /sign-in, or send " +
      "Authorization: Bearer <DASHBOARD_READ_TOKEN>\n",
    { status: 401, headers: { "www-authenticate": 'Bearer realm="dashboard"' } },
  );
}

/**
 * A 403 for a write sent from another site's page. A browser that sends `Sec-Fetch-Site` says
 * where the request comes from; one that does not is judged by its `Origin`, which must name
 * this host. A client that is no browser sends neither.
 */
function crossOriginRefusal(request: Request, url: URL): Response | undefined {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const host = request.headers.get("host") ?? url.host;
  let foreign: boolean;
  if (site !== null) foreign = site !== "same-origin" && site !== "none";
  else if (origin === null) foreign = false;
  else {
    try {
      foreign = new URL(origin).host !== host;
    } catch {
      foreign = true; // "null" (a sandboxed page, a file) or garbage
    }
  }
  if (!foreign) return undefined;
  return new Response(
    `cross-origin request refused: Origin ${JSON.stringify(origin?.slice(0, 100) ?? null)} ` +
      `is not this dashboard (${host})\n`,
    { status: 403 },
  );
}
