import ChatBundle

/// A source record mapped to the model, with what each media reference needs to find its
/// file still attached by the reference's place: the importers share how references are
/// then resolved, and differ only in how a file is looked up.
public struct MappedRecord<Attachment: Sendable>: Sendable {
  public var message: Message
  public var conversation: ConversationInfo
  public var attachments: [MediaPath: Attachment]

  public init(message: Message, conversation: ConversationInfo, attachments: [MediaPath: Attachment] = [:]) {
    self.message = message
    self.conversation = conversation
    self.attachments = attachments
  }

  /// The message with every reference that has an attachment replaced by `resolve`'s.
  func resolvedMessage(_ resolve: (MediaReference, Attachment) -> MediaReference) -> Message {
    var message = self.message
    guard !attachments.isEmpty else { return message }
    message.updateMediaReferences { path, reference in
      if let attachment = attachments[path] { reference = resolve(reference, attachment) }
    }
    return message
  }
}
