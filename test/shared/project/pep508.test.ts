import { describe, expect, test } from "@jest/globals";
import { evaluateMarker, normalizeMarker, parseMarker } from "../../../shared/project/markers.js";
import { formatRequirement, parseRequirement } from "../../../shared/project/pep508.js";

describe("parseRequirement", () => {
  test("name, extras, specifier and marker", () => {
    const requirement = parseRequirement(
      'Requests[Security, socks] >=2.31,<3 ; python_version >= "3.8" and sys_platform != "win32"',
    );
    expect(requirement).toMatchObject({
      name: "Requests",
      key: "requests",
      extras: ["security", "socks"],
      specifier: ">=2.31,<3",
    });
    expect(formatRequirement(requirement)).toBe(
      "requests[security,socks]>=2.31,<3 ; python_version >= '3.8' and sys_platform != 'win32'",
    );
  });

  test("parenthesized specifiers and URLs", () => {
    expect(parseRequirement("flask (>=3.0)").specifier).toBe(">=3.0");
    const direct = parseRequirement("pkg @ https://example.com/pkg-1.0.whl ; os_name == 'nt'");
    expect(direct.url).toBe("https://example.com/pkg-1.0.whl");
    expect(direct.marker).toBeDefined();
    expect(parseRequirement("Zope.Interface").key).toBe("zope-interface");
  });

  test.each(["", ">=1", "pkg >=> 1", "pkg[extra", "pkg; python_version >>"])(
    "rejects %p",
    (text) => {
      expect(() => parseRequirement(text)).toThrow(/invalid requirement/);
    },
  );
});

describe("markers", () => {
  test("normalize to one form", () => {
    expect(
      normalizeMarker('python_version>="3.8"  and (os_name=="nt" or os_name == "posix")'),
    ).toBe("python_version >= '3.8' and (os_name == 'nt' or os_name == 'posix')");
    expect(normalizeMarker("platform_system == 'Windows'")).toBe(
      normalizeMarker('platform_system=="Windows"'),
    );
  });

  test("evaluate against an environment", () => {
    const linux = { python_version: "3.11", python_full_version: "3.11.7", sys_platform: "linux" };
    const check = (text: string, extras: string[] = []) =>
      evaluateMarker(parseMarker(text), { environment: linux, extras });
    expect(check("python_version >= '3.8'")).toBe(true);
    expect(check("python_version < '3.10'")).toBe(false);
    expect(check("python_full_version >= '3.11.7'")).toBe(true);
    expect(check("sys_platform == 'win32' or python_version == '3.11'")).toBe(true);
    expect(check("sys_platform == 'win32' and python_version == '3.11'")).toBe(false);
    expect(check("extra == 'Test_Extra'", ["test-extra"])).toBe(true);
    expect(check("extra == 'docs'", ["test"])).toBe(false);
    expect(check("python_version == '3.*'")).toBe(true);
    expect(check("'linux' in sys_platform")).toBe(true);
  });
});
