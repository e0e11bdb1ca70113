import assert from "node:assert/strict";
import { unrecoverableKind } from "../../runtime/unrecoverable.ts";

Deno.test("a certificate the client refuses is a failure no retry mends; a reset is not", () => {
  const tlsError = (code: string) => Object.assign(new Error(code), { code });
  assert.equal(unrecoverableKind(tlsError("UNABLE_TO_VERIFY_LEAF_SIGNATURE")), "configuration");
  assert.equal(unrecoverableKind(tlsError("ERR_TLS_CERT_ALTNAME_INVALID")), "configuration");
  assert.equal(unrecoverableKind(tlsError("CERT_HAS_EXPIRED")), "configuration");
  assert.equal(unrecoverableKind(tlsError("ECONNRESET")), undefined);
  assert.equal(unrecoverableKind(tlsError("ECONNREFUSED")), undefined);
});

Deno.test("a refused SASL password is credentials, a mechanism the broker lacks configuration", () => {
  const sasl = (message: string) =>
    Object.assign(new Error(message), { name: "KafkaJSSASLAuthenticationError" });
  assert.equal(
    unrecoverableKind(sasl(
      "SASL SCRAM SHA256 authentication failed: Authentication failed during authentication due " +
        "to invalid credentials with SASL mechanism SCRAM-SHA-256",
    )),
    "credentials",
  );
  assert.equal(unrecoverableKind(sasl("SASL Plain: Invalid username or password")), "credentials");
  assert.equal(
    unrecoverableKind(sasl("SASL SCRAM-SHA-512 mechanism is not supported by the server")),
    "configuration",
  );
});
