#!/usr/bin/env python3
"""Validate a chatbundle's JSON records against the JSON Schemas in spec/schemas/.

    python3 scripts/check-schemas.py BUNDLE.tar.gz [--schemas DIR] [--max-failures N]

Reads the bundle once as a stream with the tarfile module (nothing is extracted to disk)
and checks the manifest and every line of every NDJSON file against its schema:

    chatbundle/manifest.json               spec/schemas/manifest.schema.json
    chatbundle/people.ndjson               spec/schemas/people-line.schema.json
    chatbundle/index/conversations.ndjson  spec/schemas/conversation-index-line.schema.json
    chatbundle/index/message-ids.ndjson    spec/schemas/message-index-line.schema.json
    chatbundle/conversations/*.ndjson      spec/schemas/message.schema.json

Media entries are not read. JSON is parsed as strictly as the reference reader does
(duplicate keys, NaN/Infinity, lone surrogates, invalid UTF-8 and nesting deeper than 64
are failures), integers must be written as integers (1.0 is not one), a regular
expression's `$` matches only at the very end of a string (as in ECMA-262), and the
format "chatbundle-identifier" checks the 512-byte limit of identifiers. The canonical
time forms of `created`, `scope.since` and `scope.until` are patterns in the schema.

Besides the schemas, it checks the orders a schema cannot express (spec sections 7-10),
comparing strings bytewise (as UTF-8 bytes):

    manifest: source.inputs by name (repeats allowed), conversations by id, files by
              path, scope.conversations and scope.members, each strictly increasing
    lines:    people.ndjson and index/conversations.ndjson by id, index/message-ids.ndjson
              by message id, each strictly increasing; each conversation file by (ts, id)

It is not a verifier: the gzip and tar layers (CRC, trailing data, entry types, paths),
the entry order, sizes, digests, totals, the indexes' content and the cross-references
between files are checked by `chatbundle verify` (spec section 13).

Exit status: 0 every record is valid and in order, 1 some record is not (up to
--max-failures failures are listed, then checking stops), 2 usage error or unreadable bundle, 3 the jsonschema package
is missing.
"""

import argparse
import json
import os
import re
import sys
import tarfile
import unicodedata

try:
    import jsonschema
    from jsonschema import validators
    from jsonschema.exceptions import ValidationError, best_match
except ImportError:
    sys.stderr.write(
        "check-schemas: the Python package 'jsonschema' (4.x) is required but not installed.\n"
        "Install it with:  python3 -m pip install 'jsonschema>=4'\n")
    sys.exit(3)

ROOT = "chatbundle/"
LINE_LIMIT = 64 * 1024 * 1024      # the reference reader's lineBytes
MANIFEST_LIMIT = 256 * 1024 * 1024  # manifestBytes
JSON_DEPTH = 64                     # jsonDepth
IDENTIFIER_BYTES = 512

SCHEMA_FILES = {
    "manifest": "manifest.schema.json",
    "people": "people-line.schema.json",
    "conversation-index": "conversation-index-line.schema.json",
    "message-index": "message-index-line.schema.json",
    "message": "message.schema.json",
}


class Failure(Exception):
    """A record that is not valid; the message is already made safe to print."""


def safe(text, limit=300):
    """Escapes control, format and separator characters so that hostile text cannot drive
    the terminal, and shortens long text."""
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in "CZ" and char != " ":
            code = ord(char)
            out.append("\\x%02x" % code if code < 0x100 else "\\u%04x" % code if code < 0x10000 else "\\U%08x" % code)
        else:
            out.append(char)
    return "".join(out)


# ---------------------------------------------------------------- strict JSON

def _reject_constant(name):
    raise ValueError("%s is not allowed in JSON" % name)


