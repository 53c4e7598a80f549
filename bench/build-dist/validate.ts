/** Child process of bench/build-dist: validates one dist and prints its time and peak RSS as JSON. */
import { inspectDists } from "../../shared/dists/inspect.js";

const file = process.argv[2];
const start = performance.now();
const inspection = await inspectDists([file], { python: "/nonexistent/python", shownAs: (f) => f });
const ms = performance.now() - start;
const errors = inspection.findings.filter((finding) => finding.severity === "error");
console.log(
  JSON.stringify({
    ms,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    members: inspection.dists[0].archive.members.length,
    errors: errors.map((finding) => `${finding.code} ${finding.message}`),
  }),
);
