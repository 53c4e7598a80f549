/** What a lock must hold before anything acts on it: valid names, versions, markers, paths, hashes. */
import { parseMarker } from "../project/markers.js";
import { isValidVersion } from "../project/pep440.js";
import { ConfigurationError } from "../runtime/errors.js";
import type { Lock, LockedFile, LockedPackage, PackageSource } from "./model.js";
import { lineOf } from "./toml-lines.js";

export interface LockProblem {
  package: string;
  line: number;
  message: string;
}

/** Every problem of every entry, in lock order. */
export function lockProblems(lock: Lock): LockProblem[] {
  return lock.packages.flatMap((p) => entryProblems(lock, p));
}

/** Throws a ConfigurationError at the first problem of the lock. */
export function requireValidLock(lock: Lock): Lock {
  const [first, ...rest] = lockProblems(lock);
  if (first) throw problemError(lock, first, rest.length);
  return lock;
}

/** Throws a ConfigurationError at the first problem of one entry. */
export function requireValidEntry(lock: Lock, p: LockedPackage): void {
  const [first] = entryProblems(lock, p);
  if (first) throw problemError(lock, first, 0);
}

function problemError(lock: Lock, problem: LockProblem, more: number): ConfigurationError {
  const others = more > 0 ? ` (and ${more} more problem${more === 1 ? "" : "s"})` : "";
  return new ConfigurationError(`${lock.file}:${problem.line}: ${problem.message}${others}`, {
    file: lock.file,
    line: problem.line,
  });
}

const projectName = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const controlOrSpace = /[\s\p{Cc}]/u;
const control = /\p{Cc}/u;

function entryProblems(lock: Lock, p: LockedPackage): LockProblem[] {
  const shown = JSON.stringify(p.name);
  const problems: { message: string; text?: string }[] = [];
  const add = (message: string, text?: string) => problems.push({ message, text });
  // An editable requirement without a name installs by path alone.
  if (p.source.kind !== "editable" && !projectName.test(p.name))
    add(`${shown} is not a valid project name (PEP 508)`, p.name);
  if (p.version !== undefined && !isValidVersion(p.version))
    add(`${shown}: version ${JSON.stringify(p.version)} is not a PEP 440 version`, p.version);
  for (const marker of markersOf(p)) {
    const why = markerProblem(marker);
    if (why) add(`${shown}: ${why}`, marker);
  }
  const source = sourceProblem(p.source);
  if (source) add(`${shown}: ${source.message}`, source.text);
  for (const file of p.files) {
    if (file.url !== undefined && control.test(file.url))
      add(`${shown}: the file URL ${JSON.stringify(file.url)} has control characters`);
    const why = hashProblem(file);
    if (why) add(`${shown}: ${why.message}`, why.text);
  }
  return problems.map(({ message, text }) => ({
    package: p.name,
    line: (text && lineWith(lock.text, text, p.line)) || p.line,
    message,
  }));
}

/** Git and URL sources must be URLs; paths and references may hold no control characters. */
function sourceProblem(source: PackageSource): { message: string; text?: string } | undefined {
  if (source.kind === "registry") return undefined;
  if (source.kind !== "git" && source.kind !== "url")
    return control.test(source.path)
      ? { message: `the path ${JSON.stringify(source.path)} has control characters` }
      : undefined;
  const why = urlProblem(source.url, source.kind === "git");
  if (why)
    return {
      message: `the ${source.kind} URL ${JSON.stringify(source.url)} ${why}`,
      text: source.url,
    };
  if (source.kind === "git" && source.reference && controlOrSpace.test(source.reference))
    return {
      message: `the git reference ${JSON.stringify(source.reference)} has whitespace`,
      text: source.reference,
    };
  return undefined;
}

/** The markers an entry carries: its own, and those of its dependency edges. */
function markersOf(p: LockedPackage): string[] {
  const edges = [
    ...p.dependencies,
    ...Object.values(p.groupDependencies ?? {}).flat(),
    ...(p.recorded ?? []),
  ];
  return [p.marker, ...edges.map((edge) => edge.marker)].filter(
    (marker): marker is string => marker !== undefined && marker.trim() !== "",
  );
}

function markerProblem(marker: string): string | undefined {
  try {
    parseMarker(marker);
    return control.test(marker)
      ? `marker ${JSON.stringify(marker)} has control characters`
      : undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** scp-like git locations (`git@host:owner/repo.git`) are no URL, but git takes them. */
const scpLike = /^[\w.-]+@[\w.-]+:[^\s:]\S*$/;

function urlProblem(url: string, git: boolean): string | undefined {
  if (controlOrSpace.test(url)) return "has whitespace or control characters";
  const bare = git ? url.replace(/^git\+/, "") : url;
  if (!URL.canParse(bare) && !(git && scpLike.test(bare))) return "is not a URL";
  return undefined;
}

/** pip's `--hash` algorithms, with their hex digest lengths. */
const pipAlgorithms = new Map([
  ["sha256", 64],
  ["sha384", 96],
  ["sha512", 128],
]);
/** hashlib's other guaranteed algorithms: ignored beside one of pip's, an error alone. */
const weakerAlgorithms =
  /^(md5|sha1|sha224|sha3_224|sha3_256|sha3_384|sha3_512|blake2b|blake2s|shake_128|shake_256)$/;

/** What to look for in the lock's text: the digest alone, as pylock writes it apart. */
const hashText = (hash: string) => {
  const digest = hash.slice(hash.indexOf(":") + 1);
  return digest.length >= 8 ? digest : hash;
};

function hashProblem(file: LockedFile): { message: string; text: string } | undefined {
  const label = file.name ?? file.url;
  const of = label ? ` of ${label}` : "";
  const accepted = "pip accepts sha256, sha384 and sha512";
  let strong = false;
  for (const hash of file.hashes) {
    const problem = (why: string) => ({
      message: `the hash ${JSON.stringify(hash)}${of} ${why}`,
      text: hashText(hash),
    });
    const colon = hash.indexOf(":");
    if (colon < 0) return problem("is not algorithm:digest");
    const [algorithm, digest] = [hash.slice(0, colon), hash.slice(colon + 1)];
    const length = pipAlgorithms.get(algorithm);
    if (length !== undefined) {
      if (!/^[0-9a-f]+$/i.test(digest) || digest.length !== length)
        return problem(`is not ${length} hex digits of ${algorithm}`);
      strong = true;
    } else if (!weakerAlgorithms.test(algorithm)) {
      return problem(`uses ${JSON.stringify(algorithm)}; ${accepted}`);
    }
  }
  if (strong || file.hashes.length === 0) return undefined;
  const algorithms = [...new Set(file.hashes.map((h) => h.split(":")[0]))].join(", ");
  return {
    message: `${label ?? "the entry"} has only ${algorithms} hashes; ${accepted}`,
    text: hashText(file.hashes[0]),
  };
}

/** The `--hash` values pip checks for these files: its algorithms only, digests in lower case. */
export function pipHashes(files: LockedFile[]): string[] {
  const hashes = files.flatMap((f) => f.hashes).filter((h) => pipAlgorithms.has(h.split(":")[0]));
  return [...new Set(hashes.map((h) => h.toLowerCase()))].sort();
}

/** The first line at or after `from` that holds `text`. */
const lineWith = (text: string, needle: string, from: number) =>
  lineOf(text, new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")), from);
