/** An sdist's layout (one top directory with PKG-INFO and pyproject.toml) and safe extraction (PEP 721). */
import path from "node:path/posix";
import type { Finding } from "../runtime/findings.js";
import { describePaths, sdistTop } from "./archive.js";
import { type Check, type DistArchive, defineChecks, finding } from "./model.js";

export const sdistChecks = defineChecks({
  S001: {
    severity: "error",
    title: "The sdist is not a single top-level directory",
    rule: "sdist-archive",
  },
  S002: {
    severity: "error",
    title: "No PKG-INFO in the sdist's top-level directory",
    rule: "sdist-archive",
  },
  S003: { severity: "warning", title: "No pyproject.toml in the sdist's top-level directory" },
  S004: {
    severity: "error",
    title: "Absolute path or `..` component in the sdist",
    rule: "installers-refuse",
  },
  S005: {
    severity: "error",
    title: "Symbolic or hard link pointing outside the sdist",
    rule: "installers-refuse",
  },
  S006: {
    severity: "error",
    title: "Device file or FIFO in the sdist",
    rule: "installers-refuse",
  },
  S007: { severity: "warning", title: "Top-level directory is not named like the file" },
});

const isAbsolute = (name: string) => name.startsWith("/") || /^[A-Za-z]:/.test(name);

/** Whether a link's target leaves the extraction root. Symlinks resolve from their directory, hard links from the root. */
export function linkEscapes(memberPath: string, target: string, hard: boolean): boolean {
  if (isAbsolute(target)) return true;
  const base = hard ? "" : path.dirname(memberPath.replace(/\/$/, ""));
  const resolved = path.normalize(path.join(base, target));
  return resolved === ".." || resolved.startsWith("../");
}

/** S001–S007 for one sdist. */
export function checkSdist(archive: DistArchive): Finding[] {
  const found: Finding[] = [];
  const flag = (check: Check, message: string) =>
    found.push(finding(check, archive.filename, message));
  const list = (check: Check, offending: string[]) => {
    if (offending.length > 0) flag(check, `${check.title}: ${describePaths(offending)}.`);
  };
  const { members } = archive;

  list(
    sdistChecks.S004,
    members
      .filter((m) => isAbsolute(m.path) || m.path.split("/").includes(".."))
      .map((m) => m.path),
  );
  list(
    sdistChecks.S005,
    members
      .filter((m) => m.kind === "symlink" || m.kind === "hardlink")
      .filter((m) => linkEscapes(m.path, m.linkTarget ?? "", m.kind === "hardlink"))
      .map((m) => `${m.path} -> ${m.linkTarget}`),
  );
  list(
    sdistChecks.S006,
    members.filter((m) => m.kind === "device" || m.kind === "fifo").map((m) => m.path),
  );

  const top = sdistTop(archive);
  const outside = members.filter((m) => !m.path.startsWith(`${top}/`) && m.path !== top);
  const topIsDirectory = members.some(
    (m) => m.path.startsWith(`${top}/`) || (m.path === top && m.kind === "directory"),
  );
  if (top === undefined || top === "" || outside.length > 0 || !topIsDirectory) {
    const tops = [...new Set(members.map((m) => m.path.split("/")[0]))];
    flag(
      sdistChecks.S001,
      members.length === 0
        ? "The sdist is empty."
        : `Expected one top-level directory, found: ${describePaths(tops)}.`,
    );
    return found;
  }
  const isFile = (name: string) => members.some((m) => m.path === name && m.kind === "file");
  if (!isFile(`${top}/PKG-INFO`)) flag(sdistChecks.S002, `${top}/PKG-INFO is missing.`);
  if (!isFile(`${top}/pyproject.toml`)) {
    flag(sdistChecks.S003, `${top}/pyproject.toml is missing.`);
  }
  const stem = archive.filename.replace(/\.tar\.gz$/, "");
  if (top !== stem) {
    flag(sdistChecks.S007, `The top-level directory is ${top}/, the file name says ${stem}/.`);
  }
  return found;
}
