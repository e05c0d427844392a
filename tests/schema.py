#!/usr/bin/env python3
"""schema.py: daneprobe's JSON documents against schema/*.schema.json (TAP).

    tests/schema.py [--capture DIR] [--daneprobe FILE] [DOCUMENT.json ...]
    tests/schema.py --record      writes schema/VERSION (after a version bump)

It checks, one TAP line each:
  - every schema is a valid JSON Schema (draft 2020-12), its $id is
    BASE/N/NAME with N = DP_JSON_VERSION (src/output.h), and defs'
    "version" is N;
  - schema/VERSION ("version N sha256 H") records N and the hash H of the
    schema files: a schema changed without a new version fails, and so does
    a new version that was not recorded;
  - each document given, and each one tests/lib.sh's run captured in DIR
    (NAME.XXXXXX.json, the command line in NAME.XXXXXX.cmd; those older than
    the daneprobe under test are left alone), validates against the schema
    for its "command": a file of JSON Lines is a stream of check -f or
    smtp -f, each line a record and the last the summary;
  - each lab test that ran to its end (NAME.ran) and runs daneprobe --json
    left documents (else the capture is broken).

$refs are resolved from the schema files alone: nothing goes to the network.
Works with python3-jsonschema 4.10 (Debian 12: RefResolver) and later
(referencing.Registry).
"""
import glob
import hashlib
import json
import os
import re
import sys

SRCDIR = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SCHEMA_DIR = os.path.join(SRCDIR, "schema")
VERSION_FILE = os.path.join(SCHEMA_DIR, "VERSION")
BASE = "https://daneprobe.example/schema/"
# A document's "command" -> its schema; streams by the command of their summary line.
SCHEMA_OF = {c: c + ".schema.json" for c in
             ("lookup", "check", "smtp", "verify", "tlsa", "lint", "rollover")}
STREAM_OF = {"check": "check-stream.schema.json", "smtp": "smtp-stream.schema.json"}

n = 0
failed = 0


def tap(good, what, diag=()):
    global n, failed
    n += 1
    if not good:
        failed += 1
    print("%s %d - %s" % ("ok" if good else "not ok", n, what))
    for line in diag if not good else ():
        for part in str(line).splitlines():
            print("# " + part)


def schema_files():
    return sorted(f for f in os.listdir(SCHEMA_DIR) if f.endswith(".schema.json"))


def schema_hash():
    """SHA-256 of `sha256sum *.schema.json` (C-locale order), as sha256sum prints it."""
    listing = ""
    for f in schema_files():
        with open(os.path.join(SCHEMA_DIR, f), "rb") as fp:
            listing += "%s  %s\n" % (hashlib.sha256(fp.read()).hexdigest(), f)
    return hashlib.sha256(listing.encode()).hexdigest()


def source_version():
    with open(os.path.join(SRCDIR, "src", "output.h")) as fp:
        m = re.search(r"^#define\s+DP_JSON_VERSION\s+(\d+)\s*$", fp.read(), re.M)
    return int(m.group(1)) if m else None


def recorded():
    try:
        with open(VERSION_FILE) as fp:
            for line in fp:
                m = re.match(r"^version (\d+) sha256 ([0-9a-f]{64})$", line.strip())
                if m:
                    return int(m.group(1)), m.group(2)
    except OSError:
        pass
    return None, None


def record():
    v = source_version()
    rv, rh = recorded()
    if rv == v and rh != schema_hash():
        sys.stderr.write("schema.py: schema/VERSION has version %d with other schemas: a change"
                         " to them needs a new DP_JSON_VERSION (src/output.h) first\n" % v)
        return 1
    with open(VERSION_FILE, "w") as fp:
        fp.write("# The JSON document version (DP_JSON_VERSION, src/output.h) and the SHA-256\n"
                 "# of the schemas: (cd schema && LC_ALL=C sha256sum *.schema.json) | sha256sum\n"
                 "# A schema change needs a new version: tests/schema.py --record writes this.\n"
                 "version %d sha256 %s\n" % (v, schema_hash()))
    print("schema/VERSION: version %d sha256 %s" % (v, schema_hash()))
    return 0


def load_schemas():
    schemas = {}
    for f in schema_files():
        with open(os.path.join(SCHEMA_DIR, f)) as fp:
            schemas[f] = json.load(fp)
    return schemas


