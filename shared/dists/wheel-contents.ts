/** check-wheel-contents' W001–W010, natively, run on the paths RECORD lists. */
import { createHash } from "node:crypto";
import type { Finding } from "../runtime/findings.js";
import { describePaths } from "./archive.js";
import { parseWheelFilename } from "./filenames.js";
import { type Check, type DistArchive, defineChecks, finding } from "./model.js";
import { badPathReason, isDataDirectory, wheelLayout } from "./wheel.js";

export const wheelContentsChecks = defineChecks({
  W001: { severity: "warning", title: "Wheel contains .pyc/.pyo files" },
  W002: { severity: "warning", title: "Wheel contains duplicate files" },
  W003: { severity: "warning", title: "Wheel contains non-module at library toplevel" },
  W004: { severity: "warning", title: "Module is not located at importable path" },
  W005: { severity: "warning", title: "Wheel contains common toplevel name in library" },
  W006: { severity: "warning", title: "__init__.py at top level of library" },
  W007: { severity: "warning", title: "Wheel library is empty" },
  W008: { severity: "warning", title: "Wheel is empty" },
  W009: { severity: "warning", title: "Wheel contains multiple toplevel library entries" },
  W010: { severity: "warning", title: "Toplevel library directory contains no Python modules" },
});

/** A file or directory of the tree RECORD describes; `path` is its full path in the wheel. */
interface Node {
  path: string;
  children?: Map<string, Node>;
}

const isDirectory = (node: Node) => node.children !== undefined;

function* filesUnder(node: Node): Generator<Node> {
  if (!node.children) {
    yield node;
    return;
  }
  for (const child of node.children.values()) yield* filesUnder(child);
}

/** The tree of RECORD paths; paths R008 rejects and paths clashing with others are left out. */
function recordTree(paths: readonly string[]): Node {
  const root: Node = { path: "", children: new Map() };
  for (const fullPath of paths) {
    if (badPathReason(fullPath)) continue;
    const directory = fullPath.endsWith("/");
    const parts = fullPath.replace(/\/$/, "").split("/");
    let node = root;
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      let child = node.children?.get(part);
      if (!child) {
        const wantsChildren = !last || directory;
        child = { path: parts.slice(0, i + 1).join("/") + (wantsChildren ? "/" : "") };
        if (wantsChildren) child.children = new Map();
        node.children?.set(part, child);
      }
      if (!last && !isDirectory(child)) break; // a file is also used as a directory
      node = child;
    }
  }
  return root;
}

/** `foo.py`, `foo.so`, `foo.pyd`, `foo.cpython-312-x86_64-linux-gnu.so` → `foo`. */
const moduleExtension = /(?<=.)\.(?:py|pyd|so|[-A-Za-z0-9_]+\.(?:pyd|so))$/;
const moduleBase = (name: string) => {
  const match = moduleExtension.exec(name);
  return match ? name.slice(0, match.index) : undefined;
};
const hasModuleExtension = (node: Node) => moduleBase(baseName(node)) !== undefined;
const baseName = (node: Node) => node.path.replace(/\/$/, "").split("/").pop() ?? "";
const isPth = (name: string) => /.\.pth$/.test(name);

const keywords = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);
const isIdentifier = (name: string) =>
  /^[\p{XID_Start}_]\p{XID_Continue}*$/u.test(name) && !keywords.has(name);

/** Python's `os.path.splitext(name)[1]`: leading dots never start an extension. */
function extension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 && /[^.]/.test(name.slice(0, dot)) ? name.slice(dot) : "";
}

const commonNames = new Set(
  ".eggs .nox .tox .venv app build cli data dist doc docs example examples lib scripts src test tests venv".split(
    " ",
  ),
);

const signature = (size: number, text: string) =>
  `${size},sha256=${createHash("sha256").update(text).digest("base64url")}`;
/** Contents so common that identical copies are fine: empty files, a newline, a coding line. */
const allowedDuplicates = new Set([
  ",",
  ...[
    "",
    "\n",
    "\r\n",
    "# -*- coding: utf-8 -*-",
    "# -*- coding: utf-8 -*-\n",
    "# -*- coding: utf-8 -*-\n\r",
  ].map((text) => signature(Buffer.byteLength(text), text)),
]);

/** The purelib or platlib section: the root minus .dist-info/.data, or `.data/<scheme>/`. */
interface Library {
  entries: Map<string, Node>;
  /** Path components from the wheel root to the library root. */
  depth: number;
}

