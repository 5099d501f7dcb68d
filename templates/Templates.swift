/// The built-in site templates, by file name (without extension for `.mustache` files).
public enum SiteTemplates {
  public static let all: [String: String] = [
    "layout": String(decoding: PackageResources.layout_mustache, as: UTF8.self),
    "index": String(decoding: PackageResources.index_mustache, as: UTF8.self),
    "conversation": String(decoding: PackageResources.conversation_mustache, as: UTF8.self),
    "style.css": String(decoding: PackageResources.style_css, as: UTF8.self),
    "search": String(decoding: PackageResources.search_mustache, as: UTF8.self),
    "search.js": String(decoding: PackageResources.search_js, as: UTF8.self),
    "overview": String(decoding: PackageResources.overview_mustache, as: UTF8.self),
    "gallery": String(decoding: PackageResources.gallery_mustache, as: UTF8.self),
  ]
}

/// The built-in handover certificate (`chatbundle certify`).
public enum CertificateTemplate {
  public static let text = String(decoding: PackageResources.certificate_mustache, as: UTF8.self)
}

/// The built-in printed-document templates (`chatbundle export pdf`), by file name (without
/// extension for `.mustache` files); the site's `style.css` comes first in every document.
public enum PDFTemplates {
  public static let all: [String: String] = [
    "document": String(decoding: PackageResources.document_mustache, as: UTF8.self),
    "print.css": String(decoding: PackageResources.print_css, as: UTF8.self),
  ]
}
