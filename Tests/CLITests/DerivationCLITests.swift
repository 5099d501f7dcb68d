import ChatBundle
import ChatBundleTestSupport
import Foundation
import Testing

/// `chatbundle slice`, `merge` and `verify --parent` on the Easemob example, as a user runs
/// them: exit statuses, what is printed, what is refused.
@Suite struct DerivationCLITests {
  @Test func sliceMergeAndProve() throws {
    let directory = try TemporaryDirectory("derivation-cli")
    let whole = directory.file("whole.tar.gz")
    #expect(try ChatBundleBinary.packEasemobExample(to: whole).status == 0)
    let early = directory.file("early.tar.gz")
    let late = directory.file("late.tar.gz")
    let cut = "2025-03-10T10:00:00+08:00"
    let sliced = try ChatBundleBinary.run(["slice", whole, "--until", cut, "-o", early])
    #expect(sliced.status == 0, "\(sliced.standardError)")
    #expect(sliced.standardOutput.contains("sliced \(early)") && sliced.standardOutput.contains("--parent \(whole)"))
    #expect(try ChatBundleBinary.run(["slice", whole, "--since", cut, "-o", late]).status == 0)

    let merged = directory.file("merged.tar.gz")
    #expect(try ChatBundleBinary.run(["merge", late, early, "-o", merged]).status == 0)
    let again = try ChatBundleBinary.run(["merge", early, late, "-o", merged])
    #expect(again.status == 2 && again.standardError.contains("--force"), "OUT is not replaced without --force")
    let reversed = directory.file("reversed.tar.gz")
    #expect(try ChatBundleBinary.run(["merge", early, late, "-o", reversed]).status == 0)
    #expect(try readBytes(merged) == readBytes(reversed))

    let proof = try ChatBundleBinary.run(["verify", merged, "--parent", early, "--parent", late])
    #expect(proof.status == 0, "\(proof.standardOutput)\(proof.standardError)")
    #expect(proof.standardOutput.contains("lineage    merge: PROVEN"))
    let json = try ChatBundleBinary.run(["verify", early, "--parent", whole, "--json"])
    let object = try JSONParser.parse(Array(json.standardOutput.utf8)).objectValue
    #expect(object?["lineage"]?.objectValue?["proven"] == .bool(true))

    let inspect = try ChatBundleBinary.run(["inspect", merged])
    #expect(inspect.standardOutput.contains("lineage     merged from 2 bundles"), "\(inspect.standardOutput)")
    let sliceInspect = try ChatBundleBinary.run(["inspect", early])
    let wholeID = try #require(BundleVerifier(path: whole).verify().bundleID)
    #expect(sliceInspect.standardOutput.contains("parent \(wholeID)"), "\(sliceInspect.standardOutput)")

    // Every page of the slice's site names its parent.
    let site = directory.file("site")
    #expect(try ChatBundleBinary.run(["render", early, "-o", site, "--lang", "en"]).status == 0)
    let pages = try FileManager.default.subpathsOfDirectory(atPath: site).filter { $0.hasSuffix(".html") }
    #expect(pages.count > 3)
    for page in pages {
      let html = try String(contentsOfFile: site + "/" + page, encoding: .utf8)
      #expect(html.contains("Lineage: a part of another bundle") && html.contains(wholeID), "\(page)")
    }

    // The wrong parent: valid bundles both, but not this derivation.
    let wrong = try ChatBundleBinary.run(["verify", merged, "--parent", whole])
    #expect(wrong.status == 1)
    #expect(wrong.standardOutput.contains("L02") && wrong.standardOutput.contains("NOT PROVEN"))
    // A derived bundle is signed as it is written, with its custody, and the parents' custody
    // is not copied into it.
    let key = directory.file("office")
    #expect(try ChatBundleBinary.run(["key", "new", "-o", key, "--name", "office"]).status == 0)
    let signed = directory.file("signed.tar.gz")
    let signing = try ChatBundleBinary.run([
      "merge", early, late, "--sign", key + ".key", "--exported-by", "教务处", "-o", signed,
    ])
    #expect(signing.status == 0, "\(signing.standardError)")
    let trusted = try ChatBundleBinary.run(["verify", signed, "--trust", key + ".pub"])
    #expect(trusted.status == 0 && trusted.standardOutput.contains("TRUSTED"), "\(trusted.standardOutput)")
    #expect(try ChatBundleBinary.run(["inspect", signed]).standardOutput.contains("exported by 教务处"))
    // A bundle packed from the source has no lineage to prove.
    let plain = try ChatBundleBinary.run(["verify", whole, "--parent", early])
    #expect(plain.status == 1 && plain.standardOutput.contains("L01"))
  }

  @Test func refusesDamagedInputsAndLeavesNothingBehind() throws {
    let directory = try TemporaryDirectory("derivation-cli-bad")
    let whole = directory.file("whole.tar.gz")
    #expect(try ChatBundleBinary.packEasemobExample(to: whole).status == 0)
    let bytes = try readBytes(whole)
    let truncated = try directory.write("truncated.tar.gz", Array(bytes.prefix(bytes.count / 2)))
    let output = directory.file("out.tar.gz")
    let merge = try ChatBundleBinary.run(["merge", whole, truncated, "-o", output])
    #expect(merge.status == 1)
    #expect(merge.standardError.contains("truncated.tar.gz is not a valid bundle"))
    #expect(!FileManager.default.fileExists(atPath: output))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
    #expect(Set(leftovers) == ["whole.tar.gz", "truncated.tar.gz"], "no scratch or partial file is left")
    let slice = try ChatBundleBinary.run(["slice", truncated, "--since", "2025-03-10", "-o", output])
    #expect(slice.status == 1 && !FileManager.default.fileExists(atPath: output))
    let onto = try ChatBundleBinary.run(["merge", whole, "-o", whole, "--force"])
    #expect(onto.status == 2 && onto.standardError.contains("is the input"))
  }
}
