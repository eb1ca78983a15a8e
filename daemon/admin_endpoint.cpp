// Admin routes.
#include "daemon/admin_endpoint.hpp"

#include "core/http_status.hpp"

namespace webhookd {

HttpHandler MakeAdminHandler(AdminProbes probes) {
  return [probes = std::move(probes)](ServerRequest request, Responder respond) {
    const std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
    if (request.method != "GET") {
      ServerResponse response = ErrorResponse(MakeError(ErrorCode::kMethodNotAllowed, "method not allowed"));
      response.headers = {};
      response.headers.Add("Allow", "GET");
      return respond(std::move(response));
    }
    if (path == "/healthz") return respond(OkResponse("alive"));
    if (path == "/readyz") {
      const std::string reason = probes.not_ready_reason();
      return respond(reason.empty() ? OkResponse("ready")
                                    : ErrorResponse(MakeError(ErrorCode::kUnavailable, "not ready: " + reason)));
    }
    if (path == "/metrics") {
      ServerResponse response;
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = probes.metrics();
      return respond(std::move(response));
    }
    respond(ErrorResponse(MakeError(ErrorCode::kNotFound, "not found")));
  };
}

}  // namespace webhookd
