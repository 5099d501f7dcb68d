/// `verify`: a pass that reads a bundle for nothing but its verdict.
public struct BundleVerifier {
  public let path: String
  public var options: BundleReadingOptions

  public init(path: String, limits: BundleLimits = BundleLimits()) {
    self.path = path
    options = BundleReadingOptions()
    options.limits = limits
    options.deliversMessages = false
  }

  public func verify() -> VerificationReport {
    BundleReader(path: path, options: options).run { _ in }
  }
}
