// Opaque list cursors: a direction and a sequence number, base64url-encoded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace webhookd::sandbox {

/// Where a page starts. Positions are sequence numbers, not offsets, so
/// events added meanwhile never shift a page.
struct ListCursor {
  enum class Direction : uint8_t {
    kOlder,  ///< entries with a sequence number below `sequence` (a `next` link)
    kNewer,  ///< entries with a sequence number above `sequence` (a `prev` link)
  };
  Direction direction = Direction::kOlder;
  uint64_t sequence = 0;

  friend bool operator==(const ListCursor&, const ListCursor&) = default;
};

/// "n:<seq>" or "p:<seq>" (PayPro's own cursors read "n:<id>") in base64url
/// without padding, so the cursor needs no escaping in a query string.
std::string EncodeCursor(const ListCursor& cursor);

/// Inverse of EncodeCursor (padding is accepted); kBadRequest for anything else.
Result<ListCursor> DecodeCursor(std::string_view text);

}  // namespace webhookd::sandbox
