import { expect, test } from "@jest/globals";
import {
  advisorySeverity,
  levelOfScore,
  meetsThreshold,
  severityText,
} from "../../../shared/advisories/severity.js";

test("scores a CVSS v3 vector, preferring v4 when both are there", () => {
  const v3 = { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" };
  expect(advisorySeverity({ severity: [v3] })).toMatchObject({
    level: "critical",
    score: 9.8,
    source: "cvss",
  });
  const v4 = {
    type: "CVSS_V4",
    score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
  };
  expect(advisorySeverity({ severity: [v3, v4] })).toMatchObject({ score: 9.3 });
  const low = { type: "CVSS_V3", score: "CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N" };
  expect(advisorySeverity({ affected: [{ severity: [low] }] })).toMatchObject({
    level: "low",
    score: 3.1,
  });
});

test("falls back to the database's label, then to high", () => {
  expect(advisorySeverity({ database_specific: { severity: "MODERATE" } })).toEqual({
    level: "medium",
    source: "database",
  });
  expect(advisorySeverity({ severity: [{ type: "CVSS_V3", score: "not a vector" }] })).toEqual({
    level: "high",
    source: "none",
    unscored: "the CVSS vector 'not a vector' could not be scored",
  });
  expect(advisorySeverity({})).toEqual({ level: "high", source: "none" });
});

test("the qualitative scale and the threshold", () => {
  expect([0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(levelOfScore)).toEqual([
    "low",
    "low",
    "medium",
    "medium",
    "high",
    "high",
    "critical",
    "critical",
  ]);
  expect(meetsThreshold("medium", "low")).toBe(true);
  expect(meetsThreshold("medium", "high")).toBe(false);
  expect(meetsThreshold("critical", "none")).toBe(false);
});

test.each([
  ["CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, "high"],
  ["CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "critical"],
  ["CVSS_V3", "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, "low"],
  ["CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "critical"],
])("scores a %s vector %s as %d", (type, vector, score, level) => {
  const severity = advisorySeverity({ severity: [{ type, score: vector }] });
  expect(severity).toEqual({ level, score, vector, source: "cvss" });
  expect(severityText(severity)).toBe(`${level} (${score.toFixed(1)})`);
});

test("an unscorable vector says so, beside the database's label", () => {
  const severity = advisorySeverity({
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N" }],
    database_specific: { severity: "LOW" },
  });
  expect(severityText(severity)).toBe("low (the CVSS vector 'CVSS:3.1/AV:N' could not be scored)");
});
