/** Author-email and Maintainer-email as Warehouse checks them: `parseaddr`, then email-validator. */

const specialUse = new Set(["arpa", "invalid", "local", "localhost", "onion", "test"]);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const localPart = /^[^\s"(),:;<>@[\\\]\x00-\x1f\x7f]+$/u;
const domainLabel = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/** The one address a header value names, as Python's strict parseaddr finds it; none for a list. */
function singleAddress(value: string): string | undefined {
  const unquoted = value.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  if (unquoted.includes(",")) return undefined;
  const angle = /<([^<>]*)>\s*$/.exec(value);
  return (angle ? angle[1] : value.replace(/\([^()]*\)/g, "")).trim() || undefined;
}

/** Why the header's address is refused, or undefined when PyPI accepts it. */
export function emailProblem(value: string): string | undefined {
  const address = singleAddress(value);
  if (!address) return undefined;
  const at = address.lastIndexOf("@");
  if (at < 0) return `'${address}' is not a valid email address: it has no @-sign.`;
  const [local, domain] = [address.slice(0, at), address.slice(at + 1).toLowerCase()];
  const bad = (why: string) => `'${address}' is not a valid email address: ${why}.`;
  if (!local || !localPart.test(local)) return bad("the part before the @-sign is not valid");
  if (/^\.|\.\.|\.$/.test(local)) return bad("its periods are misplaced");
  const labels = domain.split(".");
  if (labels.length < 2) return bad("the part after the @-sign has no period");
  if (!labels.every((label) => domainLabel.test(label))) {
    return bad("the part after the @-sign is not a valid domain");
  }
  const top = labels[labels.length - 1];
  if (/^\d+$/.test(top)) return bad("it is not within a valid top-level domain");
  if (specialUse.has(top)) return bad("its domain is a special-use or reserved name");
  return undefined;
}