def _no_duplicates(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("duplicate key %r" % key)
        result[key] = value
    return result


def _check_value(value, depth):
    """Depth limit and lone surrogates, which Python's json accepts and the reference refuses."""
    if isinstance(value, (dict, list)):
        if depth + 1 > JSON_DEPTH:
            raise ValueError("nesting deeper than %d" % JSON_DEPTH)
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        for key, element in items:
            if key is not None:
                _check_string(key)
            _check_value(element, depth + 1)
    elif isinstance(value, str):
        _check_string(value)


def _check_string(text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string holds a lone UTF-16 surrogate")


def strict_json(data):
    if data.startswith(b"\xef\xbb\xbf"):
        raise Failure("a byte order mark is not allowed")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Failure("invalid UTF-8 at byte %d" % error.start)
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
        _check_value(value, 0)
    except (ValueError, RecursionError) as error:
        raise Failure("not strict JSON: %s" % safe(error))
    return value


# ---------------------------------------------------------------- validators

def _strict_integer(checker, instance):
    return isinstance(instance, int) and not isinstance(instance, bool)


def _end_anchored(pattern):
    """ECMA-262 `$` (without the m flag) matches only at the end; Python's also matches
    before a final newline. Rewrite an unescaped final `$` as `\\Z`."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + "\\Z"
    return pattern


_compiled = {}


def _pattern_keyword(validator, pattern, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    regex = _compiled.get(pattern)
    if regex is None:
        regex = _compiled[pattern] = re.compile(_end_anchored(pattern))
    if not regex.search(instance):
        shown = pattern if len(pattern) <= 80 else pattern[:77] + "..."
        yield ValidationError("%s does not match %s" % (safe(repr(instance), 120), shown))


def make_validator_class():
    base = validators.Draft202012Validator
    type_checker = base.TYPE_CHECKER.redefine("integer", _strict_integer)
    return validators.extend(base, validators={"pattern": _pattern_keyword}, type_checker=type_checker)


def make_format_checker():
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("chatbundle-identifier")
    def identifier(instance):
        if not isinstance(instance, str):
            return True
        try:
            return len(instance.encode("utf-8")) <= IDENTIFIER_BYTES
        except UnicodeEncodeError:
            return False

    return checker


def load_validators(directory):
    cls = make_validator_class()
    formats = make_format_checker()
    result = {}
    for kind, name in SCHEMA_FILES.items():
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as handle:
                schema = json.load(handle)
        except (OSError, ValueError) as error:
            sys.stderr.write("check-schemas: cannot read schema %s: %s\n" % (path, error))
            sys.exit(2)
        cls.check_schema(schema)
        result[kind] = cls(schema, format_checker=formats)
    return result


def describe(error):
    pointer = "".join("/" + str(part) for part in error.absolute_path) or "/"
    return "%s: %s" % (safe(pointer, 120), safe(error.message))


# ---------------------------------------------------------------- orders

def bytewise(text):
    """The sort key of bytewise order: a string's UTF-8 bytes (Python compares bytes as
    unsigned bytes, a prefix first)."""
    return text.encode("utf-8")


def line_key(kind, value):
    """The key an NDJSON file is sorted by, for a line that matches its schema."""
    if kind == "message":
        return (value["ts"], bytewise(value["id"]))
    if kind == "message-index":
        return bytewise(value[0])
    return bytewise(value["id"])


# ---------------------------------------------------------------- the bundle

def kind_of(name):
    if not name.startswith(ROOT):
        return None
    path = name[len(ROOT):]
    if path == "manifest.json":
        return "manifest"
    if path == "people.ndjson":
        return "people"
    if path == "index/conversations.ndjson":
        return "conversation-index"
    if path == "index/message-ids.ndjson":
        return "message-index"
    if path.startswith("conversations/") and path.endswith(".ndjson"):
        return "message"
    if path.startswith("media/"):
        return "media"
    return None


class Checker:
    def __init__(self, validators_by_kind, max_failures):
        self.validators = validators_by_kind
        self.max_failures = max_failures
        self.failures = []
        self.counts = {kind: 0 for kind in SCHEMA_FILES}
        self.files = 0
        self.media = 0
        self.ignored = []

    @property
    def full(self):
        return len(self.failures) >= self.max_failures

    def fail(self, where, message):
        self.failures.append("%s: %s" % (where, message))

    def check_value(self, kind, value, where):
        """Validates one record; returns whether it matches its schema."""
        self.counts[kind] += 1
        error = best_match(self.validators[kind].iter_errors(value))
        if error is not None:
            self.fail(where, describe(error))
            return False
        return True

    def check_order(self, where, pointer, what, keys, strictly):
        """Fails at the first key that is not after the one before it (bytewise)."""
        for index in range(1, len(keys)):
            previous, current = keys[index - 1], keys[index]
            if current < previous or (strictly and current == previous):
                problem = "repeats the one before" if current == previous else "is not after the one before in bytewise order"
                self.fail(where, "%s/%d: %s %s" % (pointer, index, what, problem))
                return

    def check_manifest_orders(self, manifest, where):
        """The orders of spec section 7 that the schema cannot express. Only called for a
        manifest that matches the schema, so every value has the right type."""
        source = manifest["source"]
        self.check_order(where, "/source/inputs", "name", [bytewise(i["name"]) for i in source["inputs"]], False)
        self.check_order(where, "/conversations", "id", [bytewise(c["id"]) for c in manifest["conversations"]], True)
        self.check_order(where, "/files", "path", [bytewise(f["path"]) for f in manifest["files"]], True)
        for key in ("conversations", "members"):
            values = manifest["scope"].get(key)
            if values is not None:
                self.check_order(where, "/scope/" + key, "value", [bytewise(v) for v in values], True)

    def check_manifest(self, handle, name):
        data = handle.read(MANIFEST_LIMIT + 1)
        if len(data) > MANIFEST_LIMIT:
            self.fail(safe(name), "larger than %d bytes" % MANIFEST_LIMIT)
            return
        try:
            value = strict_json(data)
        except Failure as failure:
            self.fail(safe(name), str(failure))
            return
        if self.check_value("manifest", value, safe(name)):
            self.check_manifest_orders(value, safe(name))

    def check_ndjson(self, kind, handle, name):
        number = 0
        previous = None
        while not self.full:
            line = handle.readline(LINE_LIMIT + 1)
            if not line:
                return
            number += 1
            where = "%s:%d" % (safe(name), number)
            if len(line) > LINE_LIMIT and not line.endswith(b"\n"):
                self.fail(where, "line longer than %d bytes" % LINE_LIMIT)
                while line and not line.endswith(b"\n"):
                    line = handle.readline(LINE_LIMIT + 1)
                continue
            body = line[:-1] if line.endswith(b"\n") else line
            if not body:
                self.fail(where, "blank line")
                continue
            try:
                value = strict_json(body)
            except Failure as failure:
                self.fail(where, str(failure))
                continue
            if not self.check_value(kind, value, where):
                continue
            key = line_key(kind, value)
            if previous is not None and key <= previous:
                if kind == "message":
                    problem = "repeats the (ts, id) of the line before" if key == previous else \
                        "is not in (ts, id) order after the line before"
                else:
                    problem = "repeats the id of the line before" if key == previous else \
                        "is not in bytewise order of id after the line before"
                self.fail(where, problem)
            previous = key

    def run(self, bundle):
        with tarfile.open(bundle, mode="r|gz") as archive:
            for member in archive:
                if self.full:
                    break
                kind = kind_of(member.name)
                if not member.isfile() or kind is None:
                    self.ignored.append(member.name)
                    continue
                if kind == "media":
                    self.media += 1
                    continue
                self.files += 1
                handle = archive.extractfile(member)
                if kind == "manifest":
                    self.check_manifest(handle, member.name)
                else:
                    self.check_ndjson(kind, handle, member.name)


def main(argv):
    default_schemas = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "spec", "schemas")
    parser = argparse.ArgumentParser(
        description="Validate a chatbundle's manifest and NDJSON lines against the JSON Schemas.")
    parser.add_argument("bundle", help="the bundle (.tar.gz)")
    parser.add_argument("--schemas", default=os.path.normpath(default_schemas),
                        help="directory holding the schemas (default: spec/schemas)")
    parser.add_argument("--max-failures", type=int, default=20,
                        help="stop after this many invalid records (default: 20)")
    args = parser.parse_args(argv)
    if args.max_failures < 1:
        parser.error("--max-failures must be at least 1")

    checker = Checker(load_validators(args.schemas), args.max_failures)
    try:
        checker.run(args.bundle)
    except (OSError, EOFError, tarfile.TarError) as error:
        sys.stderr.write("check-schemas: cannot read %s: %s\n" % (safe(args.bundle), safe(error)))
        return 2

    counts = checker.counts
    total = sum(counts.values())
    print("checked %d records in %d files: %d manifest, %d people, %d conversation index, "
          "%d message index, %d messages; %d media files not read"
          % (total, checker.files, counts["manifest"], counts["people"], counts["conversation-index"],
             counts["message-index"], counts["message"], checker.media))
    if checker.ignored:
        shown = ", ".join(safe(name, 80) for name in checker.ignored[:5])
        more = "" if len(checker.ignored) <= 5 else ", …"
        print("note: %d entries are not files the format defines and were not checked: %s%s"
              % (len(checker.ignored), shown, more))
    if counts["manifest"] == 0 and not any("manifest" in failure for failure in checker.failures):
        checker.fail(ROOT + "manifest.json", "the bundle has no manifest")
    if checker.failures:
        for failure in checker.failures:
            print("FAIL " + failure)
        if checker.full:
            print("stopped after %d failures" % len(checker.failures))
        else:
            print("%d invalid records" % len(checker.failures))
        return 1
    print("all records match the schemas and are in order")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
