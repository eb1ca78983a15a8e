// One line per event, key=value, for people and log shippers alike.
#include "handlers/log_handler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace webhookd {

std::string FormatEventLine(std::string_view handler_name, const Event& event) {
  std::string line = fmt::format("handler={} event={} type={} resource={}:{}", handler_name, event.id,
                                 event.type_name, event.resource_type.empty() ? "-" : event.resource_type,
                                 event.resource_id.empty() ? "-" : event.resource_id);
  if (const auto amount = ResourceAmount(event.resource)) line += fmt::format(" amount={}", *amount);
  if (const auto state = ResourceState(event.resource)) line += fmt::format(" state={}", *state);
  return line;
}

HandlerOutcome LogHandler::Handle(const HandlerCall& call) {
  spdlog::info("{}", FormatEventLine(name(), call.event));
  return HandlerOutcome::Done();
}

}  // namespace webhookd
