// ErrorCode to HTTP status, and the error body clients see.
#include "core/http_status.hpp"

#include "core/json_writer.hpp"

namespace webhookd {

unsigned HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return 400;
    case ErrorCode::kUnauthorized: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kHeadersTooLarge: return 431;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kUpstream: return 502;
    case ErrorCode::kTimeout: return 504;
    case ErrorCode::kConfig:
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

ServerResponse ErrorResponse(const Error& error) {
  ServerResponse response;
  response.status = HttpStatusFor(error.code);
  JsonWriter json;
  json.BeginObject().Key("error").String(error.reason).EndObject();
  response.body = json.Take();
  if (response.status == 503 || response.status == 429) {
    response.headers.Add("Retry-After", std::to_string(kRetryAfterSeconds));
  }
  if (response.status == 405) response.headers.Add("Allow", "POST");
  return response;
}

ServerResponse OkResponse(std::string_view text) {
  ServerResponse response;
  JsonWriter json;
  json.BeginObject().Key("status").String(text).EndObject();
  response.body = json.Take();
  return response;
}

}  // namespace webhookd
