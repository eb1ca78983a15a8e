// The PayPro API calls the daemon makes, over one keep-alive connection.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "core/http_client.hpp"
#include "paypro/api_call_stats.hpp"

namespace webhookd {

/// What an answer to GET /events/{id} means for the verifier.
enum class FetchVerdict {
  kFound,       ///< 200: PayPro's copy is in `body`
  kNotFound,    ///< 404: PayPro does not know the event
  kAuthFailed,  ///< 401/403: our API key is wrong; keep the event, retry later
  kRetry,       ///< 429, 5xx, timeouts, connection failures, anything unexpected
};

struct EventFetch {
  FetchVerdict verdict = FetchVerdict::kRetry;
  unsigned status = 0;  ///< HTTP status, 0 when there was no answer
  std::string body;
  std::optional<std::chrono::seconds> retry_after;
  std::string detail;  ///< for the log and last_error
};

/// Classifies an exchange (pure; no I/O).
EventFetch ClassifyEventFetch(Result<ClientResponse> exchange);

/// A PayPro API client for one worker thread.
class PayProApi {
 public:
  /// Every call is counted in `stats` when given (it must outlive the client).
  explicit PayProApi(const PayProConfig& config, ApiCallStats* stats = nullptr);

  /// GET /events/{id} with the Bearer key. `event_id` must already be valid.
  EventFetch FetchEvent(const std::string& event_id);

  /// GET of any API path (e.g. "/events?limit=100"), for list walks.
  Result<ClientResponse> Get(const std::string& target);

 private:
  Secret api_key_;
  HttpClient client_;
  ApiCallStats* stats_;
};

}  // namespace webhookd
