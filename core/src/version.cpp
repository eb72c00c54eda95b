#include "rollgate/version.hpp"

namespace rollgate {

const char* version() noexcept {
  return ROLLGATE_VERSION_STRING;
}

}  // namespace rollgate
