import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { parseCoreMetadata } from "../../../shared/dists/metadata.js";
import { Deadline } from "../../../shared/http/deadline.js";
import { send } from "../../../shared/http/http.js";
import { escapeFormDataName, multipartBody } from "../../../shared/publish/multipart.js";
import { uploadDist } from "../../../shared/publish/upload.js";
import { type RunningWarehouse, startWarehouse } from "../../harness/warehouse.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-multipart-"));
const metadata = parseCoreMetadata("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\n");
let warehouse: RunningWarehouse;

beforeAll(async () => {
  warehouse = await startWarehouse({
    issuer: { issuer: "https://issuer.invalid", jwks: { keys: [] } },
  });
});
afterAll(async () => {
  await warehouse?.close();
  rmSync(scratch, { recursive: true, force: true });
});

test("quotes, CR and LF are escaped as the WHATWG form-data encoding does", () => {
  expect(escapeFormDataName('a"b\r\nc')).toBe("a%22b%0D%0Ac");
  expect(escapeFormDataName("demo-1.0-py3-none-any.whl")).toBe("demo-1.0-py3-none-any.whl");
});

test("a hostile file name stays inside its Content-Disposition header", async () => {
  const hostile =
    'demo-1.0.tar.gz"; name="name"\r\nContent-Type: image\r\n\r\nx\r\n--fake\r\nx.tar.gz';
  const file = path.join(scratch, hostile);
  writeFileSync(file, "not really an sdist\n");
  const outcome = await uploadDist(file, metadata, {
    url: warehouse.legacyUrl,
    user: "__token__",
    password: "pypi-unknown",
    skipExisting: false,
    retry: { retries: 0 },
    deadline: new Deadline(120_000, "the upload"),
  });
  expect(outcome.status).toBe("failed");
  const [record] = warehouse.uploads;
  expect(record.contentFilename).toBe(escapeFormDataName(hostile));
  expect(record.contentType).toBe("application/octet-stream");
  expect(record.size).toBe("not really an sdist\n".length);
  expect(record.fields.filter(([name]) => name === "name")).toEqual([["name", "demo"]]);
});

test("hostile field names cannot add parts either", async () => {
  const file = path.join(scratch, "demo-1.0.tar.gz");
  writeFileSync(file, "x");
  const body = multipartBody(
    [
      ['a"\r\n\r\ninjected\r\n--x', "value"],
      ["version", "1.0"],
    ],
    file,
    1,
  );
  await send(warehouse.legacyUrl, {
    method: "POST",
    headers: { "Content-Type": body.contentType, "Content-Length": body.length },
    body: async (request) => {
      await body.write(request);
    },
  });
  const record = warehouse.uploads.at(-1);
  expect(record?.fields.slice(0, 2)).toEqual([
    ["a%22%0D%0A%0D%0Ainjected%0D%0A--x", "value"],
    ["version", "1.0"],
  ]);
  expect(record?.contentFilename).toBe("demo-1.0.tar.gz");
});
