/**
 * Which failures no retry can mend. Outages (a broker or database restarting, a network
 * partition, a lost group membership) are waited out; refused credentials, missing permissions
 * and wrong configuration are not, because waiting would only hide them.
 */

/** Why a component cannot go on by itself. */
export type UnrecoverableKind = "credentials" | "permissions" | "configuration";

const PHRASES: Record<UnrecoverableKind, string> = {
  credentials: "the credentials were refused",
  permissions: "permission denied",
  configuration: "the configuration is wrong",
};

/**
 * A failure no retry can mend: `kind` says which of the three, `service` whose answer it was
 * ("kafka", "database"), `cause` is the original error. The message says all three.
 */
export class UnrecoverableError extends Error {
  readonly code = "UNRECOVERABLE";
  constructor(readonly kind: UnrecoverableKind, readonly service: string, cause: unknown) {
    super(`${service}: ${PHRASES[kind]}: ${messageOf(cause)}`, { cause });
    this.name = "UnrecoverableError";
  }
}

// kafkajs' protocol error types (Kafka's error codes by name).
const KAFKA_TYPES: Record<string, UnrecoverableKind> = {
  SASL_AUTHENTICATION_FAILED: "credentials",
  TOPIC_AUTHORIZATION_FAILED: "permissions",
  GROUP_AUTHORIZATION_FAILED: "permissions",
  CLUSTER_AUTHORIZATION_FAILED: "permissions",
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: "permissions",
  DELEGATION_TOKEN_AUTHORIZATION_FAILED: "permissions",
  POLICY_VIOLATION: "permissions",
  UNSUPPORTED_SASL_MECHANISM: "configuration",
  ILLEGAL_SASL_STATE: "configuration",
  INVALID_SESSION_TIMEOUT: "configuration",
  INVALID_GROUP_ID: "configuration",
  INVALID_TOPIC_EXCEPTION: "configuration",
};

// PostgreSQL's SQLSTATE codes, and the schema check of db/migrations.ts.
const POSTGRES_CODES: Record<string, UnrecoverableKind> = {
  "28P01": "credentials", // invalid_password
  "28000": "credentials", // invalid_authorization_specification: no such role, pg_hba refusal
  "42501": "permissions", // insufficient_privilege
  "3D000": "configuration", // invalid_catalog_name: the database does not exist
  "42P01": "configuration", // undefined_table: the schema is missing
  SCHEMA_BEHIND: "configuration",
  SASL_SIGNATURE_MISMATCH: "credentials",
  AUTH_TYPE_NOT_IMPLEMENTED: "configuration",
};

// Certificate checks of a TLS connection (Node's codes, as Deno's node:tls gives them): the
// server's certificate is from a CA not given, names another host, or is out of date. The
// error's own message says which; the CA or host to use is the configuration's to mend.
const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * What kind of unrecoverable failure `error` is, looking through its causes; undefined when
 * a retry may succeed (outages, timeouts, rebalances, anything unknown).
 */
export function unrecoverableKind(error: unknown): UnrecoverableKind | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 10; depth++) {
    const { name, type, code, message } = e as Record<string, unknown>;
    if (e instanceof UnrecoverableError) return e.kind;
    if (name === "KafkaJSSASLAuthenticationError") {
      // "SASL X mechanism is not supported by the server"; a refused password's message names
      // its mechanism too ("invalid credentials with SASL mechanism SCRAM-SHA-256").
      return /mechanism is not supported/i.test(String(message)) ? "configuration" : "credentials";
    }
    if (typeof type === "string" && type in KAFKA_TYPES) return KAFKA_TYPES[type];
    if (typeof code === "string" && code in POSTGRES_CODES) return POSTGRES_CODES[code];
    if (typeof code === "string" && TLS_CODES.has(code)) return "configuration";
    const next = e as { cause?: unknown; originalError?: unknown };
    e = next.cause ?? next.originalError;
  }
  return undefined;
}

/**
 * `error` as an {@link UnrecoverableError} naming `service` when no retry can mend it, else
 * undefined.
 */
export function asUnrecoverable(error: unknown, service: string): UnrecoverableError | undefined {
  if (error instanceof UnrecoverableError) return error;
  const kind = unrecoverableKind(error);
  return kind ? new UnrecoverableError(kind, service, error) : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
