// Renders stored JSON bodies for one base URL.
#include "sandbox/base_template.hpp"

#include <cstring>

#include "core/json_writer.hpp"

namespace webhookd::sandbox {

void AppendWithBase(std::string& out, std::string_view body_template,
                    std::string_view escaped_base) {
  while (!body_template.empty()) {
    const void* hit = std::memchr(body_template.data(), kBaseMarker, body_template.size());
    if (hit == nullptr) {
      out.append(body_template);
      return;
    }
    const size_t at = static_cast<size_t>(static_cast<const char*>(hit) - body_template.data());
    out.append(body_template.substr(0, at));
    out.append(escaped_base);
    body_template.remove_prefix(at + 1);
  }
}

std::string RenderWithBase(std::string_view body_template, std::string_view escaped_base) {
  std::string out;
  out.reserve(body_template.size() + 8 * escaped_base.size());
  AppendWithBase(out, body_template, escaped_base);
  return out;
}

std::string EscapeBaseForJson(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string quoted;
  AppendJsonString(quoted, base);
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace webhookd::sandbox
