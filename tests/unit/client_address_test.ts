import assert from "node:assert/strict";
import { clientAddress } from "../../web/request_gate.ts";

const peer = (hostname: string) => ({ transport: "tcp" as const, hostname, port: 40_000 });

Deno.test("a client is its IPv4 address, or its IPv6 /64 network", () => {
  const request = new Request("http://dashboard/");
  const cases: [string, string][] = [
    ["192.0.2.1", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["::1", "0:0:0:0::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8::1:2:3:4:5", "2001:db8:0:1::/64"],
    ["2001:0db8:0000:0001:ffff:3:4:5", "2001:db8:0:1::/64"],
  ];
  for (const [address, client] of cases) {
    assert.equal(clientAddress(request, peer(address)), client, address);
  }
  assert.equal(clientAddress(request, undefined), undefined);
});

Deno.test("behind a trusted proxy, the last forwarded address, without a port", () => {
  const forwarded = (value: string) =>
    new Request("http://dashboard/", { headers: { "x-forwarded-for": value } });
  assert.equal(
    clientAddress(forwarded("203.0.113.9, 198.51.100.7:5555"), peer("10.0.0.1"), true),
    "198.51.100.7",
  );
  assert.equal(
    clientAddress(forwarded("[2001:db8::7]:443"), peer("10.0.0.1"), true),
    "2001:db8:0:0::/64",
  );
  assert.equal(clientAddress(forwarded("198.51.100.7"), peer("10.0.0.1"), false), "10.0.0.1");
});
