/** setup-venv's job summary: what was set up, from what, and how the cache did. */
import { markdownTable } from "../../shared/runtime/index.js";

export function summary(
  outputs: Record<string, string>,
  groups: string[],
  extras: string[],
  caching: boolean,
): string {
  const rows = [
    ["Python", outputs["python-version"]],
    ["Lockfile", `\`${outputs.lockfile}\``],
    ["Groups", groups.join(", ") || "—"],
    ["Extras", extras.join(", ") || "—"],
    ["Installer", outputs.installer],
    [
      "Installed",
      outputs["cache-hit"] === "true"
        ? "nothing: restored from the cache"
        : `${outputs.packages} distribution${outputs.packages === "1" ? "" : "s"}`,
    ],
    [
      "Cache",
      caching
        ? outputs["cache-hit"] === "true"
          ? "✅ exact hit"
          : "miss: saved after the job"
        : "off",
    ],
    ["venv", `\`${outputs["venv-path"]}\``],
  ];
  return `### setup-venv\n\n${markdownTable(["", ""], rows)}\n`;
}
