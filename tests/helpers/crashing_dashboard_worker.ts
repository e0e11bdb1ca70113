/**
 * The dashboard's worker, but one that dies when asked `GET /crash`, as a bug in a route would
 * end it: for the test of a worker's death. Its requests are otherwise the real worker's.
 */
import "../../dashboard_worker.ts";

const serve = Deno.serve;
Object.defineProperty(Deno, "serve", {
  value: (options: Deno.ServeTcpOptions, handler: Deno.ServeHandler) =>
    serve(options, (request, info) => {
      if (new URL(request.url).pathname === "/crash") {
        setTimeout(() => {
          throw new Error("this worker was asked to crash");
        });
      }
      return handler(request, info);
    }),
});
