/**
 * The dashboard on the public internet: with a read token, the page, the APIs and the stream
 * need a sign-in (a cookie) or the token as a bearer; writes from another site's page are
 * refused; each client address has its requests a second and its streams, answered 429 with
 * Retry-After past them and counted in /metrics.
 */
import assert from "node:assert/strict";
import { LiveHub } from "../../web/live_hub.ts";
import { ClientLimits } from "../../web/client_limits.ts";
import { SESSION_COOKIE, SESSION_SECONDS, sessionCookie } from "../../web/read_access.ts";
import type { DashboardState } from "../../web/dashboard_state.ts";
import { createTestDatabase } from "../helpers/test_database.ts";
import { dashboardApp } from "../helpers/dashboard_app.ts";

const READ_TOKEN = "read-token-0123456789";
const ADMIN_TOKEN = "admin-token-0123456789";

/** The app over `state`, answering as `Deno.serve` would for a peer at `address`. */
function appFor(state: Partial<DashboardState> & Pick<DashboardState, "sql">) {
  const app = dashboardApp({ live: new LiveHub(), ...state });
  return async (path: string, init: RequestInit = {}, address = "192.0.2.1") => {
    const info = { remoteAddr: { transport: "tcp", hostname: address, port: 40000 } };
    const response = await app.fetch(new Request(`http://dashboard${path}`, init), info);
    return response;
  };
}

/** The `name=value` of a `Set-Cookie` header. */
const cookieOf = (response: Response) => response.headers.get("set-cookie")!.split(";")[0];

Deno.test("a read token: sign in with it, or send it; nothing else reads", async () => {
  await using db = await createTestDatabase();
  const get = appFor({ sql: db.sql, readToken: READ_TOKEN, adminToken: ADMIN_TOKEN });

  const page = await get("/?symbol=ETHUSDT");
  assert.equal(page.status, 303);
  assert.equal(page.headers.get("location"), "/sign-in?next=%2F%3Fsymbol%3DETHUSDT");
  for (const path of ["/api/trades?symbol=BTCUSDT", "/api/stream", "/metrics", "/api/tickers"]) {
    const refused = await get(path);
    assert.equal(refused.status, 401, path);
    assert.equal(refused.headers.get("www-authenticate"), 'Bearer realm="dashboard"');
    assert.match(await refused.text(), /sign in at \/sign-in/);
  }
  // Health stays public (here degraded: the hub of this test does not listen).
  assert.equal((await (await get("/healthz")).json()).database, "ok");
  assert.equal((await get("/static/style.css")).status, 404, "no static folder here, but no 401");
  const form = await get("/sign-in?next=%2F%3Fsymbol%3DETHUSDT");
  assert.equal(form.status, 200);
  assert.match(await form.text(), /<input[^>]*name="next"[^>]*value="\/\?symbol=ETHUSDT"/);

  const signIn = (token: string, next = "/?symbol=ETHUSDT") =>
    get("/sign-in", { method: "POST", body: new URLSearchParams({ token, next }) });
  const wrong = await signIn("not-the-read-token");
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get("set-cookie"), null);
  assert.match(await wrong.text(), /That is not the read token/);
  assert.equal((await signIn(ADMIN_TOKEN)).status, 401, "the admin token does not sign in");
  const signedIn = await signIn(READ_TOKEN);
  assert.equal(signedIn.status, 303);
  assert.equal(signedIn.headers.get("location"), "/?symbol=ETHUSDT");
  const setCookie = signedIn.headers.get("set-cookie")!;
  for (const attribute of ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"]) {
    assert.ok(setCookie.includes(attribute), `${attribute} in ${setCookie}`);
  }
  assert.ok(!setCookie.includes(READ_TOKEN), "the cookie holds no token");
  assert.equal((await signIn(READ_TOKEN, "//evil.example/")).headers.get("location"), "/");
  assert.equal((await signIn(READ_TOKEN, "/\\evil.example")).headers.get("location"), "/");

  const withCookie = (cookie: string) => ({ headers: { cookie: `theme=dark; ${cookie}` } });
  const session = cookieOf(signedIn);
  const again = await get("/sign-in?next=%2Fapi%2Ftickers", withCookie(session));
  assert.equal(again.status, 303, "signed in already: on to the page");
  assert.equal(again.headers.get("location"), "/api/tickers");
  const huge = await get("/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `token=${"x".repeat(1_000_000)}`,
  });
  assert.equal(huge.status, 413, "no sign-in body is held whole");
  const multipart = new FormData();
  multipart.set("token", READ_TOKEN);
  assert.equal((await get("/sign-in", { method: "POST", body: multipart })).status, 415);
  assert.equal((await get("/", withCookie(session))).status, 200);
  assert.equal((await get("/api/trades?symbol=BTCUSDT", withCookie(session))).status, 200);
  const stream = await get("/api/stream", withCookie(session));
  assert.equal(stream.status, 200);
  assert.match(stream.headers.get("content-type")!, /text\/event-stream/);
  await stream.body!.cancel();

  // A signature changed, a session run out, or one signed by another token: refused.
  const [, expires, mac] = session.split("=")[1].split(".");
  const flipped = mac.slice(0, -1) + (mac.endsWith("A") ? "B" : "A");
  const expired = cookieOf(
    new Response(null, {
      headers: {
        "set-cookie": await sessionCookie(READ_TOKEN, Date.now() - SESSION_SECONDS * 1000 - 1),
      },
    }),
  );
  const otherToken = cookieOf(
    new Response(null, {
      headers: { "set-cookie": await sessionCookie("another-token-0123456789", Date.now()) },
    }),
  );
  for (
    const cookie of [
      `${SESSION_COOKIE}=v1.${expires}.${flipped}`,
      expired,
      otherToken,
      `${SESSION_COOKIE}=${READ_TOKEN}`,
    ]
  ) {
    assert.equal((await get("/api/trades?symbol=BTCUSDT", withCookie(cookie))).status, 401, cookie);
  }

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  assert.equal((await get("/api/trades?symbol=BTCUSDT", bearer(READ_TOKEN))).status, 200);
  assert.equal((await get("/metrics", bearer(ADMIN_TOKEN))).status, 200);
  assert.equal((await get("/api/trades?symbol=BTCUSDT", bearer("x".repeat(20)))).status, 401);

  // Signed in, a wrong admin token is the price-rule route's to refuse, in its own words.
  const wrongAdmin = await get("/api/price-rules", {
    method: "POST",
    headers: {
      cookie: session,
      authorization: "Bearer not-the-admin-token-0",
      "content-type": "application/json",
    },
    body: "{}",
  });
  assert.equal(wrongAdmin.status, 401);
  assert.match(await wrongAdmin.text(), /not the dashboard's admin token/);

  const signOut = await get("/sign-out", { method: "POST" });
  assert.equal(signOut.status, 303);
  assert.match(signOut.headers.get("set-cookie")!, new RegExp(`^${SESSION_COOKIE}=; .*Max-Age=0`));
});

