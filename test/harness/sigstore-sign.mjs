// Signs stdin's {payload, token, url, retries} keyless with @sigstore/sign, in its own process (jest cannot load it on Node 20).
import { bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from "@sigstore/sign";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { payload, token, url, retries = 0 } = JSON.parse(Buffer.concat(chunks).toString());
const retry = { retries, factor: 1, minTimeout: 10, maxTimeout: 10 };
const builder = new DSSEBundleBuilder({
  signer: new FulcioSigner({
    identityProvider: { getToken: async () => token },
    fulcioBaseURL: url,
    retry,
  }),
  witnesses: [new RekorWitness({ rekorBaseURL: url, entryType: "dsse", retry })],
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
