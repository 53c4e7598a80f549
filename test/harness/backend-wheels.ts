/**
 * The build backends a machine without PyPI has, as wheels an index can serve: Debian's
 * (/usr/share/python-wheels: setuptools, wheel, pip) and flit_core, packed from Debian's copy.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { writeZip, type ZipEntry } from "./archives.js";

export const DEBIAN_WHEELS = "/usr/share/python-wheels";
const DIST_PACKAGES = "/usr/lib/python3/dist-packages";

/** Copies the backend wheels into `directory` and returns their paths. */
export function backendWheels(directory: string): string[] {
  mkdirSync(directory, { recursive: true });
  const wheels: string[] = [];
  if (existsSync(DEBIAN_WHEELS)) {
    for (const name of readdirSync(DEBIAN_WHEELS).filter((file) => file.endsWith(".whl"))) {
      copyFileSync(path.join(DEBIAN_WHEELS, name), path.join(directory, name));
      wheels.push(path.join(directory, name));
    }
  }
  const flit = packInstalled("flit_core", directory);
  if (flit) wheels.push(flit);
  return wheels;
}

/** A wheel of a pure-Python package installed in Debian's dist-packages (tests and caches left out). */
function packInstalled(name: string, directory: string): string | undefined {
  const distInfo = readdirSync(DIST_PACKAGES).find(
    (entry) => entry.startsWith(`${name}-`) && entry.endsWith(".dist-info"),
  );
  if (!distInfo || !existsSync(path.join(DIST_PACKAGES, name))) return undefined;
  const version = distInfo.slice(name.length + 1, -".dist-info".length);
  const entries: ZipEntry[] = [];
  const record: string[] = [];
  const add = (member: string, data: Buffer) => {
    entries.push({ name: member, data });
    const digest = createHash("sha256").update(data).digest("base64url");
    record.push(`${member},sha256=${digest},${data.length}`);
  };
  for (const file of packageFiles(path.join(DIST_PACKAGES, name))) {
    add(`${name}/${file}`, readFileSync(path.join(DIST_PACKAGES, name, file)));
  }
  add(`${distInfo}/METADATA`, readFileSync(path.join(DIST_PACKAGES, distInfo, "METADATA")));
  const wheel =
    "Wheel-Version: 1.0\nGenerator: pyship-test-harness\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
  add(`${distInfo}/WHEEL`, Buffer.from(wheel));
  record.push(`${distInfo}/RECORD,,`);
  entries.push({ name: `${distInfo}/RECORD`, data: Buffer.from(`${record.join("\n")}\n`) });
  const target = path.join(directory, `${name}-${version}-py3-none-any.whl`);
  writeZip(target, entries);
  return target;
}

function packageFiles(root: string, prefix = ""): string[] {
  return readdirSync(path.join(root, prefix))
    .sort()
    .flatMap((entry) => {
      const relative = prefix ? `${prefix}/${entry}` : entry;
      if (entry === "__pycache__" || entry === "tests") return [];
      if (statSync(path.join(root, relative)).isDirectory()) return packageFiles(root, relative);
      return [relative];
    });
}
