import { expect, test } from "@jest/globals";
import { indexRoot } from "../../../shared/lockfiles/indexes.js";

const PYPI = "https://pypi.org";

test("an index's root: without /simple or devpi's /+simple; PyPI's for PyPI, its file host, or no URL", () => {
  expect(indexRoot("https://example.org/simple/", PYPI)).toBe("https://example.org");
  expect(indexRoot("https://devpi.example.org/root/pypi/+simple/", PYPI)).toBe(
    "https://devpi.example.org/root/pypi",
  );
  expect(indexRoot("https://pypi.org/simple", PYPI)).toBe(PYPI);
  expect(indexRoot("https://files.pythonhosted.org/packages/x.whl", PYPI)).toBe(PYPI);
  expect(indexRoot("pypi", PYPI)).toBe(PYPI);
  expect(indexRoot(undefined, PYPI)).toBe(PYPI);
});
