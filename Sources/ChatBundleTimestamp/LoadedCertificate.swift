import X509

/// A certificate read from a file, with its DER as it was.
public struct LoadedCertificate: Sendable {
  public let certificate: Certificate
  public let der: [UInt8]

  public init(certificate: Certificate, der: [UInt8]) {
    self.certificate = certificate
    self.der = der
  }
}
