import Foundation
import SwiftASN1
import X509

/// Reads certificates from a file a person gives: PEM (one or more `CERTIFICATE` blocks)
/// or one DER certificate.
public enum CertificateFile {
  /// The certificates in `path`, as DER; at least one, or an error saying why not.
  public static func load(_ path: String) throws(TimestampError) -> [LoadedCertificate] {
    guard let data = FileManager.default.contents(atPath: path) else { throw .unusable("\(path): cannot read it") }
    guard data.count <= 4 << 20 else { throw .unusable("\(path): too large for a certificate file") }
    let bytes = Array(data)
    if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN") {
      let documents: [PEMDocument]
      do {
        documents = try PEMDocument.parseMultiple(pemString: text)
      } catch {
        throw .unusable("\(path): the PEM is malformed")
      }
      var result: [LoadedCertificate] = []
      for document in documents where document.discriminator == "CERTIFICATE" {
        guard let certificate = try? Certificate(derEncoded: document.derBytes) else {
          throw .unusable("\(path): a CERTIFICATE block is not an X.509 certificate")
        }
        result.append(LoadedCertificate(certificate: certificate, der: document.derBytes))
      }
      guard !result.isEmpty else { throw .unusable("\(path): no CERTIFICATE in it") }
      return result
    }
    guard let certificate = try? Certificate(derEncoded: bytes) else {
      throw .unusable("\(path): neither PEM nor a DER X.509 certificate")
    }
    return [LoadedCertificate(certificate: certificate, der: bytes)]
  }
}