def make_validators(schemas):
    """name -> a function(instance, ref=None) yielding errors; $refs resolved locally."""
    from jsonschema import Draft202012Validator as V

    by_id = {s["$id"]: s for s in schemas.values()}
    try:
        import inspect
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        if "registry" not in inspect.signature(V).parameters:
            raise ImportError("jsonschema before 4.18")
        registry = Registry().with_resources(
            (i, Resource.from_contents(s, default_specification=DRAFT202012)) for i, s in by_id.items())

        def validator(schema):
            return V(schema, registry=registry)
    except ImportError:
        from jsonschema import RefResolver

        def validator(schema):
            return V(schema, resolver=RefResolver.from_schema(schema, store=dict(by_id)))

    cache = {}

    def errors(name, instance, fragment=None):
        key = (name, fragment)
        if key not in cache:
            s = schemas[name]
            if fragment is not None:
                s = {"$ref": s["$id"] + "#/$defs/" + fragment}
            cache[key] = validator(s)
        return sorted(cache[key].iter_errors(instance), key=lambda e: list(e.absolute_path))
    return errors


def where_in(e):
    return "".join("[%s]" % json.dumps(p) for p in e.absolute_path) or "(the document)"


def deepest(e):
    """Of a oneOf or anyOf that failed, the error deepest in the document: its reason."""
    while e.context:
        e = max(e.context, key=lambda c: (len(c.absolute_path), c.validator != "type"))
    return e


def describe(errs, where=""):
    out = []
    for e in errs[:5]:
        msg = e.message if not e.context else "none of the forms it may take (%s) fits" % e.validator
        out.append("%s%s: %s" % (where, where_in(e), msg[:300]))
        if e.context:
            d = deepest(e)
            out.append("  %s%s: %s" % (where, where_in(d), d.message[:300]))
    if len(errs) > 5:
        out.append("... and %d more" % (len(errs) - 5))
    return out


def check_schemas(schemas):
    import jsonschema
    v = source_version()
    for name, s in schemas.items():
        probs = []
        try:
            jsonschema.Draft202012Validator.check_schema(s)
        except jsonschema.SchemaError as e:
            probs.append("not a valid draft 2020-12 schema: %s" % e.message)
        if s.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            probs.append("$schema is not draft 2020-12")
        if s.get("$id") != "%s%s/%s" % (BASE, v, name):
            probs.append("$id is %r, want %r" % (s.get("$id"), "%s%s/%s" % (BASE, v, name)))
        tap(not probs, "schema %s (version %s)" % (name, v), probs)
    d = schemas.get("defs.schema.json", {}).get("$defs", {})
    tap(d.get("version", {}).get("const") == v, "defs.schema.json: version is DP_JSON_VERSION (%s)" % v,
        ["its version const is %r" % d.get("version", {}).get("const")])
    missing = [c for c in list(SCHEMA_OF.values()) + list(STREAM_OF.values()) if c not in schemas]
    tap(not missing, "a schema for every document kind", ["missing: %s" % " ".join(missing)])


def check_hash():
    v, h = source_version(), schema_hash()
    rv, rh = recorded()
    record = "then run tests/schema.py --record (it writes schema/VERSION) and commit that"
    if rv is None:
        tap(False, "schema/VERSION records the version and the schemas' hash",
            ["schema/VERSION is missing or has no 'version N sha256 H' line;", record])
    elif h != rh and v == rv:
        tap(False, "the schemas changed without a new document version",
            ["schema/VERSION: version %d sha256 %s" % (rv, rh), "the schemas now: sha256 %s" % h,
             "bump DP_JSON_VERSION in src/output.h to %d, the $id's to /schema/%d/ and the"
             " version const in schema/defs.schema.json to %d," % (v + 1, v + 1, v + 1), record])
    elif v != rv:
        tap(False, "DP_JSON_VERSION is recorded with its schemas",
            ["src/output.h has version %s, schema/VERSION records version %d:" % (v, rv),
             "make the $id's /schema/%s/ and the version const %s in the schemas," % (v, v), record])
    else:
        tap(True, "schema/VERSION: version %d, the schemas' hash as recorded" % v)


def read_doc(path):
    """('doc', value) or ('lines', [values]); raises ValueError."""
    with open(path, encoding="utf-8") as fp:
        text = fp.read()
    try:
        return "doc", json.loads(text)
    except ValueError:
        lines = [l for l in text.split("\n") if l.strip()]
        if len(lines) < 2:
            raise
        return "lines", [json.loads(l) for l in lines]


