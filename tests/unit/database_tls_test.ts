import assert from "node:assert/strict";
import { databaseTls } from "../../runtime/database_tls.ts";
import { ConfigError } from "../../runtime/env_reader.ts";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const files = (path: string) => {
  if (path === "/ca.pem") return PEM;
  if (path === "/not-a-cert") return "hello";
  throw new Deno.errors.NotFound(`no such file: ${path}`);
};
const tls = (url: string) => databaseTls(url, files);
const base = "postgres://me:pw@db.example.com:5432/x";

Deno.test("sslmode is libpq's, and the TLS parameters are not sent on to the server", () => {
  assert.deepEqual(tls(base), { url: base, ssl: false });
  assert.deepEqual(tls(`${base}?sslmode=disable`), { url: base, ssl: false });
  assert.deepEqual(tls(`${base}?sslmode=require&application_name=a`), {
    url: `${base}?application_name=a`,
    ssl: "require",
  });
  assert.deepEqual(tls(`${base}?sslmode=prefer`).ssl, "prefer");
});

Deno.test("verify-full checks the host the URL gives, a name or an address", () => {
  assert.deepEqual(tls(`${base}?sslmode=verify-full`).ssl, {
    host: "db.example.com",
    ca: undefined,
  });
  assert.deepEqual(
    tls("postgres://me@127.0.0.1:5432/x?sslmode=verify-full&sslrootcert=/ca.pem").ssl,
    { host: "127.0.0.1", ca: PEM },
  );
  assert.deepEqual(tls("postgres://me@[::1]:5432/x?sslmode=verify-full").ssl, {
    host: "::1",
    ca: undefined,
  });
  assert.deepEqual(tls(`${base}?sslrootcert=system`).ssl, { host: "db.example.com" });
});

Deno.test("verify-ca, or a CA file given, checks the chain and not the name", () => {
  for (
    const query of [
      "sslmode=verify-ca&sslrootcert=/ca.pem",
      "sslmode=require&sslrootcert=/ca.pem",
      "sslrootcert=/ca.pem",
    ]
  ) {
    const { url, ssl } = tls(`${base}?${query}`);
    assert.equal(url, base, query);
    assert.ok(typeof ssl === "object", query);
    assert.equal(ssl.host, "db.example.com");
    assert.equal(ssl.checkServerIdentity?.(), undefined);
  }
  assert.equal((tls(`${base}?sslrootcert=/ca.pem`).ssl as { ca: string }).ca, PEM);
});

Deno.test("a mode, CA file or client certificate that cannot be used names DATABASE_URL", () => {
  const refusals: [string, RegExp][] = [
    ["sslmode=allow", /sslmode "allow" is not one of disable, prefer, require/],
    ["sslmode=verify", /is not one of/],
    ["sslmode=verify-full&sslrootcert=/missing.pem", /sslrootcert "\/missing.pem" cannot be read/],
    ["sslmode=verify-full&sslrootcert=/not-a-cert", /holds no PEM certificate/],
    ["sslmode=require&sslrootcert=system", /sslrootcert=system needs sslmode=verify-full/],
    ["sslmode=verify-ca", /verify-ca needs sslrootcert=<CA file>/],
    ["sslmode=require&sslcert=/c.pem", /sslcert: client certificates are not supported/],
    ["sslkey=/k.pem", /sslkey: client certificates are not supported/],
  ];
  for (const [query, reason] of refusals) {
    assert.throws(() => tls(`${base}?${query}`), (error: unknown) => {
      assert.ok(error instanceof ConfigError, query);
      assert.equal(error.variable, "DATABASE_URL");
      assert.match(error.message, reason, query);
      return true;
    });
  }
});
