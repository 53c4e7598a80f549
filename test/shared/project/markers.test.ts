import { describe, expect, test } from "@jest/globals";
import {
  evaluateMarker,
  formatMarker,
  MarkerSyntaxError,
  normalizeMarker,
  parseMarker,
} from "../../../shared/project/markers.js";

const linux312 = {
  python_version: "3.12",
  python_full_version: "3.12.4",
  os_name: "posix",
  sys_platform: "linux",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.8.0",
  platform_version: "#1 SMP",
  platform_system: "Linux",
  implementation_name: "cpython",
  implementation_version: "3.12.4",
};
const rc = { ...linux312, python_version: "3.13", python_full_version: "3.13.0rc2" };

const holds = (marker: string, environment: Record<string, string> = linux312, extras?: string[]) =>
  evaluateMarker(parseMarker(marker), { environment, extras });

describe("PEP 508 markers as packaging 26 evaluates them", () => {
  test("legacy variable names read as their modern ones", () => {
    expect(formatMarker(parseMarker("python_implementation == 'CPython'"))).toBe(
      "platform_python_implementation == 'CPython'",
    );
    expect(holds("python_implementation == 'CPython'")).toBe(true);
    expect(holds("os.name == 'posix'")).toBe(true);
    expect(holds("sys.platform == 'linux'")).toBe(true);
    expect(holds("platform.machine == 'x86_64'")).toBe(true);
    expect(holds("platform.version == '#1 SMP'")).toBe(true);
    expect(holds("platform.python_implementation == 'PyPy'")).toBe(false);
  });

  test("unknown variables are a MarkerSyntaxError", () => {
    expect(() => parseMarker("unknown_var == '1'")).toThrow(MarkerSyntaxError);
    expect(() => parseMarker("PYTHON_VERSION == '3.8'")).toThrow(MarkerSyntaxError);
    expect(() => parseMarker("'a' == 'b'")).toThrow(MarkerSyntaxError);
  });

  test("pre-release interpreters: python_full_version < '3.13' is false on 3.13.0rc2", () => {
    expect(holds("python_full_version < '3.13'", rc)).toBe(false);
    expect(holds("python_full_version >= '3.13.0rc1'", rc)).toBe(true);
    expect(holds("python_version < '3.13'", rc)).toBe(false);
  });

  test("`>= '3.6.*'` is no valid specifier, so it compares as strings (no TypeError)", () => {
    expect(holds('python_version >= "3.6.*"')).toBe(false);
    expect(holds('python_version == "3.*"')).toBe(true);
  });

  test("platform_release compares as versions when both sides are versions, else as strings", () => {
    expect(holds("platform_release >= '6'")).toBe(true);
    expect(holds("platform_release < '10'")).toBe(true);
    const ubuntu = { ...linux312, platform_release: "6.8.0-45-generic" };
    expect(holds("platform_release >= '6'", ubuntu)).toBe(false);
    expect(holds("platform_release == '6.8.0-45-generic'", ubuntu)).toBe(true);
    expect(holds("platform_system < 'Windows'")).toBe(false);
  });

  test("extra is normalized and supports in / not in", () => {
    expect(holds("extra == 'Dev_Tools'", linux312, ["dev-tools"])).toBe(true);
    expect(holds("(extra == 'Dev.Tools')", linux312, ["dev_tools"])).toBe(true);
    expect(holds("'dev' in extra", linux312, ["dev-tools"])).toBe(true);
    expect(holds("'dev' not in extra", linux312, ["socks"])).toBe(true);
    expect(holds("extra != 'socks'", linux312, [])).toBe(true);
  });

  test("PEP 751 sets", () => {
    const marker = parseMarker("'dev' in dependency_groups and 'Socks' in extras");
    expect(evaluateMarker(marker, { dependencyGroups: ["dev"], extras: ["socks"] })).toBe(true);
    expect(evaluateMarker(marker, { dependencyGroups: [], extras: ["socks"] })).toBe(false);
  });

  test("normalizeMarker keeps one canonical text", () => {
    expect(normalizeMarker('os.name=="nt"  and (python_version<"3.9" or extra=="x")')).toBe(
      "os_name == 'nt' and (python_version < '3.9' or extra == 'x')",
    );
  });
});
