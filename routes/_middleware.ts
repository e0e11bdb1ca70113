/**
 * Cross-cutting work for every request: the gate (rate, origin, read access), security
 * headers, errors as one-line answers, and the time each route takes.
 */
import type { Handler } from "../fresh/compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import { BadRequest } from "../web/api_params.ts";
import { clientAddress, gateRequest } from "../web/request_gate.ts";

// No inline script may run: islands load from /static as modules.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Answers bad input with a 400 (or its own 4xx), hides internal errors behind a 500, sets the
 * headers and times the route.
 */
export const handler: Handler<DashboardState> = async (request, ctx) => {
  const started = performance.now();
  let response: Response;
  try {
    const client = clientAddress(request, ctx.info?.remoteAddr, ctx.state.trustForwardedFor);
    response = await gateRequest(request, ctx.url, client, ctx.state) ?? await ctx.next();
  } catch (error) {
    if (error instanceof BadRequest) {
      response = new Response(`${error.message}\n`, { status: error.status });
    } else {
      ctx.state.log.error("request failed", { path: ctx.url.pathname, error });
      response = new Response("internal error\n", { status: 500 });
    }
  }
  const headers = new Headers(response.headers);
  headers.set("content-security-policy", CONTENT_SECURITY_POLICY);
  headers.set("x-content-type-options", "nosniff");
  // No address goes to another site; a form posted to this one carries its real `Origin`
  // (with `no-referrer`, browsers send `Origin: null`).
  headers.set("referrer-policy", "same-origin");
  headers.set("x-frame-options", "DENY");
  if (!headers.has("content-type")) headers.set("content-type", "text/plain; charset=utf-8");
  ctx.state.timing?.observe(ctx.route ?? "none", (performance.now() - started) / 1000);
  return new Response(response.body, { status: response.status, headers });
};
