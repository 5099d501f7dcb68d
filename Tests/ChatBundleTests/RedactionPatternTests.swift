import ChatBundle
import Testing

/// The built-in patterns of `redact --pattern` hit what they name and leave ordinary
/// numbers alone: ids, timestamps, amounts and numbers whose check digit is wrong.
@Suite struct RedactionPatternTests {
  func matched(_ pattern: RedactionPattern, _ text: String) throws -> [String] {
    let bytes = Array(text.utf8)
    return try RedactionMatcher(pattern).matches(in: text).map { String(decoding: bytes[$0], as: UTF8.self) }
  }

  @Test func mobileNumbers() throws {
    #expect(try matched(.chineseMobile, "电话13912345678，谢谢") == ["13912345678"])
    #expect(try matched(.chineseMobile, "call 139 1234 5678 or 186-0000-1111") == ["139 1234 5678", "186-0000-1111"])
    #expect(try matched(.chineseMobile, "+8613912345678") == ["13912345678"])
    // Part of a longer number, a landline prefix, mixed separators, a 12-digit run: none.
    #expect(
      try matched(.chineseMobile, "174156930048097526 1741569300480 01012345678 139 1234-5678 139123456789").isEmpty)
    #expect(try matched(.chineseMobile, "12912345678").isEmpty)
  }

  @Test func idCardNumbersNeedTheirCheckCharacterAndABirthDate() throws {
    #expect(try matched(.chineseIDCard, "身份证号 110105201603154513。") == ["110105201603154513"])
    #expect(try matched(.chineseIDCard, "11010519491231002x") == ["11010519491231002x"])
    // One digit changed breaks the check; an Easemob message id has no birth date.
    #expect(try matched(.chineseIDCard, "110105201603154514").isEmpty)
    #expect(try matched(.chineseIDCard, "174157199981268797 ").isEmpty)
    #expect(try matched(.chineseIDCard, "a110105201603154513").isEmpty)
  }

  @Test func emailAddresses() throws {
    #expect(
      try matched(.email, "写信给 wang.fang+class@school.example.edu.cn。") == ["wang.fang+class@school.example.edu.cn"])
    #expect(try matched(.email, "@所有人 明天开会; me@host; a@b.c1").isEmpty)
    #expect(try matched(.email, "x@example.com.") == ["x@example.com"])
  }

  @Test func bankCardsPassTheLuhnCheck() throws {
    #expect(try matched(.bankCard, "卡号6222020200112233446。") == ["6222020200112233446"])
    #expect(
      try matched(.bankCard, "卡号 4111111111111111 和 4111 1111 1111 1111") == [
        "4111111111111111", "4111 1111 1111 1111",
      ])
    #expect(try matched(.bankCard, "6212 2612 0200 1234 567") == ["6212 2612 0200 1234 567"])
    // Luhn fails, too short, part of a longer run.
    #expect(try matched(.bankCard, "4111111111111112 411111111111111 41111111111111110000").isEmpty)
  }

  @Test func regularExpressions() throws {
    #expect(try matched(.regex("学号[0-9]{6}"), "学号123456，学号654321") == ["学号123456", "学号654321"])
    #expect(throws: (any Error).self) { try RedactionMatcher(.regex("(unclosed")) }
  }
}