function libraries(
  root: Node,
  distInfo: string,
  dataDir: string,
  rootIsPurelib: boolean,
): Library[] {
  const top = new Map(
    [...(root.children ?? [])].filter(([name]) => name !== distInfo && name !== dataDir),
  );
  const scheme = root.children?.get(dataDir)?.children?.get(rootIsPurelib ? "platlib" : "purelib");
  return [
    { entries: top, depth: 0 },
    { entries: scheme?.children ?? new Map(), depth: 2 },
  ];
}

/** What the checks look at: every RECORD file, and the purelib and platlib sections. */
interface Contents {
  root: Node;
  distInfo: string;
  libs: Library[];
  /** Entries at the top of purelib and platlib, by name. */
  top: [string, Node][];
}

type Rule = (contents: Contents) => string[];

const topFiles = ({ top }: Contents) => top.filter(([, node]) => !isDirectory(node));
const paths = (entries: [string, Node][]) => entries.map(([, node]) => node.path);

/** Each check's offending paths; W007 and W008 give `[""]` when they fail. */
const rules: Record<keyof typeof wheelContentsChecks, Rule> = {
  W001: ({ root }) =>
    [...filesUnder(root)]
      .filter((file) => [".pyc", ".pyo"].includes(extension(baseName(file))))
      .map((file) => file.path),
  W002: () => [], // by group, below
  W003: (contents) =>
    paths(topFiles(contents).filter(([name, node]) => !isPth(name) && !hasModuleExtension(node))),
  W004: ({ libs }) =>
    libs.flatMap(({ entries, depth }) =>
      [...entries.values()]
        .flatMap((node) => [...filesUnder(node)])
        .filter((file) => hasModuleExtension(file) && !importable(file.path, depth))
        .map((file) => file.path),
    ),
  W005: ({ top }) => paths(top.filter(([name]) => commonNames.has(name))),
  W006: (contents) => paths(topFiles(contents).filter(([name]) => name === "__init__.py")),
  W007: ({ top }) => (top.length === 0 ? [""] : []),
  W008: ({ root, distInfo }) =>
    [...(root.children?.keys() ?? [])].every((name) => name === distInfo) ? [""] : [],
  W009: ({ top }) => {
    const counted = top.filter(
      ([name, node]) => !name.startsWith("_") && !(isPth(name) && !isDirectory(node)),
    );
    return counted.length > 1 ? paths(counted) : [];
  },
  W010: ({ top }) =>
    paths(
      top.filter(
        ([name, node]) =>
          isDirectory(node) && !isStubs(name) && ![...filesUnder(node)].some(hasModuleExtension),
      ),
    ),
};

/** Whether every package directory and the module name below the library root are identifiers. */
function importable(path: string, depth: number): boolean {
  const parts = path.split("/").slice(depth);
  const base = moduleBase(parts.pop() ?? "") ?? "";
  return [...parts, base].every(isIdentifier);
}

/** W001–W010 for one wheel; nothing when its structure (R001, R002, R009) is too broken to analyse. */
export function checkWheelContents(archive: DistArchive): Finding[] {
  const layout = wheelLayout(archive);
  if (!layout) return [];
  const root = recordTree(layout.record.map(([path]) => path));
  const parsed = parseWheelFilename(archive.filename);
  const dataDir =
    [...(root.children?.keys() ?? [])].find(isDataDirectory) ??
    `${parsed?.distribution}-${parsed?.version}.data`;
  const libs = libraries(root, layout.distInfo, dataDir, layout.rootIsPurelib);
  const contents: Contents = {
    root,
    distInfo: layout.distInfo,
    libs,
    top: libs.flatMap((lib) => [...lib.entries]),
  };
  const found: Finding[] = [];
  const flag = (check: Check, offending: string[]) => {
    if (offending.length === 0) return;
    const listed = offending.some(Boolean) ? `: ${describePaths(offending)}` : "";
    found.push(finding(check, archive.filename, `${check.title}${listed}.`));
  };
  for (const check of Object.values(wheelContentsChecks)) {
    if (check.code === "W002") {
      for (const group of duplicateGroups(layout.record)) flag(check, group);
    } else {
      flag(check, rules[check.code as keyof typeof rules](contents));
    }
  }
  return found;
}

function isStubs(name: string): boolean {
  return name.endsWith("-stubs") && isIdentifier(name.slice(0, -"-stubs".length));
}

/** Groups of RECORD rows with the same size and hash. */
function duplicateGroups(record: readonly string[][]): string[][] {
  const bySignature = new Map<string, string[]>();
  for (const [path, hash, size] of record) {
    if (path.endsWith("/") || badPathReason(path)) continue;
    const key = `${size},${hash}`;
    const group = bySignature.get(key);
    if (group) group.push(path);
    else bySignature.set(key, [path]);
  }
  return [...bySignature]
    .filter(([key, paths]) => paths.length > 1 && !allowedDuplicates.has(key))
    .map(([, paths]) => paths);
}
