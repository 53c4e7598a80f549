/** License-Expression as packaging (and so twine and PyPI) reads it: SPDX ids in any case. */

import spdxExceptions from "spdx-exceptions/index.json" with { type: "json" };
import parseSpdx from "spdx-expression-parse";
import deprecatedIds from "spdx-license-ids/deprecated.json" with { type: "json" };
import licenseIds from "spdx-license-ids/index.json" with { type: "json" };

const byLowerCase = (ids: readonly string[]) => new Map(ids.map((id) => [id.toLowerCase(), id]));
const licenses = byLowerCase([...licenseIds, ...deprecatedIds]);
const exceptions = byLowerCase(spdxExceptions);
const operators = new Set(["and", "or", "with"]);

/** Why the expression is invalid, or undefined when it is valid. */
export function spdxProblem(expression: string): string | undefined {
  const tokens = expression.replace(/[()]/g, " $& ").trim().split(/\s+/);
  if (tokens[0] === "") return "it is empty";
  const canonical: string[] = [];
  for (const [index, token] of tokens.entries()) {
    const lower = token.toLowerCase();
    if (operators.has(lower)) canonical.push(lower.toUpperCase());
    else if (token === "(" || token === ")") canonical.push(token);
    else if (tokens[index - 1]?.toLowerCase() === "with") {
      const exception = exceptions.get(lower);
      if (!exception) return `'${token}' is not an SPDX license exception`;
      canonical.push(exception);
    } else {
      const plus = lower.endsWith("+") ? "+" : "";
      const id = plus ? lower.slice(0, -1) : lower;
      if (id.startsWith("licenseref-")) {
        if (!/^licenseref-[a-z0-9.-]*$/.test(id)) return `'${token}' is not a valid LicenseRef`;
        canonical.push(`LicenseRef-${token.slice("LicenseRef-".length)}`);
        continue;
      }
      const license = licenses.get(id);
      if (!license) return `'${token}' is not an SPDX license identifier`;
      canonical.push(license + plus);
    }
  }
  try {
    parseSpdx(canonical.join(" "));
    return undefined;
  } catch {
    return "it is not a well-formed SPDX expression";
  }
}
