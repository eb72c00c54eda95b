// Internal: one UTF-8 decoder for everything that reads text as code points (the regular
// expression engine) or must see a string as JavaScript does (the peers' hashes, which work on
// UTF-16 code units).
//
// Invalid input is decoded the way the WHATWG Encoding Standard's TextDecoder does it (Unicode's
// "maximal subpart" practice): each maximal prefix of a well-formed sequence that cannot be
// completed becomes one U+FFFD, and the byte that broke it starts afresh. So a string that
// reached JavaScript through `new TextDecoder().decode(bytes)` has exactly the code points this
// decoder gives, and native and WASM agree on malformed bytes too. Overlong forms, surrogates
// (U+D800..U+DFFF) and values above U+10FFFF are malformed, as in UTF-8 (RFC 3629).
#ifndef ROLLGATE_DETAIL_UTF8_HPP
#define ROLLGATE_DETAIL_UTF8_HPP

#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint32_t, std::uint8_t
#include <string_view>  // std::string_view

namespace rollgate::detail {

constexpr std::uint32_t kReplacementCharacter = 0xFFFD;

/// Decodes the code point that starts at `text[pos]` (pos < text.size()) into `cp` and returns
/// the number of bytes it took (1-4). Malformed input gives U+FFFD and the length of the maximal
/// subpart (at least 1), so a loop that adds the return value always advances.
inline std::size_t decode_utf8(std::string_view text, std::size_t pos, std::uint32_t& cp) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t b0 = byte(pos);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t need = 0;
  std::uint32_t value = 0;
  std::uint8_t lo = 0x80;  // allowed range of the second byte (the first continuation byte)
  std::uint8_t hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    value = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    value = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong 3-byte forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    value = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;  // no overlong 4-byte forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    cp = kReplacementCharacter;  // a continuation byte or C0, C1, F5..FF: never a lead byte
    return 1;
  }
  std::size_t len = 1;
  for (std::size_t k = 0; k < need; ++k) {
    if (pos + len >= text.size()) {
      cp = kReplacementCharacter;  // truncated: the maximal subpart read so far is one U+FFFD
      return len;
    }
    const std::uint8_t b = byte(pos + len);
    if (b < lo || b > hi) {
      cp = kReplacementCharacter;
      return len;
    }
    lo = 0x80;
    hi = 0xBF;
    value = (value << 6) | (b & 0x3Fu);
    ++len;
  }
  cp = value;
  return len;
}

/// Calls `sink(unit)` for each UTF-16 code unit of `text` as JavaScript would hold it after
/// TextDecoder: code points above U+FFFF become a surrogate pair.
template <typename Sink>
void for_each_utf16_unit(std::string_view text, Sink&& sink) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::uint32_t cp = 0;
    pos += decode_utf8(text, pos, cp);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      sink(static_cast<std::uint32_t>(0xD800 + (cp >> 10)));
      sink(static_cast<std::uint32_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      sink(cp);
    }
  }
}

}  // namespace rollgate::detail

#endif  // ROLLGATE_DETAIL_UTF8_HPP
