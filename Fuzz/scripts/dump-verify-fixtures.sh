#!/usr/bin/env bash
# Writes every verify fixture the tests make (VerifyFixtures.make, one damaged bundle per
# issue code, and the valid sample) to DIR as .tar.gz files, for the fuzz-verify seed
# corpus. ChatBundleTestSupport is not a product, so a throwaway package in a temporary
# directory compiles copies of its sources with a small main, against the project.
#
# usage: Fuzz/scripts/dump-verify-fixtures.sh DIR   (run from the repository root)
set -euo pipefail
out=$(realpath -m "$1")
root=$(pwd)
work=${DUMP_WORK:-$(mktemp -d)}
mkdir -p "$out" "$work/Sources/dump"
cp Sources/ChatBundleTestSupport/*.swift \
  "$work/Sources/dump/"
name=$(basename "$root" | tr 'A-Z' 'a-z')
cat >"$work/Package.swift" <<MANIFEST
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
  name: "dump",
  dependencies: [.package(path: "$root")],
  targets: [.executableTarget(name: "dump", dependencies: [.product(name: "ChatBundle", package: "$name")])]
)
MANIFEST
cat >"$work/Sources/dump/main.swift" <<'MAIN'
import ChatBundle
import Foundation

let out = CommandLine.arguments[1]
func write(_ name: String, _ bytes: [UInt8]) {
  FileManager.default.createFile(atPath: out + "/" + name + ".tar.gz", contents: Data(bytes))
}
write("sample", try FixtureBundle.sample().gzipped())
for code in IssueCode.allCases {
  do {
    let fixture = try VerifyFixtures.make(code)
    // A fixture that needs lowered limits is the valid sample read under them: skip it.
    if fixture.limits != BundleLimits() { continue }
    write("\(code.rawValue)_\(code)", fixture.bytes)
  } catch {
    FileHandle.standardError.write(Data("\(code.rawValue): \(error)\n".utf8))
  }
}
MAIN
swift build --package-path "$work" -j 2 >&2
"$work/.build/debug/dump" "$out"
ls "$out" | wc -l
