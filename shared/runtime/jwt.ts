/** A JWT's claims, read without checking its signature: for diagnostics and scope hints only. */

export type Claims = Record<string, unknown>;

/** The JWT's payload, or {} when it cannot be decoded. */
export function decodeClaims(jwt: string): Claims {
  const payload = jwt.split(".")[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? (claims as Claims) : {};
  } catch {
    return {};
  }
}
