// A stand-in for the Easemob REST API, for the connector tests. It listens on 127.0.0.1
// on a port the OS picks, prints the port on stdout, and serves what a scenario file says:
//
//   fake-easemob SCENARIO.json --request-log FILE --import-log FILE
//
// The scenario (JSON):
//   org, app                 the app's names
//   token                    the app token every API request must carry
//   client_id, client_secret what POST /{org}/{app}/token exchanges for the token
//   hours                    {"2025031009": {"records": [ … ], "expire_first_link": true}
//                             | "empty" | "expired" | "not_found"}; records are history
//                             records, "{base}" in them replaced by http://127.0.0.1:PORT
//   files                    {"<uuid>": {"content": "…", "secret": "…"}}: chatfiles
//   link_ttl_seconds         how long a history download link lives (default 300)
//   rate_limit_once          paths whose first request gets 429 with Retry-After: 1
//   stall_download_after     after this many downloads served, the next download request
//                            is never answered (once)
//   import_close_after       after this many imports recorded, the next import request is
//                            closed unanswered and unrecorded (once)
//   import_reject_containing a text: an import body holding it gets 400
//
// Every request goes to the request log as a JSON line (method, path without query,
// status, time in ms; status 0 for a stalled request); every import recorded goes to the
// import log as {"endpoint":…,"body":…} with the body as received.

import ArchiveIO
import ChatBundle
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

struct Request {
  var method: String
  var path: String
  var query: [String: String]
  var headers: [String: String]
  var body: [UInt8]
}

struct Response {
  var status: Int
  var body: [UInt8]
  var contentType = "application/json"
  var extraHeaders: [(String, String)] = []

  static func json(_ status: Int, _ text: String) -> Response { Response(status: status, body: Array(text.utf8)) }
}

enum Action {
  case respond(Response)
  /// Close the connection without answering.
  case close
  /// Never answer (the connection is held until the server is killed).
  case stall
}

final class Server: @unchecked Sendable {
  let scenario: JSONObject
  let org: String
  let app: String
  let token: String
  var base = ""
  var historyFiles: [String: [UInt8]] = [:]
  private let lock = NSLock()
  private var seenPaths: Set<String> = []
  private var linksIssued: [String: Int] = [:]
  private var downloadsServed = 0
  private var stalled = false
  private var importsRecorded = 0
  private var importClosed = false
  private let requestLog: Int32
  private let importLog: Int32

