import { expect, test } from "@jest/globals";
import { indexMessage, meansAlreadyThere } from "../../../shared/publish/upload.js";
import { SERVER_TEXT_CHARS } from "../../../shared/runtime/redact.js";

const response = (status: number, statusText: string, body = "") => ({
  status,
  statusText,
  headers: {},
  body,
});

test("Warehouse's message comes from JSON, else the status line, else the body", () => {
  expect(
    indexMessage(
      response(400, "Bad Request", '{"message": "Only one sdist may be uploaded per release."}'),
    ),
  ).toBe("Only one sdist may be uploaded per release.");
  expect(indexMessage(response(400, "File already exists ('a.whl')."))).toBe(
    "File already exists ('a.whl').",
  );
  expect(indexMessage(response(403, "Forbidden", "\nInvalid API Token: bad\n"))).toBe(
    "Invalid API Token: bad",
  );
});

test("what the index said is redacted and cut to one line of at most 300 characters", () => {
  const credential = `Basic ${Buffer.from("__token__:pypi-upload-token").toString("base64")}`;
  const echoed = `you sent Authorization: ${credential}\nHost: index`;
  const shown = [
    indexMessage(response(403, "Forbidden", JSON.stringify({ message: echoed }))),
    indexMessage(response(403, echoed.replace("\n", " "))),
    indexMessage(response(403, "Forbidden", `\n${echoed}`)),
  ];
  expect(shown).toEqual(Array(3).fill("you sent Authorization: ***"));
  const long = indexMessage(response(400, "Bad Request", `${"x".repeat(1000)}\nsecond`));
  expect(long).toHaveLength(SERVER_TEXT_CHARS);
  expect(indexMessage(response(400, "Bad Request", "\n \n"))).toBe("Bad Request");
  expect(indexMessage(response(502, "", ""))).toBe("HTTP 502");
});

test("already-there answers: twine's rule and the second sdist", () => {
  const check = (status: number, text: string) => meansAlreadyThere(response(status, text), text);
  expect(check(409, "Conflict")).toBe(true);
  expect(check(400, "File already exists ('a.whl', with blake2_256 hash 'x').")).toBe(true);
  expect(check(400, "Only one sdist may be uploaded per release.")).toBe(true);
  expect(
    check(400, "The digest supplied does not match a digest calculated from the uploaded file."),
  ).toBe(false);
  expect(check(403, "already exists")).toBe(false);
  expect(check(403, "Not enough permissions to overwrite artifact 'pypi/x.whl'")).toBe(true);
  expect(check(400, "Repository does not allow updating assets: pypi-hosted")).toBe(true);
  expect(check(400, "File name has already been taken")).toBe(true);
});
