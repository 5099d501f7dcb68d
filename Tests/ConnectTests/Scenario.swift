import ChatBundleConnect
import ChatBundleImport
import Foundation

/// A school's group chat over two hours, with an image and a file behind share secrets, a
/// video with a thumbnail, and a voice message without a secret.
enum Scenario {
  static let token = "TOKEN-s3cr3t-8c1f0a77"
  static let clientSecret = "CLIENT-SECRET-4d2e9b"
  static let group = "259184062558209"

  struct Attachment {
    var uuid: String
    var content: String
    var secret: String?
  }

  static let image = Attachment(
    uuid: "5d4237d0-fd4b-11ef-ad5c-6f545c50ca23", content: "a picture", secret: "img-secret")
  static let document = Attachment(
    uuid: "6cd9ce50-fd4c-11ef-ad5c-6f545c50ca23", content: "%PDF notice", secret: "doc-s")
  static let video = Attachment(uuid: "844fb4e0-fd4d-11ef-ad5c-6f545c50ca23", content: "a short film", secret: "vid-s")
  static let thumb = Attachment(uuid: "844fb4e1-fd4d-11ef-ad5c-6f545c50ca23", content: "a still", secret: "thumb-s")
  static let voice = Attachment(uuid: "a120d400-fd57-11ef-ad5c-6f545c50ca23", content: "hello there", secret: nil)
  static let second = Attachment(uuid: "dde8c8d0-fd56-11ef-ad5c-6f545c50ca23", content: "another picture", secret: "s2")
  static let all = [image, document, video, thumb, voice, second]

  static func record(_ id: Int, _ from: String, _ body: String, at milliseconds: Int64) -> String {
    #"{"msg_id":"\#(id)","timestamp":\#(milliseconds),"direction":"outgoing","to":"\#(group)","from":"\#(from)","chat_type":"groupchat","payload":{"bodies":[\#(body)],"ext":{},"from":"\#(from)","to":"\#(group)"}}"#
  }

  static func url(_ attachment: Attachment) -> String { "{base}/acme/school/chatfiles/\(attachment.uuid)" }

  static func media(_ type: String, _ attachment: Attachment, name: String, extra: String = "") -> String {
    let secret = (attachment.secret.map { #","secret":"\#($0)""# } ?? "") + extra
    return
      #"{"type":"\#(type)","url":"\#(url(attachment))","filename":"\#(name)","file_length":\#(attachment.content.utf8.count)\#(secret)}"#
  }

  static var videoBody: String {
    #"{"type":"video","url":"\#(url(video))","filename":"trip.mp4","file_length":\#(video.content.utf8.count),"secret":"\#(video.secret ?? "")","length":3,"thumb":"\#(url(thumb))","thumb_secret":"\#(thumb.secret ?? "")","size":{"width":360,"height":480}}"#
  }

  static let firstHour = [
    record(1, "t_wang", #"{"type":"txt","msg":"早上好！春游通知见附件。"}"#, at: 1_741_568_472_318),
    record(2, "t_wang", media("file", document, name: "notice.pdf"), at: 1_741_568_560_077),
    record(3, "p_chen", media("img", image, name: "photo.jpg"), at: 1_741_568_600_000),
    record(4, "p_chen", videoBody, at: 1_741_568_700_000),
    record(5, "p_li", media("audio", voice, name: "hi.amr", extra: #","length":2"#), at: 1_741_568_800_000),
  ]
  static let secondHour = [
    record(6, "t_wang", media("img", second, name: "board.jpg"), at: 1_741_572_000_000),
    record(7, "p_li", #"{"type":"txt","msg":"谢谢老师"}"#, at: 1_741_572_100_000),
  ]

  /// The app with these hours, every attachment, and the faults asked for.
  static func app(
    hours: [String: FakeHour], faults: [FakeFault] = [], cluster: EasemobCluster = .cn
  ) -> FakeEasemobScenario {
    var files: [String: FakeFile] = [:]
    for file in all { files[file.uuid] = FakeFile(file.content, secret: file.secret) }
    return FakeEasemobScenario(
      token: token, clientSecret: clientSecret, cluster: cluster, hours: hours, files: files, faults: faults)
  }

  static var twoHours: [String: FakeHour] {
    ["2025031009": .records(firstHour), "2025031010": .records(secondHour)]
  }

  /// The server's clock: 2025-03-10T12:00Z, after every hour the tests pull (in Beijing
  /// time and in UTC) and less than three days after them.
  static let now = Date(timeIntervalSince1970: 1_741_608_000)
}
