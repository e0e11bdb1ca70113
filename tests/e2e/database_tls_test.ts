/**
 * PostgreSQL over TLS, as a managed service (Neon) demands it: a throwaway server that accepts
 * only TLS with a password. `sslmode=require` and `verify-full` (with the test's own CA as
 * `sslrootcert`) carry `deno task migrate`, `deno task fill`, the consumer, the monitor and the
 * dashboard; `verify-full` to an address the certificate does not name, or with a CA that did
 * not sign it, stops each of them with one line naming the cause, and no log line holds the
 * password.
 */
import assert from "node:assert/strict";
import { startLocalPostgres } from "../../stack/local_postgres.ts";
import { freePort } from "../../stack/free_port.ts";
import { connectDatabase } from "../../runtime/database.ts";
import { startComponent } from "../helpers/component_process.ts";
import { assertNoSecrets } from "../helpers/log_secrets.ts";
import { makeCertificateAuthority } from "../helpers/certificates.ts";
import { startTestStack } from "../helpers/test_stack.ts";
import { countTrades } from "../helpers/expected_trades.ts";
import { waitFor } from "../helpers/wait.ts";

const PASSWORD = "tls-only-Pa55word";
const ROOT = new URL("../../", import.meta.url);

/** Runs `deno task <name>` with `env` added; resolves with its exit code and output. */
async function task(name: string, args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    env,
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  return { code: output.code, text };
}

Deno.test({
  name:
    "every component and deno task fill work over TLS only, and verify-full checks the host given",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const ca = await makeCertificateAuthority();
    const strangerCa = await makeCertificateAuthority("a CA nobody gave");
    const certificate = await ca.issue(["localhost"]);
    const port = freePort();
    const server = await startLocalPostgres({
      port,
      dataDir: await Deno.makeTempDir(),
      tls: { ...certificate, password: PASSWORD },
    });
    await using stack = await startTestStack({
      rate: 200,
      seed: 3,
      maxTradesPerSymbol: 400,
      paused: true,
    });
    stack.hold(server);
    const at = (host: string, query: string) =>
      `postgres://postgres:${PASSWORD}@${host}:${port}/crypto_tls?${query}`;
    const required = at("127.0.0.1", "sslmode=require");
    const verified = at("localhost", `sslmode=verify-full&sslrootcert=${ca.certFile}`);

    // The server takes nothing but TLS.
    const plain = connectDatabase(at("127.0.0.1", "sslmode=disable"), { max: 1 });
    await assert.rejects(plain`select 1`, /no encryption/);
    await plain.end();

    const migrated = await task("migrate", [], { DATABASE_URL: required });
    assert.equal(migrated.code, 0, migrated.text);
    const filled = await task("fill", ["--trades", "500", "--days", "1"], {
      DATABASE_URL: verified,
      SYMBOLS: "SOLUSDT",
    });
    assert.equal(filled.code, 0, filled.text);

    const sql = connectDatabase(verified, { max: 1 });
    stack.hold(sql, (pool) => pool.end());
    const [{ ssl }] = await sql`select ssl from pg_stat_ssl where pid = pg_backend_pid()`;
    assert.equal(ssl, true);
    assert.equal(await countTrades(sql), 500);

    const env = stack.env({ databaseUrl: verified });
    const dashboardPort = freePort();
    const components = [
      stack.hold(await startComponent("consumer.ts", "tls-consumer", env)),
      stack.hold(await startComponent("producer.ts", "tls-producer", env)),
      stack.hold(
        await startComponent("monitor.ts", "tls-monitor", { ...env, DATABASE_URL: required }),
      ),
      stack.hold(
        await startComponent("dashboard.ts", "tls-dashboard", {
          ...env,
          PORT: String(dashboardPort),
        }),
      ),
    ];
    await waitFor("the producer to connect", () => stack.simulator.connectionCount() > 0);
    stack.simulator.resume();
    const sent = stack.symbols.length * 400;
    await waitFor(
      `${sent} more trades stored`,
      async () => (await countTrades(sql)) === 500 + sent,
      60_000,
    );
    await waitFor(
      "the monitor's report",
      async () => (await sql`select 1 from pipeline_status where component = 'monitor'`).length > 0,
    );
    await waitFor(
      "the dashboard to listen",
      () => components[3].logs().some((l) => l.msg === "listening"),
    );
    const trades = await fetch(
      `http://127.0.0.1:${dashboardPort}/api/trades?symbol=${stack.symbols[0]}`,
    );
    assert.equal(trades.status, 200);
    assert.ok((await trades.json()).trades.length > 0);

    // verify-full checks the address given, not "localhost"; and a CA that did not sign.
    const refusals: [string, string, RegExp][] = [
      [
        "address",
        at("127.0.0.1", `sslmode=verify-full&sslrootcert=${ca.certFile}`),
        /IP: 127\.0\.0\.1 is not in the cert's list/,
      ],
      [
        "stranger",
        at("localhost", `sslmode=verify-full&sslrootcert=${strangerCa.certFile}`),
        /unable to verify the first certificate/,
      ],
    ];
    const texts: string[] = [migrated.text, filled.text];
    for (const [name, url, cause] of refusals) {
      const refused = await task("migrate", [], { DATABASE_URL: url });
      texts.push(refused.text);
      assert.equal(refused.code, 1, refused.text);
      assert.match(refused.text, cause);
      const fill = await task("fill", ["--trades", "10"], {
        DATABASE_URL: url,
        SYMBOLS: "XRPUSDT",
      });
      texts.push(fill.text);
      assert.notEqual(fill.code, 0, fill.text);
      assert.match(fill.text, cause);
      for (const entry of ["consumer.ts", "monitor.ts", "dashboard.ts"] as const) {
        const component = await startComponent(entry, `tls-refused-${name}-${entry}`, {
          ...env,
          DATABASE_URL: url,
          PORT: String(freePort()),
        });
        components.push(component);
        assert.equal((await component.status).code, 1, entry);
        const fatal = component.logs().find((l) => l.msg === "fatal");
        assert.equal(fatal?.kind, "configuration", entry);
        assert.match(String(fatal?.error), /^database: the configuration is wrong: /, entry);
        assert.match(String(fatal?.error), cause, entry);
      }
    }
    assertNoSecrets([PASSWORD], components, texts);
  },
});
