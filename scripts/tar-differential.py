#!/usr/bin/env python3
"""What other tar readers make of bundles: the driver of Tests/CLITests/TarDifferentialTests.

    tar-differential.py CASES.json RESULTS.json

CASES.json is {"binary": PATH-OF-chatbundle, "cases": [{"id", "path", "expected",
"run_binary", "whole_file"}]}, where "expected" maps every entry name the manifest lists (and
chatbundle/manifest.json) to the SHA-256 of its bytes, or is null when there is no
manifest to go by. For every case, GNU tar (tar -tvf, tar -xf), bsdtar (-tvf, -xf) and
Python's tarfile (getmembers, extractall with filter='data' and fully trusted) must list
and extract exactly those files with exactly those bytes, into the target directory and
nowhere else; each check is "ok" or says how the tool differs. GNU tar reads the inflated
tar on its standard input unless "whole_file" says to give it the .tar.gz (which it hands
to gzip -d). With "run_binary", the case is also verified by the chatbundle binary and
its exit status recorded.

Cases are spread over two worker processes, since spawning the tools is most of the work.
"""

import concurrent.futures
import gzip
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile

ENVIRONMENT = dict(os.environ, LC_ALL="C", TZ="UTC")
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def sha256(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def extracted(sandbox, target, expected):
    """'ok' if the sandbox holds exactly the expected files, all inside the target."""
    files, problems = {}, []
    for directory, directories, names in os.walk(sandbox):
        for name in directories + names:
            full = os.path.join(directory, name)
            shown = os.path.relpath(full, sandbox)
            mode = os.lstat(full).st_mode
            inside = full.startswith(target + os.sep)
            if stat.S_ISDIR(mode):
                # Only the target's own parents and directories inside it.
                if not inside and not target.startswith(full + os.sep) and full != target:
                    problems.append("a directory outside the target: " + shown)
            elif not stat.S_ISREG(mode):
                problems.append("not a regular file: " + shown)
            elif not inside:
                problems.append("written outside the target: " + shown)
            else:
                files[os.path.relpath(full, target)] = sha256(full)
    if problems:
        return "; ".join(sorted(problems)[:5])
    return compare(files, expected, "extracted")


def compare(found, expected, verb):
    if found == expected:
        return "ok"
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    changed = sorted(name for name in set(found) & set(expected) if found[name] != expected[name])
    parts = []
    if missing:
        parts.append("not %s: %s" % (verb, ", ".join(missing[:3])))
    if extra:
        parts.append("%s unlisted: %s" % (verb, ", ".join(extra[:3])))
    if changed:
        parts.append("other bytes: %s" % ", ".join(changed[:3]))
    return "; ".join(parts)


def listed(lines, fields, expected, regular):
    """'ok' if a -tv listing names exactly the expected entries, all regular files."""
    names = []
    for line in lines:
        if not line:
            continue
        if line[0] not in regular:
            return "lists a non-regular entry: " + line
        parts = line.split(None, fields)
        if len(parts) <= fields:
            return "unexpected listing line: " + line
        names.append(parts[fields])
    if len(names) != len(set(names)):
        return "lists a name twice"
    return compare({name: expected.get(name) for name in names}, expected, "listed")


def run(arguments, stdin=None):
    try:
        done = subprocess.run(arguments, input=stdin, capture_output=True, env=ENVIRONMENT, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, "exit %d: %s" % (done.returncode, message[-1] if message else "")
    return done.stdout.decode("utf-8", "replace"), None


def external(tool, path, expected, sandbox, plain=None):
    """With `plain`, the tool reads the inflated tar on its standard input: GNU tar would
    only hand the file to gzip -d, whose handling of members is not what is tested here."""
    fields, regular = (5, "-C") if tool == "tar" else (8, "-")
    source = "-" if plain is not None else path
    output, failure = run([tool, "-tvf", source], plain)
    results = {tool + " -tvf": failure or listed(output.split("\n"), fields, expected, regular)}
    target = os.path.join(sandbox, "a", "b", "out")
    os.makedirs(target)
    _, failure = run([tool, "-xf", source, "-C", target], plain)
    results[tool + " -xf"] = failure or extracted(sandbox, target, expected)
    return results


def inflated(path):
    try:
        with gzip.open(path) as compressed:
            return compressed.read(), None
    except Exception as error:
        return None, "%s: %s" % (type(error).__name__, error)


def python(tar, failure, expected, sandbox):
    if tar is None:
        return {"tarfile": failure}
    # tarfile's "r:gz" reads through the same gzip module, so the tar is inflated once; one
    # TarFile lists and serves both extractions (each filter works on copies of members).
    results = {}
    try:
        archive = tarfile.open(fileobj=io.BytesIO(tar))
        members = archive.getmembers()
    except Exception as error:  # any failure to read is a difference
        return {"tarfile": "%s: %s" % (type(error).__name__, error)}
    with archive:
        if not all(member.isreg() for member in members):
            results["tarfile list"] = "lists a non-regular entry"
        else:
            names = [member.name for member in members]
            if len(names) != len(set(names)):
                results["tarfile list"] = "lists a name twice"
            else:
                results["tarfile list"] = compare({n: expected.get(n) for n in names}, expected, "listed")
        for label, extraction_filter in (("data", "data"), ("fully trusted", "fully_trusted")):
            key = "tarfile extractall " + label
            box = os.path.join(sandbox, label.replace(" ", "-"))
            target = os.path.join(box, "a", "b", "out")
            os.makedirs(target)
            try:
                archive.extractall(target, filter=extraction_filter)
                results[key] = extracted(box, target, expected)
            except Exception as error:
                results[key] = "%s: %s" % (type(error).__name__, error)
    return results


def check(job):
    case, binary = job
    expected = case["expected"] or {}
    sandbox = tempfile.mkdtemp(prefix="tar-differential-", dir=SCRATCH)
    try:
        tar, failure = inflated(case["path"])
        plain = None if case.get("whole_file") or tar is None else tar
        results = external("tar", case["path"], expected, os.path.join(sandbox, "tar"), plain)
        results.update(external("bsdtar", case["path"], expected, os.path.join(sandbox, "bsdtar")))
        results.update(python(tar, failure, expected, os.path.join(sandbox, "python")))
        status = None
        if case.get("run_binary"):
            status = subprocess.run(
                [binary, "verify", case["path"]], capture_output=True, env=ENVIRONMENT
            ).returncode
        return {"id": case["id"], "checks": results, "binary": status}
    finally:
        # A hostile archive may leave files that are not writable by their owner.
        shutil.rmtree(sandbox, ignore_errors=True)


def main():
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    jobs = [(case, spec["binary"]) for case in spec["cases"]]
    # concurrent.futures fails loudly if a worker dies, where multiprocessing.Pool waits.
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        results = list(pool.map(check, jobs, chunksize=8))
    with open(sys.argv[2], "w") as handle:
        json.dump(results, handle)


if __name__ == "__main__":
    main()