def is_summary(d):
    return isinstance(d, dict) and isinstance(d.get("summary"), dict) and "targets" not in d


def validate_file(errors, path, label):
    cmd = ""
    if os.path.exists(path[:-5] + ".cmd"):
        with open(path[:-5] + ".cmd", errors="replace") as fp:
            cmd = fp.read().strip()
    ctx = ["command: " + cmd] if cmd else []
    try:
        kind, d = read_doc(path)
    except (ValueError, UnicodeDecodeError) as e:
        tap(False, "%s: JSON or JSON Lines" % label, ctx + ["does not parse: %s" % e])
        return 0
    if kind == "doc" and is_summary(d):	# a stream of no record: its summary alone
        kind, d = "lines", [d]
    if kind == "doc":
        c = d.get("command") if isinstance(d, dict) else None
        if c not in SCHEMA_OF:
            tap(False, "%s: a document with a known \"command\"" % label, ctx + ["command %r" % c])
            return 0
        errs = errors(SCHEMA_OF[c], d)
        tap(not errs, "%s: %s document" % (label, c), ctx + describe(errs))
        return 1
    last = d[-1]
    c = last.get("command") if isinstance(last, dict) else None
    if not is_summary(last) or c not in STREAM_OF:
        tap(False, "%s: JSON Lines end with a check or smtp summary" % label,
            ctx + ["last line: %s" % json.dumps(last)[:300]])
        return 0
    errs = []
    for i, line in enumerate(d[:-1]):
        errs += describe(errors(STREAM_OF[c], line, "record"), "line %d" % (i + 1))
    errs += describe(errors(STREAM_OF[c], last, "summary"), "line %d (summary)" % len(d))
    tap(not errs, "%s: %s -f stream, %d lines" % (label, c, len(d)), ctx + errs[:20])
    return len(d)


def main(argv):
    capture = None
    daneprobe = os.environ.get("DANEPROBE")
    docs = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--record":
            return record()
        elif a == "--capture":
            capture = args.pop(0)
        elif a == "--daneprobe":
            daneprobe = args.pop(0)
        else:
            docs.append(a)

    check_hash()
    try:
        import jsonschema
        jsonschema.Draft202012Validator
    except (ImportError, AttributeError):
        print("# SKIP the validation: no jsonschema with draft 2020-12 (python3-jsonschema;"
              " tools/dev.sh deps installs it)")
        print("1..%d" % n)
        return 1 if failed else 0
    schemas = load_schemas()
    check_schemas(schemas)
    errors = make_validators(schemas)

    total = files = 0
    for p in docs:
        files += 1
        total += validate_file(errors, p, os.path.relpath(p, SRCDIR) if p.startswith(SRCDIR) else p)

    if capture is not None:
        since = os.path.getmtime(daneprobe) if daneprobe and os.path.exists(daneprobe) else 0
        caps = sorted(glob.glob(os.path.join(capture, "*.json")))
        stale = [p for p in caps if os.path.getmtime(p) < since]
        fresh = [p for p in caps if os.path.getmtime(p) >= since]
        if stale:
            print("# %d captured documents are older than %s: left alone (run their tests again)"
                  % (len(stale), daneprobe))
        by_test = {}
        for p in fresh:
            name = os.path.basename(p).split(".")[0]
            by_test[name] = by_test.get(name, 0) + 1
            files += 1
            total += validate_file(errors, p, "%s (%s.test)" % (os.path.basename(p), name))
        ran = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(capture, "*.ran"))
                     if os.path.getmtime(p) >= since)
        for name in ran:
            src = [s for s in (os.path.join(SRCDIR, "tests", "lab", name + ".test"),
                               os.path.join(SRCDIR, "tests", name + ".test")) if os.path.exists(s)]
            with open(src[0]) if src else open(os.devnull) as fp:
                uses_json = "--json" in fp.read()
            if uses_json:
                tap(by_test.get(name, 0) > 0, "%s.test ran and left its documents (%d)"
                    % (name, by_test.get(name, 0)),
                    ["it runs daneprobe --json, but nothing was captured: is tests/lib.sh's run"
                     " still how it runs daneprobe, with DP_JSON_CAPTURE set?"])
        if not ran:
            print("# no lab test ran (they need root): only the other documents were validated")
        print("# %d lab tests ran; %d captured files" % (len(ran), len(fresh)))
    print("# validated %d documents and lines in %d files" % (total, files))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
