/** Spans (min-release-age, uv's friendly and ISO 8601 forms, PDM's) and exclude-newer as the manifests set it. */
import { describe, expect, test } from "@jest/globals";
import { formatSpan, parseSpan } from "../../../shared/project/durations.js";
import {
  cutoffFor,
  cutoffTime,
  type ExcludeNewerSetting,
  excludeNewerSetting,
  parseCutoff,
} from "../../../shared/project/exclude-newer.js";
import { parseTomlText } from "../../../shared/project/files.js";
import { manifestOf } from "../../../shared/project/pyproject.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";

const H = 3_600_000;
const D = 24 * H;

describe("parseSpan", () => {
  test.each([
    ["7d", 7 * D],
    ["48h", 48 * H],
    ["2w", 14 * D],
    ["90m", 90 * 60_000],
    ["7 days", 7 * D],
    ["1 week", 7 * D],
    ["1 week 2 days", 9 * D],
    ["2w, 3d", 17 * D],
    ["1w2d", 9 * D],
    ["36 hours", 36 * H],
    ["1.5d", 36 * H],
    ["P7D", 7 * D],
    ["p1w", 7 * D],
    ["PT48H", 48 * H],
    ["P1DT12H", 36 * H],
    ["-7d", 7 * D],
    ["7 days ago", 7 * D],
  ])("%s", (text, ms) => {
    expect(parseSpan(text)).toEqual({ ms });
  });

  test.each([
    ["", "empty"],
    ["7", "number with a unit"],
    ["seven days", "number with a unit"],
    ["7 fortnights", "'fortnights' is not a unit"],
    ["6 months", "calendar"],
    ["1y", "calendar"],
    ["P1M", "calendar"],
    ["P", "ISO 8601"],
    ["PT", "ISO 8601"],
    ["P7X", "ISO 8601"],
  ])("%s is refused", (text, why) => {
    expect(parseSpan(text)).toEqual({ error: expect.stringContaining(why) });
  });

  test("formatSpan writes days, hours and minutes", () => {
    expect(formatSpan(7 * D)).toBe("7d");
    expect(formatSpan(D + 4 * H + 60_000)).toBe("1d 4h 1m");
    expect(formatSpan(0)).toBe("0m");
  });
});

describe("parseCutoff", () => {
  const at = (iso: string) => ({ kind: "absolute", at: Date.parse(iso) });

  test.each([
    ["2024-05-01T00:00:00Z", at("2024-05-01T00:00:00Z")],
    ["2024-05-01T02:00:00+02:00", at("2024-05-01T00:00:00Z")],
    // uv: a date takes in the whole day (runners are UTC).
    ["2024-05-01", at("2024-05-02T00:00:00Z")],
    ["7 days", { kind: "relative", ms: 7 * D }],
    ["P1W", { kind: "relative", ms: 7 * D }],
    ["24h", { kind: "relative", ms: D }],
  ])("uv: %s", (value, cutoff) => {
    expect(parseCutoff("uv", value)).toEqual(cutoff);
  });

  test.each([
    ["7d", { kind: "relative", ms: 7 * D }],
    ["12h", { kind: "relative", ms: 12 * H }],
    ["3w", { kind: "relative", ms: 21 * D }],
    // PDM: a date is its start, and a timestamp without an offset is UTC.
    ["2024-05-01", at("2024-05-01T00:00:00Z")],
    ["2024-05-01T00:00:00", at("2024-05-01T00:00:00Z")],
    ["2024-05-01T00:00:00+01:00", at("2024-04-30T23:00:00Z")],
  ])("pdm: %s", (value, cutoff) => {
    expect(parseCutoff("pdm", value)).toEqual(cutoff);
  });

  test.each([
    ["uv", "2024-05-01T00:00:00", "offset"],
    ["uv", "6 months", "calendar"],
    ["uv", "2024-13-01", "not a valid date"],
    ["uv", "soon", "number with a unit"],
    ["pdm", "7 days", "7d, 12h or 3w"],
    ["pdm", "P7D", "7d, 12h or 3w"],
  ] as const)("%s refuses %s", (tool, value, why) => {
    expect(parseCutoff(tool, value)).toEqual({ error: expect.stringContaining(why) });
  });

  test("a relative cutoff counts back from the reference time", () => {
    const reference = Date.parse("2026-12-04T12:00:00Z");
    expect(cutoffTime({ kind: "relative", ms: 7 * D }, reference)).toBe(
      Date.parse("2026-11-27T12:00:00Z"),
    );
    expect(cutoffTime({ kind: "absolute", at: 5 }, reference)).toBe(5);
  });
});

const manifest = (text: string) =>
  manifestOf(parseTomlText(text, "pyproject.toml"), text, "pyproject.toml");

describe("excludeNewerSetting", () => {
  test("uv's [tool.uv] exclude-newer and exclude-newer-package, with its line", () => {
    const setting = excludeNewerSetting(
      manifest(
        '[project]\nname = "x"\n\n[tool.uv]\nexclude-newer = "7 days"\nexclude-newer-package = { Tomli = "2024-01-01T00:00:00Z", setuptools = false }\n',
      ),
    );
    expect(setting).toEqual({
      tool: "uv",
      name: "[tool.uv] exclude-newer",
      value: "7 days",
      file: "pyproject.toml",
      line: 5,
      packages: { tomli: "2024-01-01T00:00:00Z", setuptools: false },
    });
    expect(cutoffFor(setting as ExcludeNewerSetting, "requests")).toEqual({
      kind: "relative",
      ms: 7 * D,
    });
    expect(cutoffFor(setting as ExcludeNewerSetting, "tomli")).toEqual({
      kind: "absolute",
      at: Date.parse("2024-01-01T00:00:00Z"),
    });
    expect(cutoffFor(setting as ExcludeNewerSetting, "setuptools")).toBeUndefined();
  });

  test("PDM's [tool.pdm.resolution] exclude-newer (a TOML datetime too) and exclude-newer-override", () => {
    const setting = excludeNewerSetting(
      manifest(
        '[tool.pdm.resolution]\nexclude-newer = 2024-05-01T00:00:00Z\nexclude-newer-override = { urllib3 = "3d" }\n',
      ),
    );
    expect(setting).toMatchObject({
      tool: "pdm",
      name: "[tool.pdm.resolution] exclude-newer",
      value: "2024-05-01T00:00:00.000Z",
      line: 2,
      packages: { urllib3: "3d" },
    });
    expect(cutoffFor(setting as ExcludeNewerSetting, "urllib3")).toEqual({
      kind: "relative",
      ms: 3 * D,
    });
  });

  test("none set: undefined", () => {
    expect(excludeNewerSetting(manifest("[tool.uv]\npackage = false\n"))).toBeUndefined();
  });

  test("a value the tool refuses is a ConfigurationError naming the setting and its line", () => {
    const setting = excludeNewerSetting(manifest('[tool.uv]\nexclude-newer = "6 months"\n'));
    expect(() => cutoffFor(setting as ExcludeNewerSetting, "x")).toThrow(ConfigurationError);
    expect(() => cutoffFor(setting as ExcludeNewerSetting, "x")).toThrow(
      "pyproject.toml: [tool.uv] exclude-newer = '6 months' cannot be read: 'months' depends on the calendar; use days",
    );
  });
});
