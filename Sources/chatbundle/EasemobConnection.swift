import ArgumentParser
import ChatBundleConnect
import Foundation

/// Where and as whom to connect to Easemob, from `pull`'s and `push`'s option group or from
/// `export easemob-import --replay`'s own options.
struct EasemobConnection {
  var host: String
  var org: String
  var app: String
  var token: String?
  var clientID: String?
  var clientSecret: String?
  var rate: Double

  func credentials() throws -> EasemobCredentials {
    let environment = ProcessInfo.processInfo.environment
    if let token {
      guard clientID == nil else { throw ValidationError("give either --token or --client-id, not both") }
      return .token(token)
    }
    if let clientID {
      guard let secret = clientSecret ?? environment["EASEMOB_CLIENT_SECRET"], !secret.isEmpty else {
        throw ValidationError("--client-id needs --client-secret (or EASEMOB_CLIENT_SECRET)")
      }
      return .clientCredentials(id: clientID, secret: secret)
    }
    if clientSecret != nil { throw ValidationError("--client-secret needs --client-id") }
    if let token = environment["EASEMOB_TOKEN"], !token.isEmpty { return .token(token) }
    throw ValidationError("give an app token (EASEMOB_TOKEN or --token) or --client-id and --client-secret")
  }

  /// The client, with retries and waits told to `onNotice`; warns when the token would
  /// cross a network in clear.
  func client(onNotice: (@Sendable (String) -> Void)? = nil) throws -> EasemobClient {
    let client: EasemobClient
    do {
      client = try EasemobClient(
        host: host, org: org, app: app, credentials: try credentials(), rate: rate, onNotice: onNotice)
    } catch let error as ConnectError {
      throw ValidationError(error.description)
    }
    if client.sendsTokenInClear {
      FileStream.standardError.write(
        "warning: \(client.baseURL.absoluteString) is plain http: the token crosses the network unencrypted\n"
          .terminalSafe)
    }
    return client
  }
}
