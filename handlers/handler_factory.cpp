// One case per handler kind.
#include "handlers/handler_factory.hpp"

#include <fmt/format.h>

#include "handlers/log_handler.hpp"
#include "handlers/notify_handler.hpp"

namespace webhookd {

namespace {

template <typename... Kinds>
struct Overloaded : Kinds... {
  using Kinds::operator()...;
};

Result<std::shared_ptr<Handler>> MakeHandler(const HandlerConfig& config) {
  HandlerSettings settings{config.name, config.when, config.retry};
  return std::visit(
      Overloaded{
          [&](const LogHandlerSpec&) -> Result<std::shared_ptr<Handler>> {
            return std::shared_ptr<Handler>(std::make_shared<LogHandler>(settings));
          },
          [&](const NotifyHandlerSpec& spec) -> Result<std::shared_ptr<Handler>> {
            return std::shared_ptr<Handler>(std::make_shared<NotifyHandler>(settings, spec));
          },
          [&](const auto&) -> Result<std::shared_ptr<Handler>> {
            return MakeError(ErrorCode::kConfig, "unsupported handler", fmt::format("handler {}: kind not built yet", config.name));
          }},
      config.spec);
}

}  // namespace

Result<std::vector<Route>> BuildRoutes(const std::vector<HandlerConfig>& configs) {
  std::vector<Route> routes;
  routes.reserve(configs.size());
  for (const HandlerConfig& config : configs) {
    auto handler = MakeHandler(config);
    if (!handler) return handler.take_error();
    routes.push_back({config.on, std::move(*handler)});
  }
  return routes;
}

Result<DispatchTable> BuildDispatchTable(const std::vector<HandlerConfig>& configs) {
  auto routes = BuildRoutes(configs);
  if (!routes) return routes.take_error();
  return DispatchTable::Build(std::move(*routes));
}

}  // namespace webhookd
