// One case per handler kind.
#include "handlers/handler_factory.hpp"

#include "handlers/log_handler.hpp"

namespace webhookd {

namespace {

template <typename... Kinds>
struct Overloaded : Kinds... {
  using Kinds::operator()...;
};

std::shared_ptr<Handler> MakeHandler(const HandlerConfig& config) {
  return std::visit(Overloaded{[&](const LogHandlerSpec&) -> std::shared_ptr<Handler> {
                      return std::make_shared<LogHandler>(config.name);
                    }},
                    config.spec);
}

}  // namespace

Result<std::vector<Route>> BuildRoutes(const std::vector<HandlerConfig>& configs) {
  std::vector<Route> routes;
  routes.reserve(configs.size());
  for (const HandlerConfig& config : configs) routes.push_back({config.on, MakeHandler(config)});
  return routes;
}

Result<DispatchTable> BuildDispatchTable(const std::vector<HandlerConfig>& configs) {
  auto routes = BuildRoutes(configs);
  if (!routes) return routes.take_error();
  return DispatchTable::Build(std::move(*routes));
}

}  // namespace webhookd
