/**
 * Prometheus metrics with prom-client: a registry per process whose counters and gauges are read
 * from the component's own figures at scrape time (nothing is counted twice), and the
 * `METRICS_PORT` server that producer and consumer expose them on.
 */
import client from "prom-client";
import type { Logger } from "./log.ts";
import { ConfigError } from "./env_reader.ts";
import { type Stoppable, stoppable } from "./stoppable.ts";

/** The metrics of one process. */
export type Registry = client.Registry;

/** A new, empty registry. */
export function createRegistry(): Registry {
  return new client.Registry();
}

/**
 * A plain number for a metric without labels; values by label value for one with `label`; or
 * samples with their labels, for one with `labels`.
 */
export type Reading = number | Map<string, number> | [Record<string, string>, number][];

/** Options of {@link counterFrom} and {@link gaugeFrom}. */
export interface ReadOptions {
  name: string;
  help: string;
  /** The one label a {@link Reading} map is keyed by. */
  label?: string;
  /** The labels of a {@link Reading} given as samples. */
  labels?: string[];
  read: () => Reading | Promise<Reading>;
}

/** A counter whose total `read` returns at each scrape. */
export function counterFrom(registry: Registry, options: ReadOptions): void {
  new client.Counter({
    ...definition(registry, options),
    async collect() {
      for (const [labels, value] of await readFresh(this, options)) this.inc(labels, value);
    },
  });
}

/** A gauge whose value `read` returns at each scrape. */
export function gaugeFrom(registry: Registry, options: ReadOptions): void {
  new client.Gauge({
    ...definition(registry, options),
    async collect() {
      for (const [labels, value] of await readFresh(this, options)) this.set(labels, value);
    },
  });
}

/** Defines a metric read at scrape time: its name, help, reader and, for labelled ones, labels. */
export type MetricDefiner = (
  name: string,
  help: string,
  read: () => Reading | Promise<Reading>,
  /** The label a map reading is keyed by, or the labels of a reading given as samples. */
  labels?: string | string[],
) => void;

/**
 * Counters and gauges on `registry`, each named `prefix` + its name: the one way every
 * component defines its metrics, `counter("trades_total", "Trades.", () => n)`.
 */
export function metricsOn(
  registry: Registry,
  prefix = "",
): { counter: MetricDefiner; gauge: MetricDefiner } {
  const options = (...[name, help, read, labels]: Parameters<MetricDefiner>): ReadOptions => ({
    name: prefix + name,
    help,
    read,
    ...(Array.isArray(labels) ? { labels } : { label: labels }),
  });
  return {
    counter: (...args) => counterFrom(registry, options(...args)),
    gauge: (...args) => gaugeFrom(registry, options(...args)),
  };
}

/** The name, help, label names and registry of a metric read from `options`. */
function definition(registry: Registry, { name, help, label, labels }: ReadOptions) {
  return { name, help, labelNames: labels ?? (label ? [label] : []), registers: [registry] };
}

/** Reads `options` and clears `metric`, so the samples replace the last scrape's. */
async function readFresh(
  metric: { reset(): void },
  options: ReadOptions,
): Promise<[Record<string, string>, number][]> {
  const reading = await options.read();
  metric.reset();
  return entries(reading, options.label);
}

/** A histogram of seconds, observed by the component as things happen, by `labelNames`. */
export function secondsHistogram(
  registry: Registry,
  name: string,
  help: string,
  buckets: number[],
  labelNames: string[] = [],
): client.Histogram {
  return new client.Histogram({ name, help, buckets, labelNames, registers: [registry] });
}

/** One registry holding the metrics of all of `registries`, whose names must differ. */
export function mergeRegistries(registries: Registry[]): Registry {
  return client.Registry.merge(registries) as Registry;
}

/** The registry's metrics as plain data, to be sent to another thread and summed there. */
export function registryData(registry: Registry): Promise<object[]> {
  return registry.getMetricsAsJSON();
}

/**
 * One registry of the sums of several threads' {@link registryData}: counters and histograms
 * added sample by sample, as prom-client adds a cluster's workers.
 */
export function summedRegistry(data: object[][]): Registry {
  return client.AggregatorRegistry.aggregate(
    data as Parameters<typeof client.AggregatorRegistry.aggregate>[0],
  ) as Registry;
}

function entries(reading: Reading, label?: string): [Record<string, string>, number][] {
  if (typeof reading === "number") return [[{}, reading]];
  if (Array.isArray(reading)) return reading;
  return [...reading].map(([value, n]) => [{ [label!]: value }, n]);
}

/** The registry's text in Prometheus' exposition format, with its content type. */
export async function metricsResponse(registry: Registry): Promise<Response> {
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType },
  });
}

/**
 * Serves `registry` on `GET /metrics` at `port`, all interfaces; does nothing when `port` is
 * undefined (`METRICS_PORT` unset).
 */
export function serveMetrics(
  registry: Registry,
  port: number | undefined,
  log: Logger,
): Stoppable {
  if (port === undefined) return stoppable(() => {});
  let server: Deno.HttpServer;
  try {
    server = serve(registry, port, log);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new ConfigError("METRICS_PORT", `port ${port} is already in use`);
    }
    throw error;
  }
  return stoppable(() => server.shutdown());
}

function serve(registry: Registry, port: number, log: Logger): Deno.HttpServer {
  return Deno.serve({
    port,
    onListen: () => log.info("metrics served", { url: `http://localhost:${port}/metrics` }),
  }, (request) => {
    const { pathname } = new URL(request.url);
    if (pathname !== "/metrics") return new Response("not found\n", { status: 404 });
    if (request.method !== "GET") return new Response("only GET\n", { status: 405 });
    return metricsResponse(registry);
  });
}
