/**
 * The Kafka broker's jars, fetched once with Maven into a cache (there is no Docker here):
 * the broker, its tools, and a log4j binding for its logging.
 */
import { resolve } from "node:path";

/** Maven coordinates of the broker and the log4j binding for its slf4j logging. */
const ARTIFACTS = [
  "org.apache.kafka:kafka_2.13:4.1.1",
  "org.apache.kafka:kafka-tools:4.1.1",
  "org.apache.logging.log4j:log4j-slf4j2-impl:2.24.3",
  // Kafka brings slf4j-api 1.7, which cannot see an slf4j 2 binding and would log nothing.
  "org.slf4j:slf4j-api:2.0.16",
];
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
/**
 * Makes sure the Kafka jars are in `<cacheDir>/lib`, fetching them with Maven the first time
 * (about 90 jars); later calls only read a marker file. Resolves to the absolute `lib` path.
 * Throws naming the Debian package to install when `java` or `mvn` is missing.
 */
export async function ensureKafkaJars(cacheDir = ".cache/kafka"): Promise<string> {
  const dir = resolve(cacheDir);
  const lib = `${dir}/lib`;
  const marker = `${lib}/.complete`;
  const wanted = ARTIFACTS.join("\n");
  if (await readOrUndefined(marker) === wanted) return lib;
  await requireTool("java", "Java", "openjdk-17-jre-headless");
  await requireTool("mvn", "Maven", "maven");
  await Deno.remove(lib, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/pom.xml`, pom(ARTIFACTS));
  const output = await new Deno.Command("mvn", {
    args: ["-q", "-B", `${DEPENDENCY_PLUGIN}:copy-dependencies`, "-DoutputDirectory=lib"],
    cwd: dir,
    stdin: "null",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    throw new Error(`fetching the Kafka jars with Maven failed:\n${lastLines(text, 30)}`);
  }
  await Deno.writeTextFile(marker, wanted);
  return lib;
}

/** Throws naming the Debian package to install when `command` is not on the PATH. */
export async function requireTool(
  command: string,
  name: string,
  debianPackage: string,
): Promise<void> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    const info = await Deno.stat(`${dir || "."}/${command}`).catch(() => undefined);
    if (info?.isFile && (info.mode ?? 0o111) & 0o111) return;
  }
  throw new Error(`${name} (${command}) not found: install ${debianPackage}`);
}

function pom(artifacts: string[]): string {
  const dependencies = artifacts.map((coordinates) => {
    const [groupId, artifactId, version] = coordinates.split(":");
    return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId>` +
      `<version>${version}</version></dependency>`;
  });
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies.join("\n")}
  </dependencies>
</project>
`;
}

/** The last `count` lines of `text`. */
export function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

/** The text of the file at `path`; undefined when there is none. */
export async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
