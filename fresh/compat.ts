/**
 * Fresh's shape without the Fresh package (JSR is out of reach here): route modules export a
 * `handler` and a default page, `routes/_app.tsx` is the layout and `routes/_middleware.ts` wraps
 * every request. This module alone maps that onto Hono and preact-render-to-string, so moving to
 * Fresh later is a swap of this file and the manifest.
 */
import { Hono } from "hono";
import { serveStatic } from "hono/deno";
import { fileURLToPath } from "node:url";
import { renderToString } from "preact-render-to-string";
import { type ComponentType, Fragment, h, type VNode } from "preact";

/** What a page component receives. */
export interface PageProps<Data = unknown> {
  data: Data;
  url: URL;
  params: Record<string, string>;
}

/** What a handler or middleware receives besides the request. */
export interface RouteContext<State> {
  url: URL;
  /** The matched route's pattern (`/api/price-rules/:id`, `/static/*`), null when none matched. */
  route: string | null;
  params: Record<string, string>;
  state: State;
  /** The connection's addresses, as `Deno.serve` gives them; absent for a request made in-process. */
  info?: Deno.ServeHandlerInfo;
  /** Renders the route's page inside `_app` with `data`, as a 200 HTML response by default. */
  render(data?: unknown, init?: ResponseInit): Response;
  /** In middleware: runs the rest of the chain. */
  next(): Promise<Response>;
}

/** A request handler in Fresh's form. */
export type Handler<State> = (
  request: Request,
  context: RouteContext<State>,
) => Response | Promise<Response>;

/** The HTTP methods a route module may handle one by one. */
export type Method = "GET" | "POST" | "DELETE" | "HEAD";

/** A route module: `handler` (one function, or one per method) and an optional page. */
export interface RouteModule<State> {
  handler?: Handler<State> | Partial<Record<Method, Handler<State>>>;
  // deno-lint-ignore no-explicit-any
  default?: ComponentType<PageProps<any>>;
}

/** The routes, like Fresh's generated manifest: file path under `routes/` → module. */
export interface Manifest<State> {
  routes: Record<string, RouteModule<State>>;
  app: ComponentType<{ Component: ComponentType }>;
  middleware?: Handler<State>;
}

/** `api/trades.ts` → `/api/trades`, `index.tsx` → `/`, `[id].tsx` → `/:id`. */
export function routePath(file: string): string {
  const path = file.replace(/\.(tsx?|jsx?)$/, "").replace(/(^|\/)index$/, "")
    .replace(/\[(\w+)\]/g, ":$1");
  return `/${path}`;
}

/** Where `/static/*` files come from, like Fresh's `static/` folder. */
export interface AppOptions {
  staticDir?: URL;
}

/** Builds the app: every route of `manifest`, with `state` handed to each handler. */
export function createApp<State>(
  manifest: Manifest<State>,
  state: State,
  options: AppOptions = {},
): Hono {
  const app = new Hono();
  // Runs `route` behind the middleware, as Fresh runs `_middleware.ts` around every route.
  const serve = (
    c: { req: { raw: Request }; env: unknown },
    pattern: string | null,
    params: Record<string, string>,
    route: RouteRunner<State>,
  ) => {
    const request = c.req.raw;
    const url = new URL(request.url);
    // `Deno.serve(app.fetch)` hands Hono the connection's info as its environment.
    const info = isServeInfo(c.env) ? c.env : undefined;
    const context = (next: () => Promise<Response>): RouteContext<State> => ({
      url,
      route: pattern,
      params,
      state,
      info,
      render: () => {
        throw new Error(`${url.pathname} has no page to render`);
      },
      next,
    });
    const run = () => Promise.resolve(route(request, context(() => notFound(url.pathname))));
    return manifest.middleware ? manifest.middleware(request, context(run)) : run();
  };
  if (options.staticDir) {
    // Hono's own file server; it refuses `..`, doubled slashes and percent-encoded paths.
    const files = serveStatic({
      root: fileURLToPath(options.staticDir),
      rewriteRequestPath: (path) => path.slice("/static".length),
    });
    app.get(
      "/static/*",
      (c) =>
        serve(
          c,
          "/static/*",
          {},
          async () =>
            (await files(c, () => Promise.resolve())) ?? notFound(new URL(c.req.url).pathname),
        ),
    );
  }
  for (const [file, module] of Object.entries(manifest.routes)) {
    const pattern = routePath(file);
    app.all(pattern, (c) => {
      const params = c.req.param() as Record<string, string>;
      return serve(c, pattern, params, (request, ctx) => {
        const render = (data?: unknown, init?: ResponseInit) => {
          const Page = module.default;
          if (!Page) throw new Error(`${file} has no page to render`);
          const Component = () => h(Page, { data, url: ctx.url, params });
          const html = "<!DOCTYPE html>" + renderToString(h(manifest.app, { Component }));
          const headers = new Headers(init?.headers);
          headers.set("content-type", "text/html; charset=utf-8");
          return new Response(html, { ...init, headers });
        };
        const handler = handlerFor(module, request.method, render);
        if (!handler) return new Response("method not allowed\n", { status: 405 });
        if (request.method !== "HEAD" || hasOwnHead(module)) {
          return handler(request, { ...ctx, render });
        }
        // HEAD is GET without the body, as HTTP (and Fresh) has it.
        return Promise.resolve(handler(request, { ...ctx, render })).then((response) => {
          response.body?.cancel();
          return new Response(null, { status: response.status, headers: response.headers });
        });
      });
    });
  }
  app.notFound((c) => serve(c, null, {}, () => notFound(new URL(c.req.url).pathname)));
  return app;
}

/** The handler of `module` for `method`: its own, GET's for HEAD, or the page for GET. */
function handlerFor<State>(
  module: RouteModule<State>,
  method: string,
  render: () => Response,
): Handler<State> | undefined {
  if (typeof module.handler === "function") return module.handler;
  const handlers = module.handler ?? { GET: () => render() };
  const own = handlers[method as keyof typeof handlers];
  return own ?? (method === "HEAD" ? handlers.GET : undefined);
}

function hasOwnHead<State>(module: RouteModule<State>): boolean {
  return typeof module.handler === "object" && module.handler.HEAD !== undefined;
}

type RouteRunner<State> = (
  request: Request,
  context: RouteContext<State>,
) => Response | Promise<Response>;

function isServeInfo(env: unknown): env is Deno.ServeHandlerInfo {
  return typeof env === "object" && env !== null && "remoteAddr" in env;
}

/** A 404 naming the path as the URL has it: percent-encoded, so without control characters. */
function notFound(path: string): Promise<Response> {
  return Promise.resolve(new Response(`not found: ${path}\n`, { status: 404 }));
}

/**
 * Server side of an island: its markup, rendered now, and its props as JSON beside it, which
 * `hydrateIslands` (`hydrate.ts`) reads in the browser. Props must be plain JSON.
 */
export function island<Props>(
  name: string,
  Component: ComponentType<Props>,
  props: Props,
): VNode {
  // "<" escaped, so no prop value can close the script element early.
  const json = JSON.stringify(props).replaceAll("<", "\\u003c");
  return h(Fragment, null, [
    h("script", {
      type: "application/json",
      "data-island-props": name,
      dangerouslySetInnerHTML: { __html: json },
    }),
    h("div", { "data-island": name }, h(Component as ComponentType, props as object)),
  ]);
}
