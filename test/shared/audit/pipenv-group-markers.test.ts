import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@jest/globals";
import { readLock } from "../../../shared/lockfiles/index.js";
import { selectPackages } from "../../../shared/lockfiles/select.js";
import { describeWithOracles, oracleName, pythonInOracles } from "../../harness/oracles.js";
import { repoRoot } from "../../harness/runner.js";

const lockfile = path.join(repoRoot, "test/fixtures/audit/pipfile-group-markers/Pipfile.lock");

// What `pipenv sync [--dev]` hands pip: the categories' entries, dependency_groups stripped from
// their markers by pipenv's own Lockfile._pip_marker, then the rest evaluated for the target.
const pipenvSelection = `
import json, sys
from packaging.markers import Marker
from pipenv.utils.locking import Lockfile
request = json.load(sys.stdin)
data = json.loads(request["lock"])
chosen = {}
for category in request["categories"]:
    for name, entry in data.get(category, {}).items():
        chosen.setdefault(name, entry)
names = []
for name, entry in chosen.items():
    marker = entry.get("markers")
    marker = Lockfile._pip_marker(marker) if marker else marker
    if not marker or Marker(marker).evaluate(request["environment"]):
        names.append(name)
print(json.dumps(sorted(names)))
`;

const environments: Record<string, Record<string, string>> = {
  "linux, 3.14": {
    python_version: "3.14",
    python_full_version: "3.14.0",
    sys_platform: "linux",
    platform_system: "Linux",
    os_name: "posix",
    platform_machine: "x86_64",
    platform_release: "6.1",
    platform_version: "#1",
    implementation_name: "cpython",
    implementation_version: "3.14.0",
    platform_python_implementation: "CPython",
  },
  "win32, 3.9": {
    python_version: "3.9",
    python_full_version: "3.9.18",
    sys_platform: "win32",
    platform_system: "Windows",
    os_name: "nt",
    platform_machine: "AMD64",
    platform_release: "10",
    platform_version: "10.0",
    implementation_name: "cpython",
    implementation_version: "3.9.18",
    platform_python_implementation: "CPython",
  },
};

describeWithOracles(`Pipfile.lock group markers agree with ${oracleName("pipenv")}`, () => {
  const lock = readLock(lockfile, "Pipfile.lock");
  test.each(
    Object.keys(environments).flatMap((env) => [
      [env, ["default"]],
      [env, ["default", "develop"]],
    ]),
  )("%s, categories %j", async (env, categories) => {
    const environment = environments[env as string];
    const expected = await pythonInOracles<string[]>(pipenvSelection, {
      lock: readFileSync(lockfile, "utf8"),
      categories,
      environment,
    });
    const selected = selectPackages(lock, undefined, {
      groups: categories as string[],
      extras: [],
      environment,
    });
    const names = selected.packages.map((s) => s.package.name).sort();
    expect(names).toEqual(expected);
    expect(names.length).toBeGreaterThan((categories as string[]).length === 1 ? 5 : 60);
  });
});