  init(scenario: JSONObject, requestLog: String, importLog: String) {
    self.scenario = scenario
    org = scenario["org"]?.stringValue ?? "org"
    app = scenario["app"]?.stringValue ?? "app"
    token = scenario["token"]?.stringValue ?? "token"
    self.requestLog = open(requestLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    self.importLog = open(importLog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
  }

  func buildHistory() throws {
    for member in scenario["hours"]?.objectValue?.members ?? [] {
      guard let records = member.value.objectValue?["records"]?.arrayValue else { continue }
      var text = ""
      for record in records {
        text += String(decoding: JSONWriter.serialize(record), as: UTF8.self).replacingOccurrences(
          of: "{base}", with: base)
        text += "\n"
      }
      historyFiles[member.key] = try GzipDeflater.compress(Array(text.utf8))
    }
  }

  private func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

  private func append(_ descriptor: Int32, _ line: String) {
    lock.lock()
    defer { lock.unlock() }
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
  }

  func logRequest(_ request: Request, status: Int) {
    var entry = JSONObject()
    entry.append("method", request.method)
    entry.append("path", request.path)
    entry.append("status", status)
    entry.append("t", now())
    append(requestLog, String(decoding: JSONWriter.serialize(.object(entry)), as: UTF8.self))
  }

  private func authorized(_ request: Request) -> Bool { request.headers["authorization"] == "Bearer " + token }

  private let unauthorized = Response.json(
    401, #"{"error":"unauthorized","error_description":"Unable to authenticate due to corrupt access token"}"#)

  func handle(_ request: Request) -> Action {
    let parts = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    let firstTime: Bool = {
      lock.lock()
      defer { lock.unlock() }
      return seenPaths.insert(request.path).inserted
    }()
    let limited = scenario["rate_limit_once"]?.arrayValue?.contains(.string(request.path)) ?? false
    if limited && firstTime {
      var response = Response.json(
        429, #"{"error":"reach_limit","error_description":"This request has reached api limit"}"#)
      response.extraHeaders.append(("Retry-After", "1"))
      return .respond(response)
    }
    if parts.count == 2 && parts[0] == "files" { return download(history: parts[1], request) }
    guard parts.count >= 3, parts[0] == org, parts[1] == app else {
      return .respond(.json(404, #"{"error":"no_route"}"#))
    }
    switch (request.method, Array(parts[2...])) {
    case ("POST", ["token"]):
      return .respond(tokenGrant(request))
    case ("GET", let rest) where rest.count == 2 && rest[0] == "chatmessages":
      guard authorized(request) else { return .respond(unauthorized) }
      return .respond(hour(rest[1]))
    case ("GET", let rest) where rest.count == 2 && rest[0] == "chatfiles":
      if request.headers["authorization"] != nil && !authorized(request) { return .respond(unauthorized) }
      return download(chatfile: rest[1], request)
    case ("POST", let rest) where rest.count == 3 && rest[0] == "messages" && rest[2] == "import":
      guard authorized(request) else { return .respond(unauthorized) }
      return importMessage(endpoint: rest[1], request)
    default:
      return .respond(.json(404, #"{"error":"no_route"}"#))
    }
  }

  private func tokenGrant(_ request: Request) -> Response {
    guard let body = (try? JSONParser.parse(request.body))?.objectValue,
      body["grant_type"]?.stringValue == "client_credentials",
      body["client_id"]?.stringValue == scenario["client_id"]?.stringValue,
      body["client_secret"]?.stringValue == scenario["client_secret"]?.stringValue
    else { return .json(401, #"{"error":"invalid_grant","error_description":"client_id does not match"}"#) }
    var answer = JSONObject()
    answer.append("access_token", token)
    answer.append("expires_in", 5_184_000)
    answer.append("application", "8be024f0-0000-0000-b697-5d598d5f8402")
    return Response(status: 200, body: JSONWriter.serialize(.object(answer)))
  }

  private func hour(_ time: String) -> Response {
    let entry = scenario["hours"]?.objectValue?[time]
    switch entry?.stringValue {
    case "empty"?: return .json(200, #"{"action":"get","data":[]}"#)
    case "expired"?:
      return .json(
        400,
        #"{"error":"illegal_argument","error_description":"illegal arguments: appkey: \#(org)#\#(app), time: \#(time), maybe chat message history is expired or unstored"}"#
      )
    default: break
    }
    guard entry?.objectValue != nil else {
      return .json(
        404,
        #"{"error":"storage_object_not_found","error_description":"Failed to find chat message history download url for appkey: \#(org)#\#(app), time: \#(time)"}"#
      )
    }
    lock.lock()
    let issued = linksIssued[time, default: 0]
    linksIssued[time] = issued + 1
    lock.unlock()
    let ttl = scenario["link_ttl_seconds"]?.int64Value ?? 300
    let expireFirst = entry?.objectValue?["expire_first_link"]?.boolValue ?? false
    let expires = Int64(Date().timeIntervalSince1970) + (issued == 0 && expireFirst ? -1 : ttl)
    let url = "\(base)/files/\(time)?Expires=\(expires)&OSSAccessKeyId=fake&Signature=sig\(issued)"
    return .json(
      200, #"{"action":"get","data":[{"url":"\#(url)"}],"organization":"\#(org)","applicationName":"\#(app)"}"#)
  }

  private func shouldStall() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard let limit = scenario["stall_download_after"]?.int64Value, !stalled, downloadsServed >= limit else {
      return false
    }
    stalled = true
    return true
  }

  private func served() {
    lock.lock()
    downloadsServed += 1
    lock.unlock()
  }

  private func download(history time: String, _ request: Request) -> Action {
    let expires = request.query["Expires"].flatMap { Int64($0) } ?? 0
    if expires < Int64(Date().timeIntervalSince1970) {
      return .respond(
        Response(
          status: 403,
          body: Array(
            "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Request has expired.</Message></Error>"
              .utf8), contentType: "application/xml"))
    }
    guard let bytes = historyFiles[time] else { return .respond(.json(404, #"{"error":"no such file"}"#)) }
    if shouldStall() { return .stall }
    served()
    return .respond(Response(status: 200, body: bytes, contentType: "application/octet-stream"))
  }

  private func download(chatfile uuid: String, _ request: Request) -> Action {
    guard let file = scenario["files"]?.objectValue?[uuid]?.objectValue else {
      return .respond(.json(404, #"{"error":"file_not_found","error_description":"file not found"}"#))
    }
    if let secret = file["secret"]?.stringValue, request.headers["share-secret"] != secret {
      return .respond(.json(403, #"{"error":"forbidden","error_description":"share-secret is wrong or missing"}"#))
    }
    if shouldStall() { return .stall }
    served()
    return .respond(
      Response(
        status: 200, body: Array((file["content"]?.stringValue ?? "").utf8), contentType: "application/octet-stream"))
  }

  private func importMessage(endpoint: String, _ request: Request) -> Action {
    guard endpoint == "users" || endpoint == "chatgroups" else { return .respond(.json(404, #"{"error":"no_route"}"#)) }
    guard (try? JSONParser.parse(request.body))?.objectValue != nil else {
      return .respond(.json(400, #"{"error":"illegal_argument","error_description":"body is not a JSON object"}"#))
    }
    if let reject = scenario["import_reject_containing"]?.stringValue,
      String(decoding: request.body, as: UTF8.self).contains(reject)
    {
      return .respond(
        .json(400, #"{"error":"illegal_argument","error_description":"the message type is not supported"}"#))
    }
    lock.lock()
    if let limit = scenario["import_close_after"]?.int64Value, !importClosed, importsRecorded >= limit {
      importClosed = true
      lock.unlock()
      return .close
    }
    importsRecorded += 1
    let sequence = importsRecorded
    lock.unlock()
    append(importLog, #"{"endpoint":"\#(endpoint)","body":"# + String(decoding: request.body, as: UTF8.self) + "}")
    return .respond(.json(200, #"{"action":"post","data":{"msg_id":"\#(1_000_000 + sequence)"}}"#))
  }
}

// MARK: HTTP over POSIX sockets, one thread per connection, one request per connection.

func readRequest(_ socket: Int32) -> Request? {
  var buffer: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 16 << 10)
  var headerEnd: Int?
  while headerEnd == nil {
    let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
    if count <= 0 { return nil }
    buffer += chunk[0..<count]
    if let range = findHeaderEnd(buffer) { headerEnd = range }
    if buffer.count > 1 << 20 { return nil }
  }
  guard let headerEnd else { return nil }
  let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
  var lines = head.components(separatedBy: "\r\n")
  let requestLine = lines.removeFirst().split(separator: " ").map(String.init)
  guard requestLine.count >= 2 else { return nil }
  var headers: [String: String] = [:]
  for line in lines {
    guard let colon = line.firstIndex(of: ":") else { continue }
    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
  }
  var body = Array(buffer[(headerEnd + 4)...])
  let length = Int(headers["content-length"] ?? "0") ?? 0
  if length > body.count && headers["expect"]?.lowercased() == "100-continue" {
    sendAll(socket, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
  }
  while body.count < length {
    let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
    if count <= 0 { return nil }
    body += chunk[0..<count]
  }
  let target = requestLine[1]
  var path = target
  var query: [String: String] = [:]
  if let mark = target.firstIndex(of: "?") {
    path = String(target[..<mark])
    for pair in target[target.index(after: mark)...].split(separator: "&") {
      let halves = pair.split(separator: "=", maxSplits: 1).map(String.init)
      query[halves[0]] = halves.count > 1 ? halves[1] : ""
    }
  }
  return Request(method: requestLine[0], path: path, query: query, headers: headers, body: body)
}

func findHeaderEnd(_ bytes: [UInt8]) -> Int? {
  guard bytes.count >= 4 else { return nil }
  for index in 0...(bytes.count - 4)
  where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
    return index
  }
  return nil
}

func sendAll(_ socket: Int32, _ bytes: [UInt8]) {
  var offset = 0
  while offset < bytes.count {
    let sent = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    if sent <= 0 { return }
    offset += sent
  }
}

let reasons = [
  200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
]

func serve(_ socket: Int32, _ server: Server) {
  defer { close(socket) }
  guard let request = readRequest(socket) else { return }
  switch server.handle(request) {
  case .close:
    server.logRequest(request, status: 0)
  case .stall:
    server.logRequest(request, status: 0)
    Thread.sleep(forTimeInterval: 600)
  case .respond(let response):
    server.logRequest(request, status: response.status)
    var head = "HTTP/1.1 \(response.status) \(reasons[response.status] ?? "Status")\r\n"
    head += "Content-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
    for (name, value) in response.extraHeaders { head += "\(name): \(value)\r\n" }
    sendAll(socket, Array((head + "\r\n").utf8) + response.body)
  }
}

func main() -> Int32 {
  signal(SIGPIPE, SIG_IGN)
  // A parent may have left SIGTERM ignored, and children inherit that.
  signal(SIGTERM, SIG_DFL)
  let arguments = CommandLine.arguments
  guard arguments.count == 6, arguments[2] == "--request-log", arguments[4] == "--import-log" else {
    FileHandle.standardError.write(
      Data("usage: fake-easemob SCENARIO.json --request-log FILE --import-log FILE\n".utf8))
    return 2
  }
  guard let data = FileManager.default.contents(atPath: arguments[1]),
    let scenario = (try? JSONParser.parse(Array(data)))?.objectValue
  else {
    FileHandle.standardError.write(Data("fake-easemob: cannot read the scenario \(arguments[1])\n".utf8))
    return 2
  }
  let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  var yes: Int32 = 1
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = 0
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  let bound = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  guard bound == 0, listen(listener, 64) == 0 else {
    FileHandle.standardError.write(Data("fake-easemob: cannot listen: \(String(cString: strerror(errno)))\n".utf8))
    return 1
  }
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
  }
  let port = UInt16(bigEndian: address.sin_port)
  let server = Server(scenario: scenario, requestLog: arguments[3], importLog: arguments[5])
  server.base = "http://127.0.0.1:\(port)"
  do { try server.buildHistory() } catch {
    FileHandle.standardError.write(Data("fake-easemob: \(error)\n".utf8))
    return 1
  }
  FileHandle.standardOutput.write(Data("\(port)\n".utf8))
  while true {
    let connection = accept(listener, nil, nil)
    if connection < 0 {
      if errno == EINTR { continue }
      return 1
    }
    Thread.detachNewThread { serve(connection, server) }
  }
}

exit(main())
