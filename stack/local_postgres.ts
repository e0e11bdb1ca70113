/**
 * A throwaway or persistent PostgreSQL cluster on 127.0.0.1, run from the Debian server binaries
 * with `initdb` and `pg_ctl`. For development and for tests that must stop the database.
 */
import { resolve } from "node:path";
import { startParentWatchdog } from "./parent_watchdog.ts";
import { isPortOpen } from "./port_check.ts";

const POSTGRES_ROOT = "/usr/lib/postgresql";
const SERVER_USER = "postgres";
/** Client authentication of a TLS-only cluster: the socket trusted, TCP only over TLS with SCRAM. */
const TLS_ONLY_HBA = `local all all trust
hostssl all all 127.0.0.1/32 scram-sha-256
hostssl all all ::1/128 scram-sha-256
`;

/** Where to run a cluster; see {@link startLocalPostgres}. */
export interface LocalPostgresOptions {
  /** Port on 127.0.0.1; it must be free. */
  port: number;
  /** The cluster's data directory, created and initialised on first use, then reused. */
  dataDir: string;
  /**
   * Accept only TLS connections that give a password (`hostssl` with SCRAM, no plain `host`
   * line), with this certificate and key (PEM files); set when the cluster is first made.
   */
  tls?: { certFile: string; keyFile: string; password: string };
}

/** A running cluster. */
export interface LocalPostgres {
  /**
   * `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication), or with `tls` the
   * password and `?sslmode=require`.
   */
  url: string;
  /** Stops the cluster (`pg_ctl stop -m fast`). */
  stop(): Promise<void>;
  /**
   * Stops the cluster without a shutdown checkpoint (`pg_ctl stop -m immediate`), as a crash
   * does: the next start runs crash recovery. For fault tests.
   */
  crash(): Promise<void>;
}

/**
 * Starts a cluster in `dataDir` on `127.0.0.1:<port>`, running `initdb` first when the directory
 * holds none, and resolves once it accepts connections. Uses the highest version under
 * `/usr/lib/postgresql`. As root, runs the server as the `postgres` user and gives it `dataDir`
 * (whose parent directories that user must be able to enter). The server log is
 * `<dataDir>/server.log`. Throws when the binaries are missing, the port is taken, or start fails.
 */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const { port } = options;
  const dataDir = resolve(options.dataDir);
  const bin = await serverBinaries();
  if (await isPortOpen("127.0.0.1", port)) {
    throw new Error(`cannot start PostgreSQL on 127.0.0.1:${port}: the port is already in use`);
  }
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const asRoot = Deno.uid() === 0;
  if (asRoot) {
    const { uid, gid } = await systemUser(SERVER_USER);
    await Deno.chown(dataDir, uid, gid);
  }
  // initdb refuses root, and the server must run as the owner of its files.
  const command = (tool: string, args: string[]) => [
    ...(asRoot ? ["runuser", "-u", SERVER_USER, "--"] : []),
    `${bin}/${tool}`,
    ...args,
  ];
  const run = (tool: string, args: string[]) => runTool(tool, command(tool, args), dataDir);
  const giveToServer = async (path: string) => {
    if (!asRoot) return;
    const { uid, gid } = await systemUser(SERVER_USER);
    await Deno.chown(path, uid, gid);
  };

  const initialised = await Deno.stat(`${dataDir}/PG_VERSION`).then(() => true, () => false);
  if (!initialised) {
    const args = ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"];
    if (options.tls) {
      const passwordFile = await Deno.makeTempFile();
      await Deno.writeTextFile(passwordFile, options.tls.password);
      await giveToServer(passwordFile);
      try {
        await run("initdb", [...args, `--pwfile=${passwordFile}`]);
      } finally {
        await Deno.remove(passwordFile);
      }
      await Deno.writeTextFile(`${dataDir}/pg_hba.conf`, TLS_ONLY_HBA);
    } else {
      await run("initdb", args);
    }
  }
  let tlsOptions = "";
  if (options.tls) {
    for (
      const [from, to] of [[options.tls.certFile, "server.crt"], [
        options.tls.keyFile,
        "server.key",
      ]]
    ) {
      await Deno.copyFile(from, `${dataDir}/${to}`);
      await Deno.chmod(`${dataDir}/${to}`, 0o600);
      await giveToServer(`${dataDir}/${to}`);
    }
    tlsOptions = " -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key";
  }
  const logFile = `${dataDir}/server.log`;
  const serverOptions = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1${tlsOptions}`;
  const start = ["-D", dataDir, "-o", serverOptions, "-l", logFile, "-w", "-t", "60", "start"];
  try {
    await run("pg_ctl", start);
  } catch (error) {
    const log = await Deno.readTextFile(logFile).catch(() => "");
    const tail = log.trimEnd().split("\n").slice(-20).join("\n");
    throw new Error(`${(error as Error).message}\nlast lines of ${logFile}:\n${tail}`);
  }

  const stopArgs = (mode: string) => ["-D", dataDir, "-m", mode, "-w", "stop"];
  // Stopped with this process, however it dies: the server runs on after pg_ctl returns.
  const watchdog = startParentWatchdog(command("pg_ctl", stopArgs("fast")), dataDir);
  let stopping: Promise<void> | undefined;
  const stopIn = (mode: "fast" | "immediate") =>
    stopping ??= (async () => {
      await run("pg_ctl", stopArgs(mode));
      await watchdog.disarm();
    })();
  const password = options.tls ? `:${encodeURIComponent(options.tls.password)}` : "";
  return {
    url: `postgres://postgres${password}@127.0.0.1:${port}/postgres` +
      (options.tls ? "?sslmode=require" : ""),
    stop: () => stopIn("fast"),
    crash: () => stopIn("immediate"),
  };
}

/** The `bin` directory of the highest PostgreSQL version installed. */
async function serverBinaries(): Promise<string> {
  const versions: number[] = [];
  try {
    for await (const entry of Deno.readDir(POSTGRES_ROOT)) {
      const bin = `${POSTGRES_ROOT}/${entry.name}/bin`;
      const hasServer = await Deno.stat(`${bin}/postgres`).then(() => true, () => false);
      if (/^\d+$/.test(entry.name) && hasServer) versions.push(Number(entry.name));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL server not found under ${POSTGRES_ROOT}: install the Debian package postgresql`,
    );
  }
  return `${POSTGRES_ROOT}/${Math.max(...versions)}/bin`;
}

async function systemUser(name: string): Promise<{ uid: number; gid: number }> {
  const passwd = await Deno.readTextFile("/etc/passwd");
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name) return { uid: Number(uid), gid: Number(gid) };
  }
  throw new Error(`user ${name} not found: install the Debian package postgresql`);
}

async function runTool(name: string, [program, ...args]: string[], cwd: string): Promise<void> {
  const output = await new Deno.Command(program, { args, cwd, stdin: "null" }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    throw new Error(`${name} failed (code ${output.code}):\n${text.trim()}`);
  }
}
