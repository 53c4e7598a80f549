import { describe, expect, test } from "@jest/globals";
import {
  redact,
  registerSecret,
  SERVER_TEXT_CHARS,
  serverText,
} from "../../../shared/runtime/redact.js";
import { secretForms } from "../../safety/sandbox.js";

const SECRET = 'hunter2"pass\\word/+&=?%42~';
registerSecret(SECRET);

const base64 = (text: string) => Buffer.from(text).toString("base64");
const base64url = (text: string) => Buffer.from(text).toString("base64url");
/** A JWT's shape: three base64url parts, the first two JSON. */
const jwt = (claims: object) =>
  [
    base64url('{"alg":"RS256","typ":"JWT"}'),
    base64url(JSON.stringify(claims)),
    "c2lnbmF0dXJl",
  ].join(".");

describe("registered secrets", () => {
  test("every form of the secret the safety scan knows is removed", () => {
    for (const form of secretForms(SECRET)) {
      expect(redact(`before ${form} after`)).toBe("before *** after");
    }
  });

  test.each(["", "x", "xx", "__token__:", "u:", "user:"])(
    "base64 of %p + the secret (a Basic credential at every alignment)",
    (prefix) => {
      for (const encoded of [base64(prefix + SECRET), base64url(prefix + SECRET)]) {
        const shown = redact(`credential ${encoded}.`);
        for (const form of secretForms(SECRET)) expect(shown).not.toContain(form);
        expect(shown).toContain("***");
      }
    },
  );

  test("the URL-encoded and JSON-escaped forms, and the secret inside longer text", () => {
    expect(redact(`password=${encodeURIComponent(SECRET)}&next=1`)).toBe("password=***&next=1");
    expect(redact(JSON.stringify({ password: SECRET }))).toBe('{"password":"***"}');
    expect(redact(`xx${SECRET}yy`)).toBe("xx***yy");
  });

  test("each line of a multi-line secret is a secret too", () => {
    registerSecret("first-line-of-it\nsecond-line-of-it");
    expect(redact("only second-line-of-it here")).toBe("only *** here");
  });

  test("empty and blank secrets register nothing", () => {
    registerSecret("");
    registerSecret("   ");
    expect(redact("a b  c")).toBe("a b  c");
  });
});

describe("credential headers, any case, in header and JSON or dict form", () => {
  test.each([
    ["Authorization: Basic dXNlcjpwYXNz", "Authorization: ***"],
    ["authorization:Bearer abc", "authorization:***"],
    ["PROXY-AUTHORIZATION: Basic eA==", "PROXY-AUTHORIZATION: ***"],
    ["Cookie: session=abc; other=def", "Cookie: ***"],
    ["set-cookie: id=1; HttpOnly", "set-cookie: ***"],
    [
      "GET / HTTP/1.1\r\nAuthorization: x y z\r\nHost: h",
      "GET / HTTP/1.1\r\nAuthorization: ***\r\nHost: h",
    ],
    ['{"authorization":"Basic dXNlcjpwYXNz","host":"h"}', '{"authorization":"***","host":"h"}'],
    ['{"Cookie": "a=b", "x": 1}', '{"Cookie": "***", "x": 1}'],
    ["{'authorization': 'Bearer t', 'host': 'h'}", "{'authorization': '***', 'host': 'h'}"],
    ['"{\\"authorization\\": \\"Basic eHg6eXk=\\"}"', '"{\\"authorization\\": \\"***\\"}"'],
    ["[('Authorization', 'Basic eHg6eXk=')]", "[('Authorization', '***')]"],
    ['{"set-cookie":["a=b","c=d"]}', '{"set-cookie":***]}'],
  ])("%p", (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe("credential-shaped strings", () => {
  test("Basic and Bearer credentials", () => {
    expect(redact(`sent Basic ${base64("someone:else")} back`)).toBe("sent Basic *** back");
    expect(redact("token: Bearer ghs_abc123def456 (expired)")).toBe("token: Bearer *** (expired)");
    expect(redact("basic ZnJlZDpmbGludHN0b25l")).toBe("basic ***");
  });

  test("JWTs, PyPI API tokens and GitHub tokens", () => {
    const token = jwt({ sub: "repo:o/r:ref:refs/tags/v1", aud: "pypi" });
    expect(redact(`{"token": "${token}"}`)).toBe('{"token": "***"}');
    expect(redact(`input_value='${token}'`)).toBe("input_value='***'");
    const pypi = `pypi-AgEIcHlwaS5vcmc${"A1b2-_".repeat(20)}`;
    expect(redact(`password ${pypi}.`)).toBe("password ***.");
    expect(redact(`pypi-${"x".repeat(40)}`)).toBe("***");
    expect(redact("ghs_16CharsOrMoreAbCd1234 and ghp_AbCdEfGhIjKlMnOpQrSt")).toBe("*** and ***");
  });

  test("a signed URL's signature", () => {
    expect(redact("PUT https://blob.example/x?sv=1&sig=abc%2Fdef&se=2")).toBe(
      "PUT https://blob.example/x?sv=1&sig=***&se=2",
    );
  });
});

describe("ordinary text is left alone", () => {
  test.each([
    "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
    "File already exists ('publish_demo-1.0.0.tar.gz', with blake2_256 hash 'abc').",
    "Basic authentication failed; a Bearer token is required.",
    "use pypi-attestations and pypi-simple, see the Authorization section of the docs",
    "the authorization header was missing",
    "eyJ is how base64 of JSON starts; e30.e30 is not a token",
    "| sub | repo:octo-org/octo-repo:ref:refs/tags/v1.0.0 |",
    "Uploading publish_demo-1.0.0-py3-none-any.whl (1234 bytes)",
    "SHA256:      0f343b0931126a20f133d67c2b018a3b1d6eb1b7ab6d26b21d6c2fcd9e8b3d4e",
    "could not query OSV at https://api.osv.dev (/v1/querybatch got 503)",
  ])("%p", (text) => {
    expect(redact(text)).toBe(text);
  });
});

describe("serverText", () => {
  test("the first non-empty line, trimmed, without control characters", () => {
    expect(serverText("\n  \n  Invalid API Token: bad  \nsecond line")).toBe(
      "Invalid API Token: bad",
    );
    expect(serverText("one\r::add-mask::x")).toBe("one");
    expect(serverText("tab\there\u0007bell\u001b[31mred")).toBe("tab here bell [31mred");
    expect(serverText("")).toBe("");
  });

  test("cut to SERVER_TEXT_CHARS characters, the cut marked", () => {
    const long = "é".repeat(1000);
    const shown = serverText(long);
    expect(Array.from(shown)).toHaveLength(SERVER_TEXT_CHARS);
    expect(shown.endsWith("…")).toBe(true);
    expect(serverText("x".repeat(SERVER_TEXT_CHARS))).toBe("x".repeat(SERVER_TEXT_CHARS));
    expect(Array.from(serverText("😀".repeat(400))).at(-2)).toBe("😀");
  });

  test("redacted before the cut, so no part of a secret survives it", () => {
    const text = `${"x".repeat(290)}${SECRET}`;
    expect(serverText(text)).toBe(`${"x".repeat(290)}***`);
    expect(serverText(`Authorization: Basic ${base64(`__token__:${SECRET}`)}\nmore`)).toBe(
      "Authorization: ***",
    );
  });
});
