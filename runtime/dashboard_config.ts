/**
 * The dashboard's own settings: port, tokens, per-client limits, and how its live stream is
 * served (frame, workers, stream cap). See `config.ts` for the rest.
 */
import { ConfigError, type EnvReader } from "./env_reader.ts";

/** The dashboard's settings besides the database and the common ones. */
export interface DashboardSettings {
  port: number;
  /** Set by `deno task start` when it fell back to the simulator: the dashboard says so. */
  feedSimulated: boolean;
  /**
   * The token that lets a request create or delete price rules; undefined (the default)
   * leaves the dashboard read-only.
   */
  dashboardAdminToken?: string;
  /** The token that reading needs (page, APIs, stream); undefined (the default): public. */
  dashboardReadToken?: string;
  /** Requests a second one client address may send (twice as many at once). */
  dashboardRequestsPerSecond: number;
  /** Live streams one client address may hold open at once. */
  dashboardStreamsPerClient: number;
  /** Whether the client's address is the last of `X-Forwarded-For` (behind a proxy). */
  dashboardTrustForwardedFor: boolean;
  /** Milliseconds live events wait to share one write (the frame); 0 sends each burst alone. */
  dashboardFrameMs: number;
  /** Threads serving requests and streams on the one port; 1 serves from the main thread. */
  dashboardWorkers: number;
  /** Live streams the dashboard serves at once, over all workers; more get a 503. */
  dashboardMaxStreams: number;
}

/** Fewest characters a token may have: a short one is guessed. */
const MIN_TOKEN_LENGTH = 16;

/**
 * Workers when `DASHBOARD_WORKERS` is unset: one per core but one, which PostgreSQL and the
 * pipeline need on the same machine (on 2 cores, two workers starved them: see
 * `bench/RESULTS.md`); one where workers cannot share a port: on Deno Deploy
 * (`DENO_DEPLOYMENT_ID` set), which runs one isolate per instance, and off Linux, whose
 * `SO_REUSEPORT` alone spreads connections among the sockets sharing a port.
 */
export function defaultDashboardWorkers(cores: number, sharesPorts: boolean): number {
  return sharesPorts ? Math.max(1, cores - 1) : 1;
}

/** The dashboard's settings from `read`. */
export function dashboardSettings(read: EnvReader): DashboardSettings {
  const adminToken = secretToken(read, "DASHBOARD_ADMIN_TOKEN");
  const readToken = secretToken(read, "DASHBOARD_READ_TOKEN");
  if (readToken !== undefined && readToken === adminToken) {
    throw new ConfigError("DASHBOARD_READ_TOKEN", "is the admin token: give readers another");
  }
  const sharesPorts = Deno.build.os === "linux" && read.text("DENO_DEPLOYMENT_ID") === undefined;
  const workers = read.int("DASHBOARD_WORKERS", {
    default: defaultDashboardWorkers(navigator.hardwareConcurrency, sharesPorts),
    min: 1,
    max: 64,
  });
  if (workers > 1 && !sharesPorts) {
    throw new ConfigError(
      "DASHBOARD_WORKERS",
      "more than 1 needs Linux, whose SO_REUSEPORT spreads connections over the workers, " +
        "and not Deno Deploy, which runs one isolate",
    );
  }
  return {
    port: read.int("PORT", { default: 8000, min: 1, max: 65_535 }),
    feedSimulated: read.bool("FEED_SIMULATED", false),
    dashboardAdminToken: adminToken,
    dashboardReadToken: readToken,
    dashboardRequestsPerSecond: read.int("DASHBOARD_REQUESTS_PER_SECOND", {
      default: 20,
      min: 1,
      max: 100_000,
    }),
    dashboardStreamsPerClient: read.int("DASHBOARD_STREAMS_PER_CLIENT", {
      default: 10,
      min: 1,
      max: 10_000,
    }),
    dashboardTrustForwardedFor: read.bool("DASHBOARD_TRUST_FORWARDED_FOR", false),
    dashboardFrameMs: read.int("DASHBOARD_FRAME_MS", { default: 5, min: 0, max: 1_000 }),
    dashboardWorkers: workers,
    dashboardMaxStreams: read.int("DASHBOARD_MAX_STREAMS", {
      default: 10_000,
      min: 1,
      max: 1_000_000,
    }),
  };
}

/** A token of at least {@link MIN_TOKEN_LENGTH} printable characters without spaces, or unset. */
function secretToken(read: EnvReader, name: string): string | undefined {
  const token = read.text(name);
  if (token !== undefined && (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token))) {
    throw new ConfigError(
      name,
      `is not ${MIN_TOKEN_LENGTH} or more printable characters without spaces ` +
        "(openssl rand -hex 24 makes one)",
    );
  }
  return token;
}
