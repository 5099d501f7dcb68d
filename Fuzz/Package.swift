// swift-tools-version: 5.4
// libFuzzer targets for chatbundle, kept out of the main package so that its build and CI
// never see the sanitizer flags. Built by `make fuzz` (see README.md) with
// -sanitize=fuzzer,address; a plain `swift build` here links no fuzzer and has no main.
//
// Tools version 5.4 on purpose: from 5.5 SwiftPM renames an executable's entry point to
// `<module>_main` and links `main` to it, which a fuzzer (whose `main` is libFuzzer's)
// does not have. The language mode is still Swift 6, set by flag.
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which differs between clones and
// worktrees; the products are named through it.
let parent = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let chatbundle = parent.lastPathComponent.lowercased()

let package = Package(
  name: "chatbundle-fuzz",
  dependencies: [.package(path: "..")],
  targets: [
    .executableTarget(
      name: "fuzz-verify", dependencies: [.product(name: "ChatBundle", package: chatbundle)]),
    // The harness both mapper targets share.
    .target(
      name: "MapperFuzzing",
      dependencies: [
        .product(name: "ChatBundle", package: chatbundle), .product(name: "ChatBundleImport", package: chatbundle),
      ]),
    .executableTarget(
      name: "fuzz-easemob-mapper",
      dependencies: ["MapperFuzzing", .product(name: "ChatBundleImport", package: chatbundle)]),
    .executableTarget(
      name: "fuzz-wecom-mapper",
      dependencies: ["MapperFuzzing", .product(name: "ChatBundleImport", package: chatbundle)]),
  ],
)

for target in package.targets {
  target.swiftSettings = [.unsafeFlags(["-swift-version", "6"])]
}
