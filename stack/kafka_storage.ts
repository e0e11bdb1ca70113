/** A KRaft node's storage: formatted once, with the cluster's id, before its first start. */
import { lastLines, readOrUndefined } from "./kafka_jars.ts";

/**
 * Formats the storage of a node in `dataDir` with the configuration `config`, once: a later
 * start finds `kraft/meta.properties` and keeps what is there. The cluster's id is
 * `givenClusterId`, else the one kept in `<dataDir>/cluster.id`, else a new one; `extraArgs` go to
 * the storage tool (`--standalone`, `--add-scram …`).
 */
export async function formatStorageOnce(
  lib: string,
  dataDir: string,
  config: string,
  extraArgs: string[],
  givenClusterId: string | undefined,
): Promise<void> {
  if (await readOrUndefined(`${dataDir}/kraft/meta.properties`) !== undefined) return;
  const clusterId = givenClusterId ?? await readOrUndefined(`${dataDir}/cluster.id`) ??
    newClusterId();
  await Deno.writeTextFile(`${dataDir}/cluster.id`, clusterId);
  const output = await new Deno.Command("java", {
    args: [
      "-cp",
      `${lib}/*`,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      config,
      ...extraArgs,
    ],
    stdin: "null",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    throw new Error(`formatting Kafka storage in ${dataDir} failed:\n${lastLines(text, 30)}`);
  }
}

/** A Kafka cluster id: 16 random bytes in unpadded base64url, not starting with "-". */
export function newClusterId(): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes))
      .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    // The command line would read a leading "-" as an option.
    if (!id.startsWith("-")) return id;
  }
}
