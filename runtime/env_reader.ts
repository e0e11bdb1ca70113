/**
 * Reading settings from the environment or the command line, each named once with its default
 * and bounds: `env.int("PORT", { default: 8000, min: 1, max: 65_535 })`. A value that cannot be
 * used throws a {@link ConfigError} naming the variable or flag and saying why.
 */
import { SYMBOL_PATTERN } from "../domain/trade_event.ts";
import type { RetentionDays } from "../domain/retention.ts";

/** A setting that cannot be used; `variable` names the environment variable or flag. */
export class ConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  constructor(readonly variable: string, reason: string) {
    super(`${variable}: ${reason}`);
    this.name = "ConfigError";
  }
}

/** Bounds of a whole number, with the value an unset one takes. */
export interface IntOptions<D extends number | undefined> {
  default: D;
  min: number;
  max: number;
}

/** The settings of one source, read by name. Unset and blank values are the same. */
export interface EnvReader {
  /** The trimmed text; undefined when unset. */
  text(name: string): string | undefined;
  /** A whole number from `min` to `max`. */
  int<D extends number | undefined>(name: string, options: IntOptions<D>): number | D;
  /** A number, fractions allowed, above `above` when given. */
  number<D extends number | undefined>(
    name: string,
    options: { default: D; above?: number },
  ): number | D;
  /** `true`/`1`/`yes` or `false`/`0`/`no`, any case. */
  bool(name: string, fallback: boolean): boolean;
  /** One of `allowed`, any case. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  /** A URL with one of `schemes` (such as `"https:"`), without trailing slashes. */
  url<D extends string | undefined>(name: string, schemes: string[], fallback: D): string | D;
  /** A comma-separated list of symbols, upper-cased, without repeats, 1 to 1024 of them. */
  symbols(name: string, fallback: string): string[];
  /** Whole days from 1 to 36,500, or `forever` (undefined). */
  days(name: string, fallback: RetentionDays): RetentionDays;
  /** Bytes, or a number with a unit such as `10GB` or `512MiB`. */
  bytes(name: string): number | undefined;
}

/**
 * Reads `source` (environment variables, or parsed flags); `label` turns a name into what an
 * error calls it, such as `--${name}` for flags.
 */
export function envReader(
  source: Record<string, string | undefined>,
  label: (name: string) => string = (name) => name,
): EnvReader {
  const text = (name: string) => {
    const value = source[name]?.trim();
    return value === "" ? undefined : value;
  };
  const fail = (name: string, reason: string): never => {
    throw new ConfigError(label(name), reason);
  };
  return {
    text,
    int(name, { default: fallback, min, max }) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < min || value > max) {
        fail(name, `"${raw}" is not a whole number from ${min} to ${max}`);
      }
      return value;
    },
    number(name, { default: fallback, above }) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!Number.isFinite(value)) fail(name, `"${raw}" is not a number`);
      if (above !== undefined && value <= above) {
        fail(name, `"${raw}" is not a number above ${above}`);
      }
      return value;
    },
    bool(name, fallback) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      const value = raw.toLowerCase();
      if (["true", "1", "yes"].includes(value)) return true;
      if (["false", "0", "no"].includes(value)) return false;
      return fail(name, `"${raw}" is not true or false`);
    },
    oneOf(name, allowed, fallback) {
      const value = text(name)?.toLowerCase() ?? fallback;
      if (!(allowed as readonly string[]).includes(value)) {
        fail(name, `"${value}" is not one of ${allowed.join(", ")}`);
      }
      return value as typeof fallback;
    },
    url(name, schemes, fallback) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      let url: URL | undefined;
      try {
        url = new URL(raw);
      } catch {
        fail(name, `"${redactUrl(raw)}" is not a URL`);
      }
      if (!schemes.includes(url!.protocol)) {
        fail(name, `scheme "${url!.protocol}" is not ${schemes.join(" or ")}`);
      }
      return raw.replace(/\/+$/, "");
    },
    symbols(name, fallback) {
      const raw = text(name) ?? fallback;
      const list = [...new Set(raw.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean))];
      if (list.length === 0) fail(name, "no symbol given");
      if (list.length > 1024) fail(name, "at most 1024 symbols per connection");
      const bad = list.find((s) => !SYMBOL_PATTERN.test(s));
      if (bad) fail(name, `"${bad}" is not a symbol like BTCUSDT`);
      return list;
    },
    days(name, fallback) {
      const raw = text(name);
      if (raw === undefined) return fallback;
      if (raw.toLowerCase() === "forever") return undefined;
      if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 36_500) {
        fail(name, `"${raw}" is neither a whole number of days from 1 to 36500 nor forever`);
      }
      return Number(raw);
    },
    bytes(name) {
      const raw = text(name);
      if (raw === undefined) return undefined;
      const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw);
      const unit = BYTE_UNITS[match?.[2].toLowerCase() ?? "?"];
      if (!match || unit === undefined || Number(match[1]) <= 0) {
        fail(name, `"${raw}" is not a size such as 10737418240, 10GB or 10GiB`);
      }
      return Math.round(Number(match![1]) * unit);
    },
  };
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * The PEM certificates in the file at `path`, read with `readFile`; a file that cannot be read
 * or holds no certificate throws a {@link ConfigError} on `variable`, `what` naming the setting.
 */
export function readCertificates(
  variable: string,
  what: string,
  path: string,
  readFile: (path: string) => string = Deno.readTextFileSync,
): string {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ConfigError(
      variable,
      `${what} "${path}" cannot be read: ${(error as Error).message}`,
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(variable, `${what} "${path}" holds no PEM certificate`);
  }
  return text;
}

/** A URL with its password replaced, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***");
    return parsed.toString().replace("password=%2A%2A%2A", "password=***");
  } catch {
    return "<unparseable url>";
  }
}
