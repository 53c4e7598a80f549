"""The oracles' verdicts on real dists, run inside the oracle chroot by scripts/dist-verdicts.mjs.

For each dist path on stdin, one JSON line: twine 7's verdict (PackageFile.from_filename, which
validates with packaging.metadata), the form twine sends (as a digest of its sorted fields), and
PyPI's verdict from the replica of Warehouse's upload rules in pypi_rules.py.
"""

import hashlib
import io
import json
import os
import sys

from twine import exceptions
from twine.package import PackageFile
from twine.repository import Repository

sys.path.insert(0, os.path.dirname(__file__))
import pypi_rules  # noqa: E402


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def form_digest(fields):
    """The field multiset, sorted, as compact JSON, hashed: what test/harness/dist-corpus.ts computes."""
    pairs = sorted([key, value] for key, value in fields)
    text = json.dumps(pairs, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def verdict(path):
    entry = {"sha256": sha256(path), "file": os.path.basename(path)}
    try:
        package = PackageFile.from_filename(path, comment=None)
    except exceptions.InvalidDistribution as error:
        entry["twine"] = str(error)
        entry["pypi"] = "not sent: twine refuses it"
        return entry
    entry["twine"] = "ok"
    data = Repository._convert_metadata_to_list_of_tuples(package.metadata_dictionary())
    fields = [(k, v) for k, v in data if not k.endswith("_digest")]
    fields += [(":action", "file_upload"), ("protocol_version", "1")]
    entry["form"] = form_digest(fields)
    entry["pypi"] = pypi_rules.refusal(path, fields) or "ok"
    return entry


def main():
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        try:
            entry = verdict(path)
        except Exception as error:  # an oracle failure is recorded, not hidden
            entry = {"file": os.path.basename(path), "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="surrogateescape")
    main()
