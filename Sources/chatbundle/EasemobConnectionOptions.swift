import ArgumentParser

/// `--host`, `--org`, `--app`: which Easemob app, shared by `pull easemob`, `push
/// easemob-import` and `archive init`.
struct EasemobAppOptions: ParsableArguments {
  @Option(help: "The REST API host: a1.easemob.com, https://a1.easemob.com, or http://127.0.0.1:PORT.")
  var host: String

  @Option(help: "The org name.")
  var org: String

  @Option(help: "The app name.")
  var app: String
}

/// The credentials and the request rate, shared by every command that talks to Easemob
/// (`archive sync` takes the app from its archive, the others from `EasemobAppOptions`).
struct EasemobCredentialOptions: ParsableArguments {
  @Option(help: "An app token. Better: set EASEMOB_TOKEN, so the token is not seen in the process list.")
  var token: String?

  @Option(name: .customLong("client-id"), help: "Client ID, to fetch an app token (POST /{org}/{app}/token).")
  var clientID: String?

  @Option(
    name: .customLong("client-secret"),
    help: "Client secret, with --client-id. Better: set EASEMOB_CLIENT_SECRET.")
  var clientSecret: String?

  @Option(help: "Requests per second, every request counted (API calls and downloads).")
  var rate: Double = 2

  func connection(host: String, org: String, app: String) -> EasemobConnection {
    EasemobConnection(
      host: host, org: org, app: app, token: token, clientID: clientID, clientSecret: clientSecret, rate: rate)
  }
}

/// Which app and as whom, shared by `pull easemob` and `push easemob-import`.
struct EasemobConnectionOptions: ParsableArguments {
  @OptionGroup var target: EasemobAppOptions
  @OptionGroup var credentials: EasemobCredentialOptions

  var org: String { target.org }
  var app: String { target.app }

  var connection: EasemobConnection {
    credentials.connection(host: target.host, org: target.org, app: target.app)
  }
}
