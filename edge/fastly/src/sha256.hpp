// rollgate on Fastly Compute. SPDX-License-Identifier: MIT
/// @file sha256.hpp
/// @brief SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for the signed unit cookie and the QA
/// override tokens. Compute has no WebCrypto and Debian packages no header-only SHA-256, so the
/// service carries this small one; tests/fastly/crypto.test.mjs checks it against the FIPS 180-2
/// and RFC 4231 vectors and against node:crypto on random inputs.
#ifndef ROLLGATE_FASTLY_SHA256_HPP
#define ROLLGATE_FASTLY_SHA256_HPP

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <cstdint>      // std::uint8_t, std::uint32_t, std::uint64_t
#include <string_view>  // std::string_view

namespace rollgate_fastly {

/// @brief A 32-byte SHA-256 digest.
using digest = std::array<std::uint8_t, 32>;

/// @brief Incremental SHA-256: update() any number of times, then finish() once.
class sha256 {
 public:
  sha256() noexcept;
  /// @brief Hashes `size` more bytes.
  void update(const std::uint8_t* data, std::size_t size) noexcept;
  void update(std::string_view bytes) noexcept {
    update(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  /// @brief Pads, hashes the length and returns the digest. The object is spent afterwards.
  digest finish() noexcept;

 private:
  void block(const std::uint8_t* p) noexcept;

  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_;
  std::size_t used_ = 0;      // bytes waiting in buffer_
  std::uint64_t length_ = 0;  // bytes hashed in total
};

/// @brief SHA-256 of `bytes`.
digest sha256_of(std::string_view bytes) noexcept;

/// @brief HMAC-SHA256(key, message) as in RFC 2104 (keys longer than 64 bytes are hashed first).
digest hmac_sha256(std::string_view key, std::string_view message) noexcept;

/// @brief Compares two digests in time that does not depend on where they differ.
bool equal_constant_time(const digest& a, const digest& b) noexcept;

}  // namespace rollgate_fastly

#endif  // ROLLGATE_FASTLY_SHA256_HPP
