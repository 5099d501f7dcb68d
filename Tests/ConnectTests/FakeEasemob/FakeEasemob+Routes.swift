import ArchiveIO
import ChatBundle
import ChatBundleConnect
import ChatBundleImport
import Foundation

/// The API itself, free of HTTP plumbing: a request in, what to do with it out. Every
/// request is logged, and everything it reads or changes is under one lock, so requests
/// are handled as if one at a time.
extension FakeEasemob {
  struct Incoming: Sendable {
    var method: String
    var path: String
    /// The `Expires` query parameter of a download link.
    var expires: String?
    var authorization: String?
    var shareSecret: String?
    var body: [UInt8]
  }

  struct Reply: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    var retryAfter: String?

    static func json(_ status: Int, _ text: String) -> Reply { Reply(status: status, body: Array(text.utf8)) }
  }

  enum Action: Sendable {
    case answer(Reply)
    case drop
    case stall
    case truncate(Reply)
  }

  /// What a request is, for the faults that target a kind of request.
  private enum Kind { case download, importMessage, other }

  func respond(to request: Incoming) -> Action {
    let now = clock.now
    return state.withLock { state in
      let (reply, kind, taken) = route(request, now: now, &state)
      var action = Action.answer(reply)
      if (200..<300).contains(reply.status), let failure = strike(request, kind, &state) {
        switch failure {
        case .status(let status, let retryAfter):
          var error = Reply.json(status, Self.errorBody(status))
          error.retryAfter = retryAfter
          action = .answer(error)
        case .drop: action = .drop
        case .stall: action = .stall
        case .truncate: action = .truncate(reply)
        }
      }
      var status = 0
      if case .answer(let sent) = action { status = sent.status }
      if let taken, (200..<300).contains(status) { state.imports.append(taken) }
      state.requests.append(
        LoggedRequest(
          method: request.method, path: request.path, status: status, at: .now,
          carriedToken: request.authorization != nil))
      return action
    }
  }

  private func strike(_ request: Incoming, _ kind: Kind, _ state: inout State) -> FakeFault.Failure? {
    var struck: FakeFault.Failure?
    for (index, fault) in scenario.faults.enumerated() {
      let matches: Bool
      switch fault.target {
      case .path(let path): matches = path == request.path
      case .downloads: matches = kind == .download
      case .imports: matches = kind == .importMessage
      }
      guard matches else { continue }
      let seen = state.faultCounts[index]
      state.faultCounts[index] = seen + 1
      if struck == nil && seen >= fault.after && seen - fault.after < fault.times { struck = fault.failure }
    }
    return struck
  }

  private static func errorBody(_ status: Int) -> String {
    switch status {
    case 429: return #"{"error":"reach_limit","error_description":"This request has reached api limit"}"#
    case 500...: return #"{"error":"internal_error","error_description":"the server failed, try again later"}"#
    default: return #"{"error":"injected","error_description":"a fault the test asked for"}"#
    }
  }

  private static let unauthorized = Reply.json(
    401, #"{"error":"unauthorized","error_description":"Unable to authenticate due to corrupt access token"}"#)

  private static let noRoute = Reply.json(404, #"{"error":"no_route"}"#)

  private func route(_ request: Incoming, now: Date, _ state: inout State) -> (Reply, Kind, Import?) {
    let parts = request.path.split(separator: "/").map(String.init)
    if parts.count == 2 && parts[0] == "files" {
      return (downloadHistory(parts[1], request, now: now, &state), .download, nil)
    }
    guard parts.count >= 3, parts[0] == scenario.org, parts[1] == scenario.app else {
      return (Self.noRoute, .other, nil)
    }
    let authorized = request.authorization == "Bearer " + scenario.token
    let rest = Array(parts[2...])
    switch (request.method, rest.count, rest.first) {
    case ("POST", 1, "token"?):
      return (tokenGrant(request), .other, nil)
    case ("GET", 2, "chatmessages"?):
      return (authorized ? hour(rest[1], now: now, &state) : Self.unauthorized, .other, nil)
    case ("GET", 2, "chatfiles"?):
      // A chat file on the API host takes the token if one is sent, and the share-secret.
      if request.authorization != nil && !authorized { return (Self.unauthorized, .other, nil) }
      return (downloadChatFile(rest[1], request), .download, nil)
    case ("POST", 3, "messages"?) where rest[2] == "import":
      guard authorized else { return (Self.unauthorized, .other, nil) }
      let (reply, taken) = importMessage(endpoint: rest[1], request, &state)
      return (reply, .importMessage, taken)
    default:
      return (Self.noRoute, .other, nil)
    }
  }

  private func tokenGrant(_ request: Incoming) -> Reply {
    guard let body = (try? JSONParser.parse(request.body))?.objectValue,
      body["grant_type"]?.stringValue == "client_credentials",
      body["client_id"]?.stringValue == scenario.clientID,
      body["client_secret"]?.stringValue == scenario.clientSecret
    else { return .json(401, #"{"error":"invalid_grant","error_description":"client_id does not match"}"#) }
    var answer = JSONObject()
    answer.append("access_token", scenario.token)
    answer.append("expires_in", 5_184_000)
    answer.append("application", "8be024f0-0000-0000-b697-5d598d5f8402")
    return Reply(status: 200, body: JSONWriter.serialize(.object(answer)))
  }

  private func hour(_ time: String, now: Date, _ state: inout State) -> Reply {
    let appKey = "\(scenario.org)#\(scenario.app)"
    guard let key = HourKey(time) else {
      return .json(400, #"{"error":"illegal_argument","error_description":"time must be yyyyMMddHH"}"#)
    }
    let start = key.start(in: scenario.cluster)
    let outsideWindow = start < now.addingTimeInterval(-scenario.retention) || start.addingTimeInterval(3600) > now
    let entry = scenario.hours[time]
    if case .expired? = entry { return Self.expired(appKey, time) }
    if outsideWindow { return Self.expired(appKey, time) }
    switch entry {
    case nil, .expired?:
      return .json(
        404,
        #"{"error":"storage_object_not_found","error_description":"Failed to find chat message history download url for appkey: \#(appKey), time: \#(time)"}"#
      )
    case .empty?:
      return .json(200, #"{"action":"get","data":[]}"#)
    case .records(_, let expireFirstLink)?:
      let issued = state.linksIssued[time, default: 0]
      state.linksIssued[time] = issued + 1
      let lifetime = issued == 0 && expireFirstLink ? -1 : scenario.linkLifetime
      let expires = Int64(exactly: now.addingTimeInterval(lifetime).timeIntervalSince1970.rounded(.down)) ?? 0
      let url = "\(state.base)/files/\(time)?Expires=\(expires)&OSSAccessKeyId=fake&Signature=sig\(issued)"
      return .json(
        200,
        #"{"action":"get","data":[{"url":"\#(url)"}],"organization":"\#(scenario.org)","applicationName":"\#(scenario.app)"}"#
      )
    }
  }

  private static func expired(_ appKey: String, _ time: String) -> Reply {
    .json(
      400,
      #"{"error":"illegal_argument","error_description":"illegal arguments: appkey: \#(appKey), time: \#(time), maybe chat message history is expired or unstored"}"#
    )
  }

  private func downloadHistory(_ time: String, _ request: Incoming, now: Date, _ state: inout State) -> Reply {
    // A link without a readable Expires is refused like an expired one, as a signed
    // object-store link would be.
    guard let expires = request.expires.flatMap({ Int64($0) }),
      Double(expires) >= now.timeIntervalSince1970.rounded(.down)
    else {
      return Reply(
        status: 403,
        body: Array(
          #"<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>"#.utf8
        ), contentType: "application/xml")
    }
    guard case .records(let records, _)? = scenario.hours[time] else {
      return .json(404, #"{"error":"no such file"}"#)
    }
    if let built = state.historyFiles[time] {
      return Reply(status: 200, body: built, contentType: "application/octet-stream")
    }
    let text = records.map { $0.replacingOccurrences(of: "{base}", with: state.base) + "\n" }.joined()
    guard let built = try? GzipDeflater.compress(Array(text.utf8)) else {
      return .json(500, #"{"error":"cannot compress"}"#)
    }
    state.historyFiles[time] = built
    return Reply(status: 200, body: built, contentType: "application/octet-stream")
  }

  private func downloadChatFile(_ uuid: String, _ request: Incoming) -> Reply {
    guard let file = scenario.files[uuid] else {
      return .json(404, #"{"error":"file_not_found","error_description":"file not found"}"#)
    }
    if let secret = file.secret, request.shareSecret != secret {
      return .json(403, #"{"error":"forbidden","error_description":"share-secret is wrong or missing"}"#)
    }
    return Reply(status: 200, body: file.content, contentType: "application/octet-stream")
  }

  private func importMessage(endpoint: String, _ request: Incoming, _ state: inout State) -> (Reply, Import?) {
    guard endpoint == "users" || endpoint == "chatgroups" else { return (Self.noRoute, nil) }
    guard (try? JSONParser.parse(request.body))?.objectValue != nil else {
      return (.json(400, #"{"error":"illegal_argument","error_description":"body is not a JSON object"}"#), nil)
    }
    if let reject = scenario.importRejectContaining, String(decoding: request.body, as: UTF8.self).contains(reject) {
      return (.json(400, #"{"error":"illegal_argument","error_description":"the message type is not supported"}"#), nil)
    }
    let sequence = 1_000_001 + state.imports.count
    return (
      .json(200, #"{"action":"post","data":{"msg_id":"\#(sequence)"}}"#),
      Import(endpoint: endpoint, body: request.body)
    )
  }
}
