/** Picks a locked package's file for an interpreter by wheel tags, for locks with file URLs but no index. */
import { splitWheelFilename } from "../dists/filenames.js";
import type { LockedFile } from "../lockfiles/model.js";

export function fittingFile(
  files: LockedFile[],
  markers: Record<string, string>,
): LockedFile | undefined {
  const ranked = files
    .filter((f) => f.url)
    .map((file) => ({ file, score: fileScore(file, markers) }))
    .filter((f) => f.score >= 0)
    .sort((a, b) => b.score - a.score);
  return ranked[0]?.file;
}

/** Higher is better; -1 does not fit. Wheels beat sdists, specific tags beat generic ones. */
function fileScore(file: LockedFile, markers: Record<string, string>): number {
  const name = file.name ?? decodeURIComponent(file.url?.split("/").pop()?.split(/[?#]/)[0] ?? "");
  if (!name.endsWith(".whl")) return /\.(tar\.gz|zip)$/.test(name) ? 0 : -1;
  const sets = splitWheelFilename(name)?.tags;
  if (!sets) return -1;
  const [python, abi, platform] = sets.map((tag) => tag.split("."));
  const scores = [
    pythonScore(python, markers),
    abiScore(abi, markers),
    platformScore(platform, markers),
  ];
  return scores.some((s) => s < 0) ? -1 : 1 + scores.reduce((a, b) => a + b, 0);
}

const minor = (markers: Record<string, string>) => markers.python_version?.split(".")[1] ?? "";

function pythonScore(tags: string[], markers: Record<string, string>): number {
  const cpython = markers.implementation_name === "cpython";
  const scores = tags.map((tag) => {
    if (tag === "py3") return 1;
    if (tag === `py3${minor(markers)}`) return 2;
    if (cpython && tag === `cp3${minor(markers)}`) return 3;
    return -1;
  });
  return Math.max(...scores);
}

function abiScore(tags: string[], markers: Record<string, string>): number {
  const cpython = markers.implementation_name === "cpython";
  const scores = tags.map((tag) => {
    if (tag === "none") return 0;
    if (cpython && tag === "abi3") return 1;
    if (cpython && tag === `cp3${minor(markers)}`) return 2;
    return -1;
  });
  return Math.max(...scores);
}

function platformScore(tags: string[], markers: Record<string, string>): number {
  const machine = (markers.platform_machine ?? "").toLowerCase();
  const scores = tags.map((tag) => {
    if (tag === "any") return 0;
    switch (markers.sys_platform) {
      case "linux":
        return /^(many)?linux(1|2010|2014|_\d+_\d+)?_/.test(tag) && tag.endsWith(`_${machine}`)
          ? 2
          : -1;
      case "darwin":
        return tag.startsWith("macosx_") &&
          (tag.endsWith(`_${machine}`) || tag.endsWith("_universal2"))
          ? 2
          : -1;
      case "win32":
        return (machine === "amd64" && tag === "win_amd64") ||
          (machine === "arm64" && tag === "win_arm64")
          ? 2
          : -1;
      default:
        return -1;
    }
  });
  return Math.max(...scores);
}
