// Signs stdin's {payload, token, url} keyless with @sigstore/sign, in its own process (jest cannot load it on Node 20).
import { bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from "@sigstore/sign";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { payload, token, url } = JSON.parse(Buffer.concat(chunks).toString());
const builder = new DSSEBundleBuilder({
  signer: new FulcioSigner({
    identityProvider: { getToken: async () => token },
    fulcioBaseURL: url,
  }),
  witnesses: [new RekorWitness({ rekorBaseURL: url, entryType: "dsse" })],
});
try {
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(payload)),
    type: "application/vnd.in-toto+json",
  });
  process.stdout.write(JSON.stringify(bundleToJSON(bundle)));
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
