// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "chatbundle",
  products: [
    .executable(name: "chatbundle", targets: ["chatbundle"]),
    .library(name: "ChatBundle", targets: ["ChatBundle"]),
    .library(name: "ChatBundleImport", targets: ["ChatBundleImport"]),
    .library(name: "ChatBundleExport", targets: ["ChatBundleExport"]),
    .library(name: "ChatBundleConnect", targets: ["ChatBundleConnect"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    // Test support only: the stand-in Easemob server runs inside the connector tests. No
    // default traits, so swift-configuration is not built for it.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    // RFC 3161 timestamps: certificates, chains and the DER of the requests and tokens.
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
  ],
  targets: [
    // The only C modules. Nothing but ArchiveIO imports them, nor the C library: its
    // system calls go through swift-system there too.
    .systemLibrary(
      name: "CLibArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // export sqlite: the system's libsqlite3 (its FTS5 is built in on Debian).
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .target(
      name: "ArchiveIO",
      dependencies: ["CLibArchive", "CZlib", "CSQLite", .product(name: "SystemPackage", package: "swift-system")]),
    .target(
      name: "ChatBundle",
      dependencies: ["ArchiveIO", .product(name: "Crypto", package: "swift-crypto")]),
    // Crypto for WeCom's MD5 checksums, which the bundle itself never uses.
    .target(
      name: "ChatBundleImport", dependencies: ["ChatBundle", .product(name: "Crypto", package: "swift-crypto")]),
    // The site's templates, compiled into the binary; `render --templates DIR` overrides them.
    .target(
      name: "ChatBundleTemplates", path: "templates",
      exclude: ["README.md"],
      resources: [
        .embedInCode("site/layout.mustache"), .embedInCode("site/index.mustache"),
        .embedInCode("site/conversation.mustache"), .embedInCode("site/style.css"),
        .embedInCode("site/search.mustache"), .embedInCode("site/search.js"),
        .embedInCode("site/overview.mustache"), .embedInCode("site/gallery.mustache"),
        .embedInCode("certificate/certificate.mustache"),
        .embedInCode("pdf/document.mustache"), .embedInCode("pdf/print.css"),
      ]),
    .target(
      name: "ChatBundleSite",
      dependencies: ["ChatBundle", "ChatBundleTemplates", .product(name: "Mustache", package: "swift-mustache")]),
    // CSV for people and a migration file for Easemob's import API, from a verified bundle.
    .target(name: "ChatBundleExport", dependencies: ["ArchiveIO", "ChatBundle"]),
    // export pdf: the site's message rendering printed by headless Chromium, which runs only
    // when the export does (nothing here links to it).
    .target(
      name: "ChatBundlePrint",
      dependencies: [
        "ArchiveIO", "ChatBundle", "ChatBundleSite", "ChatBundleExport", "ChatBundleTemplates",
        .product(name: "Mustache", package: "swift-mustache"),
      ]),
    // Network connectors: pulls Easemob history and media, replays import bodies.
    .target(
      name: "ChatBundleConnect",
      dependencies: ["ArchiveIO", "ChatBundle", "ChatBundleImport"]),
    // RFC 3161 timestamps over a bundle id: the request, the reply, the token and its offline
    // check (signature, ESS signing certificate, timeStamping EKU, chain at genTime), and a
    // client that posts the request to a TSA.
    .target(
      name: "ChatBundleTimestamp",
      dependencies: [
        "ChatBundle", .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"), .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .executableTarget(
      name: "chatbundle",
      dependencies: [
        "ArchiveIO", "ChatBundle", "ChatBundleImport", "ChatBundleSite", "ChatBundleExport", "ChatBundleConnect",
        "ChatBundleTimestamp", "ChatBundlePrint",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .target(name: "ChatBundleTestSupport", dependencies: ["ChatBundle", "ArchiveIO"]),
    .testTarget(name: "ArchiveIOTests", dependencies: ["ArchiveIO", "ChatBundleTestSupport"]),
    .testTarget(
      name: "ChatBundleTests",
      dependencies: [
        "ChatBundle", "ChatBundleTestSupport",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]),
    .testTarget(
      name: "ChatBundleImportTests",
      dependencies: ["ArchiveIO", "ChatBundleImport", "ChatBundleTestSupport"]),
    .testTarget(
      name: "ChatBundleSiteTests",
      dependencies: [
        "ChatBundleSite", "ChatBundleTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
      ], exclude: ["Golden"]),
    .testTarget(
      name: "ChatBundleExportTests",
      dependencies: [
        "ChatBundleExport", "ChatBundleTestSupport", .product(name: "Crypto", package: "swift-crypto"),
      ]),
    .testTarget(name: "CLITests", dependencies: ["ChatBundleTestSupport"]),
    .testTarget(name: "ChatBundlePrintTests", dependencies: ["ChatBundlePrint", "ChatBundleTestSupport"]),
    // The fake Easemob server (Hummingbird, on 127.0.0.1) lives in these tests, not in the product.
    .testTarget(
      name: "ConnectTests",
      dependencies: [
        "ArchiveIO", "ChatBundle", "ChatBundleConnect", "ChatBundleImport", "ChatBundleTestSupport", "LoopbackServer",
        .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
      ]),
    // A real TSA: openssl makes the CA and TSA certificates and answers each request, behind
    // a Hummingbird server on 127.0.0.1.
    .testTarget(
      name: "TimestampTests",
      dependencies: [
        "ChatBundle", "ChatBundleTimestamp", "ChatBundleTestSupport",
        .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
        "LoopbackServer",
      ]),
    // Test support: a Hummingbird server on 127.0.0.1 for the tests that need one.
    .target(
      name: "LoopbackServer",
      dependencies: [
        .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
      ], path: "Tests/LoopbackServer"),
  ],
  swiftLanguageModes: [.v6]
)
