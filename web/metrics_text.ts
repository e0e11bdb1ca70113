/** The Prometheus text exposition format, for `/metrics`. */

/** One sample: a metric name, its labels and value. */
export interface Sample {
  name: string;
  help: string;
  type: "gauge" | "counter";
  labels?: Record<string, string>;
  value: number;
}

/** Formats `samples`, grouping them by name with one HELP and TYPE line each. */
export function metricsText(samples: Sample[]): string {
  const lines: string[] = [];
  const described = new Set<string>();
  for (const { name, help, type, labels = {}, value } of samples) {
    if (!described.has(name)) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      described.add(name);
    }
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
    lines.push(`${name}${pairs.length ? `{${pairs.join(",")}}` : ""} ${value}`);
  }
  return lines.join("\n") + "\n";
}

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => char === "\n" ? "\\n" : `\\${char}`);
}
