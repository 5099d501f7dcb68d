import ChatBundleConnect
import ChatBundleImport
import Foundation

/// What the fake Easemob app holds and how it misbehaves.
struct FakeEasemobScenario: Sendable {
  var org = "acme"
  var app = "school"
  /// The app token every API request must carry.
  var token: String
  /// What `POST /{org}/{app}/token` exchanges for the token.
  var clientID = "YXA6client"
  var clientSecret = "client-secret"
  /// In which zone the hour keys are read, for the history window.
  var cluster = EasemobCluster.cn
  /// How long history is kept: an hour that started longer ago than this before the
  /// clock's now answers 400 expired, as does an hour not over yet (not stored).
  var retention: TimeInterval = 3 * 86_400
  /// Hour keys with history. An hour inside the window that is not here answers 404
  /// `storage_object_not_found`.
  var hours: [String: FakeHour] = [:]
  /// Chat files by uuid: `GET /{org}/{app}/chatfiles/{uuid}`.
  var files: [String: FakeFile] = [:]
  /// How long a history download link lives, by the server's clock.
  var linkLifetime: TimeInterval = 300
  /// Failures, each striking requests that would otherwise have been answered 2xx.
  var faults: [FakeFault] = []
  /// An import body holding this text gets 400, as a message type the API refuses.
  var importRejectContaining: String?
}

enum FakeHour: Sendable {
  /// History records, one JSON text each; `{base}` in them becomes the server's URL.
  /// With `expireFirstLink` the first download link given out has expired already.
  case records([String], expireFirstLink: Bool = false)
  /// The API answers with no download link.
  case empty
  /// 400 "expired or unstored", whatever the window says.
  case expired
}

struct FakeFile: Sendable {
  var content: [UInt8]
  /// The share-secret a download must send, if any.
  var secret: String?

  init(_ text: String, secret: String? = nil) {
    content = Array(text.utf8)
    self.secret = secret
  }
}

/// A failure injected into requests that match `target`: each fault counts the matching
/// requests that would have succeeded, lets the first `after` through, strikes the next
/// `times`, and lets the rest through again.
struct FakeFault: Sendable {
  enum Target: Sendable {
    /// A request for this path (no query).
    case path(String)
    /// A history file or chat file download.
    case downloads
    /// An import request.
    case imports
  }

  enum Failure: Sendable {
    /// An error answer, with `Retry-After` if given.
    case status(Int, retryAfter: String? = nil)
    /// The connection is closed without an answer.
    case drop
    /// No answer ever comes; the connection is held until the server stops.
    case stall
    /// The head promises the whole body, half of it is sent, and the connection closes.
    case truncate
  }

  var target: Target
  var failure: Failure
  var after = 0
  var times = 1
}
