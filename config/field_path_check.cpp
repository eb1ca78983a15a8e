// Checks field paths against the event envelope and the resource kinds a handler takes.
#include "config/field_path_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <vector>

#include "handlers/event_type.hpp"
#include "handlers/resource.hpp"
#include "handlers/resource_fields.hpp"

namespace webhookd {

namespace {

constexpr std::array<std::string_view, 4> kEnvelopeFields = {"id", "type", "event_type",
                                                             "created_at"};
constexpr auto kFirstKind = static_cast<size_t>(ResourceKind::kPayment);
constexpr auto kLastKind = static_cast<size_t>(ResourceKind::kPayout);

// The kinds `patterns` can match, in ResourceKind order; nullopt when one of
// them names a resource we do not know, whose payload may hold anything.
std::optional<std::vector<ResourceKind>> KindsOf(std::span<const std::string> patterns) {
  std::vector<ResourceKind> kinds;
  for (const std::string& pattern : patterns) {
    for (size_t index = kFirstKind; index <= kLastKind; ++index) {
      const auto kind = static_cast<ResourceKind>(index);
      const bool match = pattern == "*" || ParseResourceKind(ResourcePrefix(pattern)) == kind;
      if (match && std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
        kinds.push_back(kind);
    }
    if (pattern != "*" && ParseResourceKind(ResourcePrefix(pattern)) == ResourceKind::kUnknown) {
      return std::nullopt;
    }
  }
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

// "payment events", "payment or refund events", "any event".
std::string DescribeKinds(const std::vector<ResourceKind>& kinds) {
  if (kinds.size() == kLastKind - kFirstKind + 1) return "any event";
  std::string text;
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (i > 0) text += i + 1 == kinds.size() ? " or " : ", ";
    text += ResourceKindName(kinds[i]);
  }
  return text + " events";
}

std::vector<std::string_view> FieldsOf(const std::vector<ResourceKind>& kinds) {
  std::vector<std::string_view> fields;
  for (const ResourceKind kind : kinds) {
    for (const std::string_view field : ResourceFieldNames(kind)) {
      if (std::find(fields.begin(), fields.end(), field) == fields.end()) fields.push_back(field);
    }
  }
  return fields;
}

}  // namespace

std::optional<std::string> WhyFieldCannotExist(std::string_view path,
                                               std::span<const std::string> patterns) {
  const size_t dot = path.find('.');
  const std::string_view root = path.substr(0, dot);
  const bool envelope =
      std::find(kEnvelopeFields.begin(), kEnvelopeFields.end(), root) != kEnvelopeFields.end();
  if (envelope) {
    if (dot == std::string_view::npos) return std::nullopt;
    return fmt::format("cannot exist: {} is not an object", root);
  }
  if (root != "payload") {
    return "cannot exist: an event has only id, type, event_type, created_at and payload";
  }
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view rest = path.substr(dot + 1);
  const std::string_view field = rest.substr(0, rest.find('.'));
  if (field == "metadata") return std::nullopt;
  const auto kinds = KindsOf(patterns);
  if (!kinds) return std::nullopt;
  const std::vector<std::string_view> fields = FieldsOf(*kinds);
  if (std::find(fields.begin(), fields.end(), field) != fields.end()) return std::nullopt;
  return fmt::format("cannot exist for {} (fields: {})", DescribeKinds(*kinds),
                     fmt::join(fields, ", "));
}

}  // namespace webhookd
