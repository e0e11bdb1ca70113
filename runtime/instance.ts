/** This process's name among instances of the same component: `$HOSTNAME:pid`. */
export function instanceName(): string {
  return `${Deno.env.get("HOSTNAME") ?? "localhost"}:${Deno.pid}`;
}
