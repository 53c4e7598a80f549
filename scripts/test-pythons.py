#!/usr/bin/env python3
"""The CPython builds the interpreter tests run besides Debian's own 3.11, on a machine without
pyenv's 3.9.18 to 3.13.0: built once from Debian's source tarballs (checked against the archive's
SHA-256) into a pyenv-like root, with a `roles` file naming which build plays which part.

    scripts/test-pythons.py ensure     (root: $PYSHIP_TEST_PYTHONS, default /var/cache/pyship-pythons)
"""
import hashlib
import lzma
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request

ARCHIVE = "http://deb.debian.org/debian"
ROOT = os.environ.get("PYSHIP_TEST_PYTHONS", "/var/cache/pyship-pythons")
# role: the (suite, source package) pairs it may come from. This archive's mirror lacks some
# sources it lists, so each role takes the newest one it can download; top may fall back to newer.
ROLES = {
    "low": [("bullseye", "python3.9")],
    "twin": [("trixie", "python3.13")],
    "newer": [("sid", "python3.13"), ("forky", "python3.13")],
    "top": [(suite, package) for package in ("python3.15", "python3.14") for suite in ("sid", "forky")],
}
FALLBACK = {"top": "newer"}


def stop(message):
    print(f"pyship: {message}", file=sys.stderr)
    sys.exit(1)


def sources(suite, cache={}):
    """Each source package's stanzas in `suite`: name -> [(upstream version, directory, orig, sha256)]."""
    if suite not in cache:
        with urllib.request.urlopen(f"{ARCHIVE}/dists/{suite}/main/source/Sources.xz", timeout=120) as r:
            text = lzma.decompress(r.read()).decode()
        found = {}
        for stanza in text.split("\n\n"):
            name = re.search(r"^Package: (\S+)$", stanza, re.M)
            if not name or not re.fullmatch(r"python3\.\d+", name.group(1)):
                continue
            directory = re.search(r"^Directory: (\S+)$", stanza, re.M).group(1)
            orig = re.search(r"^ ([0-9a-f]{64}) \d+ (\S+_([^_]+)\.orig\.tar\.xz)$", stanza, re.M)
            if orig:
                found.setdefault(name.group(1), []).append((orig.group(3), directory, orig.group(2), orig.group(1)))
        cache[suite] = found
    return cache[suite]


def version_key(version):
    return tuple(int(part) for part in re.findall(r"\d+", version))


def downloadable(directory, orig):
    request = urllib.request.Request(f"{ARCHIVE}/{directory}/{orig}", headers={"Range": "bytes=0-0"})
    try:
        with urllib.request.urlopen(request, timeout=60):
            return True
    except urllib.error.URLError:
        return False


def choose(role, taken):
    """The newest source for `role` that is not taken and can be downloaded, or None."""
    candidates = [
        candidate
        for suite, package in ROLES[role]
        for candidate in sources(suite).get(package, [])
        if candidate[0] not in taken and re.fullmatch(r"[\d.]+", candidate[0])
    ]
    for candidate in sorted(set(candidates), key=lambda c: version_key(c[0]), reverse=True):
        if downloadable(candidate[1], candidate[2]):
            return candidate
    return None


def build(version, directory, orig, sha256):
    prefix = os.path.join(ROOT, "versions", version)
    if os.path.exists(os.path.join(prefix, "bin", "python3")):
        return
    print(f"pyship: building CPython {version} for the tests, once, about 5 minutes (from Debian's {orig})", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="pyship-cpython-") as scratch:
        with urllib.request.urlopen(f"{ARCHIVE}/{directory}/{orig}", timeout=600) as r:
            data = r.read()
        if hashlib.sha256(data).hexdigest() != sha256:
            stop(f"{orig} does not match the SHA-256 Debian's archive lists for it")
        archive = os.path.join(scratch, orig)
        with open(archive, "wb") as f:
            f.write(data)
        with tarfile.open(archive) as tar:
            tar.extractall(scratch)
        tree = next(os.path.join(scratch, d) for d in os.listdir(scratch) if d.startswith("Python-"))
        log = os.path.join(ROOT, f"build-{version}.log")
        steps = [
            ["./configure", f"--prefix={prefix}", "--without-ensurepip"],
            ["make", f"-j{os.cpu_count() or 2}"],
            ["make", "install"],
        ]
        with open(log, "w") as out:
            for step in steps:
                if subprocess.run(step, cwd=tree, stdout=out, stderr=subprocess.STDOUT).returncode:
                    stop(f"building CPython {version} failed at `{' '.join(step)}` (see {log})")


def ensure():
    os.makedirs(ROOT, exist_ok=True)
    chosen = {}
    for role in ROLES:
        choice = choose(role, {c[0] for c in chosen.values()})
        if choice is None and role in FALLBACK:
            print(f"pyship: no {role} source to download; {FALLBACK[role]} plays it too", file=sys.stderr)
            choice = chosen[FALLBACK[role]]
        if choice is None:
            stop(f"Debian's archive has no source to download for the test role '{role}' ({ROLES[role]})")
        chosen[role] = choice
    for version, directory, orig, sha256 in set(chosen.values()):
        build(version, directory, orig, sha256)
    with open(os.path.join(ROOT, "roles"), "w") as f:
        f.writelines(f"{role} {c[0]}\n" for role, c in chosen.items())


if __name__ == "__main__":
    if sys.argv[1:] != ["ensure"]:
        stop("usage: scripts/test-pythons.py ensure")
    ensure()