Deno.test("a write from another site's page is refused; one from the dashboard's own goes on", async () => {
  await using db = await createTestDatabase();
  const get = appFor({ sql: db.sql, adminToken: ADMIN_TOKEN });
  const post = (headers: Record<string, string>) =>
    get("/api/price-rules", {
      method: "POST",
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        "content-type": "application/json",
        ...headers,
      },
      body: JSON.stringify({ symbol: "BTCUSDT", kind: "crosses", level: "70000", direction: "up" }),
    });
  for (
    const headers of [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "http://dashboard.evil.example" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site", origin: "http://dashboard" },
    ] as Record<string, string>[]
  ) {
    const refused = await post(headers);
    assert.equal(refused.status, 403, JSON.stringify(headers));
    assert.match(await refused.text(), /^cross-origin request refused: /);
  }
  const deleted = await get("/api/price-rules/1", {
    method: "DELETE",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, origin: "https://evil.example" },
  });
  assert.equal(deleted.status, 403);
  assert.equal(
    (await post({ origin: "null", "sec-fetch-site": "same-origin" })).status,
    201,
  );
  assert.equal((await post({})).status, 201, "a client that is no browser sends no Origin");
});

Deno.test("each client address has its requests a second and its streams; past them, 429", async () => {
  await using db = await createTestDatabase();
  const limits = new ClientLimits({ requestsPerSecond: 2, streamsPerClient: 2 });
  const get = appFor({ sql: db.sql, limits });
  for (let i = 0; i < 4; i++) {
    assert.equal((await get("/api/aggregates")).status, 200, `burst ${i}`);
  }
  const limited = await get("/api/aggregates");
  assert.equal(limited.status, 429);
  assert.ok(Number(limited.headers.get("retry-after")) >= 1);
  assert.match(await limited.text(), /^too many requests from 192\.0\.2\.1; retry in \d+ s/);
  assert.equal((await get("/api/aggregates", {}, "192.0.2.2")).status, 200, "another address");

  const streamLimits = new ClientLimits({
    requestsPerSecond: 1_000,
    streamsPerClient: 2,
    maxStreams: 4,
  });
  const open = appFor({ sql: db.sql, limits: streamLimits });
  const first = await open("/api/stream");
  const second = await open("/api/stream");
  assert.deepEqual([first.status, second.status], [200, 200]);
  const third = await open("/api/stream");
  assert.equal(third.status, 429);
  assert.match(await third.text(), /too many live streams from 192\.0\.2\.1 \(2\)/);
  assert.equal((await open("/api/stream", {}, "192.0.2.9")).status, 200, "another address");
  await first.body!.cancel();
  const again = await open("/api/stream");
  assert.equal(again.status, 200, "a closed stream gives its slot back");
  // Four streams in all are the cap: a fifth client is turned away, whoever it is.
  const fourth = await open("/api/stream", {}, "192.0.2.10");
  const capped = await open("/api/stream", {}, "192.0.2.11");
  assert.equal(capped.status, 503);
  assert.equal(capped.headers.get("retry-after"), "10");
  assert.equal(await capped.text(), "too many live streams (4)\n");
  const metrics = await (await open("/metrics")).text();
  assert.match(metrics, /^dashboard_requests_refused_total\{limit="streams"\} 1$/m);
  assert.match(metrics, /^dashboard_requests_refused_total\{limit="requests"\} 0$/m);
  assert.match(metrics, /^dashboard_requests_refused_total\{limit="capacity"\} 1$/m);
  for (const stream of [second, again, fourth]) await stream.body!.cancel();

  // Behind a proxy that is trusted, each forwarded address counts on its own.
  const proxied = appFor({
    sql: db.sql,
    limits: new ClientLimits({ requestsPerSecond: 1, streamsPerClient: 1 }),
    trustForwardedFor: true,
  });
  const from = (address: string) => ({ headers: { "x-forwarded-for": `10.1.1.1, ${address}` } });
  for (const address of ["198.51.100.1", "198.51.100.2"]) {
    assert.equal((await proxied("/api/aggregates", from(address), "10.0.0.1")).status, 200);
    assert.equal((await proxied("/api/aggregates", from(address), "10.0.0.1")).status, 200);
    assert.equal((await proxied("/api/aggregates", from(address), "10.0.0.1")).status, 429);
  }
});
