/** Structured JSON logging: one object per line on stderr, filtered by `LOG_LEVEL`. */

/** The levels `LOG_LEVEL` accepts, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** A logger bound to a component name; fields are merged into each line. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * Makes a logger for `component` that writes lines at `level` or above.
 * Errors in fields are reduced to their message and code so a line stays one line.
 */
export function createLogger(component: string, level: LogLevel = "info"): Logger {
  const min = LOG_LEVELS.indexOf(level);
  const write = (at: LogLevel) => (msg: string, fields: Record<string, unknown> = {}) => {
    if (LOG_LEVELS.indexOf(at) < min) return;
    const line = { ts: new Date().toISOString(), level: at, component, msg, ...fields };
    console.error(JSON.stringify(line, errorsAsMessages));
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

function errorsAsMessages(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    // A stable code (a SQLSTATE, a Node error code) says more than the message alone.
    const code = (value as { code?: unknown }).code;
    return typeof code === "string" ? `${value.message} (${code})` : value.message;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
