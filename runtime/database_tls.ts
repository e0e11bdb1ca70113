/**
 * TLS to PostgreSQL as libpq's `sslmode` and `sslrootcert` in a `DATABASE_URL` ask, turned into
 * postgres.js' `ssl` option. postgres.js reads `sslmode=verify-full` itself, but then checks an
 * IP address (`127.0.0.1`) against the name "localhost" and knows no `sslrootcert` file; here
 * the certificate is checked against the host the URL names, name or address, and a CA file is
 * read. A wrong mode, a missing CA file or a client certificate (not supported) is a
 * {@link ConfigError} on `DATABASE_URL`, found at start.
 */
import { ConfigError, readCertificates } from "./env_reader.ts";

/** libpq's modes that postgres.js can honour; `allow` (plain first, TLS second) it cannot. */
export const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full"] as const;

/** What postgres.js' `ssl` option is given: off, a mode, or options for `tls.connect`. */
export type DatabaseSsl = false | "prefer" | "require" | VerifiedTls;

/** `tls.connect` options that check the server's certificate. */
export interface VerifiedTls {
  /** The host the certificate must name (a name or an IP address, without brackets). */
  host: string;
  /** The CA certificates (PEM) of `sslrootcert`; the system's when undefined. */
  ca?: string;
  /** For `verify-ca`: the certificate's chain is checked, not the name in it. */
  checkServerIdentity?: () => undefined;
}

/** A URL without the TLS parameters postgres.js must not see, and the `ssl` option to give. */
export interface DatabaseTls {
  url: string;
  ssl: DatabaseSsl;
}

/** libpq parameters for client certificates: refused rather than sent on to the server. */
const CLIENT_CERTIFICATE_PARAMETERS = ["sslcert", "sslkey", "sslpassword", "sslcrl", "sslcrldir"];

/**
 * Reads `sslmode` and `sslrootcert` from `url`. As in libpq, `sslrootcert=system` means the
 * system's CAs and implies `verify-full`; a CA file given makes `require` (or no mode)
 * `verify-ca`, so a CA given is a CA checked. Without either, no TLS, as postgres.js does.
 */
export function databaseTls(
  url: string,
  readFile: (path: string) => string = Deno.readTextFileSync,
): DatabaseTls {
  const parsed = new URL(url);
  const params = parsed.searchParams;
  const refused = CLIENT_CERTIFICATE_PARAMETERS.find((name) => params.has(name));
  if (refused) {
    throw new ConfigError("DATABASE_URL", `${refused}: client certificates are not supported`);
  }
  const mode = sslMode(params.get("sslmode") ?? undefined);
  const rootCert = params.get("sslrootcert") ?? undefined;
  params.delete("sslmode");
  params.delete("sslrootcert");
  const rest = parsed.toString();
  if (mode === "disable") return { url: rest, ssl: false };
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (rootCert === "system") {
    if (mode !== undefined && mode !== "verify-full") {
      throw new ConfigError("DATABASE_URL", "sslrootcert=system needs sslmode=verify-full");
    }
    return { url: rest, ssl: { host } };
  }
  const ca = rootCert === undefined
    ? undefined
    : readCertificates("DATABASE_URL", "sslrootcert", rootCert, readFile);
  if (mode === "verify-full") return { url: rest, ssl: { host, ca } };
  // Any public CA signs a certificate for some name: a chain checked against them all, and no
  // name, proves nothing (libpq too wants a root certificate here).
  if (mode === "verify-ca" && ca === undefined) {
    throw new ConfigError(
      "DATABASE_URL",
      "sslmode=verify-ca needs sslrootcert=<CA file>; with the system's CAs use verify-full",
    );
  }
  if (mode === "verify-ca" || ca !== undefined) {
    return { url: rest, ssl: { host, ca, checkServerIdentity: () => undefined } };
  }
  return { url: rest, ssl: mode ?? false };
}

function sslMode(mode: string | undefined): (typeof SSL_MODES)[number] | undefined {
  if (mode === undefined || (SSL_MODES as readonly string[]).includes(mode)) {
    return mode as (typeof SSL_MODES)[number] | undefined;
  }
  throw new ConfigError("DATABASE_URL", `sslmode "${mode}" is not one of ${SSL_MODES.join(", ")}`);
}
