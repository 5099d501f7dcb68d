import ArgumentParser

/// `--host`, `--org`, `--app` and the credentials, shared by `pull easemob` and `push easemob-import`.
struct EasemobConnectionOptions: ParsableArguments {
  @Option(help: "The REST API host: a1.easemob.com, https://a1.easemob.com, or http://127.0.0.1:PORT.")
  var host: String

  @Option(help: "The org name.")
  var org: String

  @Option(help: "The app name.")
  var app: String

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

  var connection: EasemobConnection {
    EasemobConnection(
      host: host, org: org, app: app, token: token, clientID: clientID, clientSecret: clientSecret, rate: rate)
  }
}
