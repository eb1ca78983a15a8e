// One case per handler kind.
#include "handlers/handler_factory.hpp"

#include <fmt/format.h>

#include "handlers/exec_handler.hpp"
#include "handlers/http_handler.hpp"
#include "handlers/log_handler.hpp"
#include "handlers/mirror_handler.hpp"
#include "handlers/notify_handler.hpp"
#include "handlers/sql_handler.hpp"

namespace webhookd {

namespace {

template <typename... Kinds>
struct Overloaded : Kinds... {
  using Kinds::operator()...;
};
// clang before 17 does not deduce aggregate template arguments (P1816) by itself.
template <typename... Kinds>
Overloaded(Kinds...) -> Overloaded<Kinds...>;

using Made = Result<std::shared_ptr<Handler>>;

template <typename Kind, typename... Args>
Made Make(Args&&... args) {
  return std::shared_ptr<Handler>(std::make_shared<Kind>(std::forward<Args>(args)...));
}

// The config loader has validated each spec; what can still fail here is
// reported as a config error naming the handler, never thrown at run time.
Made MakeHandler(const HandlerConfig& config) {
  HandlerSettings settings{config.name, config.when, config.retry};
  try {
    return std::visit(
        Overloaded{
            [&](const LogHandlerSpec&) -> Made { return Make<LogHandler>(settings); },
            [&](const SqlHandlerSpec& spec) -> Made {
              auto made = SqlHandler::Create(settings, spec);
              if (!made) return made.take_error();
              return std::shared_ptr<Handler>(std::move(*made));
            },
            [&](const NotifyHandlerSpec& spec) -> Made { return Make<NotifyHandler>(settings, spec); },
            [&](const MirrorHandlerSpec&) -> Made { return Make<MirrorHandler>(settings); },
            [&](const HttpHandlerSpec& spec) -> Made { return Make<HttpPostHandler>(settings, spec); },
            [&](const ExecHandlerSpec& spec) -> Made { return Make<ExecHandler>(settings, spec); }},
        config.spec);
  } catch (const std::invalid_argument& e) {
    return MakeError(ErrorCode::kConfig, "invalid handler", fmt::format("handler {}: {}", config.name, e.what()));
  }
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
