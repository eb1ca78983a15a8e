// Transparent string hashing, so hash maps keyed by std::string can be
// searched with a std::string_view without building a string per look-up.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace webhookd::sandbox {

/// Hashes std::string, std::string_view and C strings alike.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

/// A std::string-keyed map searchable by std::string_view.
template <typename Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace webhookd::sandbox
