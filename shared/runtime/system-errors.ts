/** Node's system errors (ENOENT, EISDIR, spawn failures…) as plain words, never raw errno text. */

const reasons: Record<string, string> = {
  ENOENT: "it does not exist",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
  EEXIST: "something already exists there",
  ENAMETOOLONG: "the path or a name in it is too long",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  ELOOP: "it has too many levels of symbolic links",
  ENOSPC: "the disk is full",
  EROFS: "the file system is read-only",
  ENOTEMPTY: "the folder is not empty",
  EMFILE: "too many files are open",
  EBUSY: "it is busy",
  EXDEV: "it is on another file system",
  ECONNRESET: "the connection was reset",
  ECONNREFUSED: "the connection was refused",
  ECONNABORTED: "the connection was aborted",
  ETIMEDOUT: "the connection timed out",
  EPIPE: "the other side closed the connection",
  ENOTFOUND: "the host name is unknown",
  EAI_AGAIN: "the host name could not be looked up",
  EHOSTUNREACH: "the host cannot be reached",
  ENETUNREACH: "the network cannot be reached",
  E2BIG: "the command line is too long",
};

const verbs: Record<string, string> = {
  open: "open",
  read: "read",
  write: "write",
  mkdir: "create the folder",
  mkdtemp: "create a folder in",
  rmdir: "remove",
  rm: "remove",
  unlink: "remove",
  scandir: "list",
  opendir: "list",
  stat: "look at",
  lstat: "look at",
  realpath: "resolve",
  copyfile: "copy",
  rename: "move",
  symlink: "link",
  chmod: "change the mode of",
  access: "use",
};

/** Not `instanceof Error`: errors from another realm (a VM context) count too. */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  if (typeof error !== "object" || error === null) return false;
  const { code, syscall } = error as NodeJS.ErrnoException;
  return typeof code === "string" && /^E[A-Z0-9_]+$/.test(code) && typeof syscall === "string";
}

/** Why a system call failed, in words: "it does not exist". */
export function systemReason(error: NodeJS.ErrnoException): string {
  return reasons[error.code ?? ""] ?? "the system refused it";
}

/**
 * The error as a sentence naming what was being done and to which path, e.g.
 * "cannot list src/app: a part of the path is a file, not a folder".
 */
export function describeSystemError(
  error: NodeJS.ErrnoException,
  shown: (file: string) => string = (file) => file,
): string {
  const syscall = error.syscall ?? "";
  const target = error.path ?? (error as { dest?: string }).dest;
  if (syscall.startsWith("spawn")) {
    return `cannot run ${target ?? "the program"}: ${systemReason(error)}`;
  }
  const verb = verbs[syscall] ?? "use";
  return `cannot ${verb} ${target ? shown(target) : "a file"}: ${systemReason(error)}`;
}

/** A library's message with each errno code in it put into words: "Unable to make request: the connection was refused". */
export function explainErrnoCodes(text: string): string {
  return text.replace(
    /\b(?:getaddrinfo |connect |read |write )?(E[A-Z0-9_]{3,})\b(?: [\w.:-]+)?/g,
    (whole, code: string) => reasons[code] ?? whole,
  );
}
