# Answers pep440-differential.test.ts in one run: JSON cases on stdin, one JSON document on stdout.
import json
import sys

import packaging
from packaging.markers import InvalidMarker, Marker, UndefinedComparison

try:
    from packaging.markers import _normalize_extras
except ImportError:  # packaging 23 normalizes extras when it evaluates them
    def _normalize_extras(item):
        return item
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

try:
    from poetry.core.constraints.version import Version as PoetryVersion
    from poetry.core.constraints.version import parse_constraint
except ImportError:
    parse_constraint = None

cases = json.load(sys.stdin)


def version(text):
    try:
        return str(Version(text))
    except InvalidVersion:
        return None


def order(a, b):
    x, y = Version(a), Version(b)
    return (x > y) - (x < y)


specifier_sets = {}


def pep440_compatible(s):
    # packaging 26.2 reads `~=1.0.1.rev1` (a suffix not spelled a/b/rc/post/dev) as `==1.0.1.*`;
    # PEP 440 ignores every suffix, so `~=` clauses are given in normal form.
    clauses = []
    for clause in s.split(","):
        text = clause.strip()
        if text.startswith("~="):
            try:
                text = "~=" + str(Version(text[2:]))
            except InvalidVersion:
                pass
        clauses.append(text)
    return ",".join(clauses)


def contains(v, s):
    if s not in specifier_sets:
        try:
            specifier_sets[s] = SpecifierSet(pep440_compatible(s))
        except InvalidSpecifier:
            specifier_sets[s] = None
    spec = specifier_sets[s]
    if spec is None:
        return "invalid"
    try:
        return spec.contains(v, prereleases=True)
    except InvalidVersion:  # packaging < 24 raised here; 26 answers False
        return "error:InvalidVersion"


def normalize_extras(markers):
    if isinstance(markers, list):
        return [normalize_extras(item) for item in markers]
    return _normalize_extras(markers)


def marker(text, env, extras, groups):
    try:
        parsed = Marker(text)
    except InvalidMarker:
        return "invalid"
    # PEP 685: packaging 26.2 normalizes `extra` values only outside parentheses; apply it at every depth.
    parsed._markers = normalize_extras(parsed._markers)
    environment = dict(env)
    environment["extra"] = extras[0] if extras else ""
    try:
        if "dependency_groups" in text or "extras" in text:
            environment.update(extras=frozenset(extras), dependency_groups=frozenset(groups))
            return parsed.evaluate(environment, "lock_file")
        return parsed.evaluate(environment)
    except UndefinedComparison:
        return "undefined"
    except KeyError:
        # Two quoted strings: packaging parses them but cannot evaluate them.
        return "invalid"
    except Exception as error:
        return f"error:{type(error).__name__}"


def poetry(v, c):
    if parse_constraint is None:
        return "missing"
    try:
        constraint = parse_constraint(c)
    except Exception:
        return "invalid"
    try:
        return constraint.allows(PoetryVersion.parse(v))
    except Exception:
        return "invalid-version"


envs = cases["environments"]
print(
    json.dumps(
        {
            "packaging": packaging.__version__,
            "versions": [version(v) for v in cases["versions"]],
            "order": [order(a, b) for a, b in cases["order"]],
            "contains": [contains(v, s) for v, s in cases["contains"]],
            "markers": [marker(m, envs[e]["env"], envs[e]["extras"], envs[e]["groups"]) for m, e in cases["markers"]],
            "poetry": [poetry(v, c) for v, c in cases["poetry"]],
        }
    )
)
