/**
 * A throwaway certificate authority and the server certificates it signs, made with openssl in
 * a temporary folder, for tests of TLS to PostgreSQL and Kafka.
 */

/** A PEM certificate and its unencrypted PKCS#8 key, as files. */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** A CA that signs server certificates. */
export interface CertificateAuthority extends CertificateFiles {
  /** A server certificate naming `names` (host names, or IP addresses) and nothing else. */
  issue(names: string[]): Promise<CertificateFiles>;
}

/** Makes a CA (an EC P-256 key, valid two days) in a new temporary folder. */
export async function makeCertificateAuthority(name = "pipeline test CA"): Promise<
  CertificateAuthority
> {
  const dir = await Deno.makeTempDir({ prefix: "certs-" });
  const ca = { certFile: `${dir}/ca.pem`, keyFile: `${dir}/ca.key` };
  await openssl([
    "req",
    "-x509",
    ...NEW_KEY,
    "-keyout",
    ca.keyFile,
    "-out",
    ca.certFile,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
  ]);
  let issued = 0;
  return {
    ...ca,
    async issue(names) {
      const base = `${dir}/server-${++issued}`;
      const files = { certFile: `${base}.pem`, keyFile: `${base}.key` };
      await openssl([
        "req",
        ...NEW_KEY,
        "-keyout",
        files.keyFile,
        "-out",
        `${base}.csr`,
        "-subj",
        `/CN=${names[0]}`,
      ]);
      const alt = names.map((n) => /^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`).join(",");
      await Deno.writeTextFile(
        `${base}.ext`,
        `subjectAltName=${alt}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
      );
      await openssl([
        "x509",
        "-req",
        "-in",
        `${base}.csr`,
        "-CA",
        ca.certFile,
        "-CAkey",
        ca.keyFile,
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        `${base}.ext`,
        "-out",
        files.certFile,
      ]);
      return files;
    },
  };
}

const NEW_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

async function openssl(args: string[]): Promise<void> {
  const output = await new Deno.Command("openssl", { args, stdin: "null" }).output();
  if (!output.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`);
  }
}
