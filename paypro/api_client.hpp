// The PayPro API calls the daemon makes, over one keep-alive connection.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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
  std::chrono::steady_clock::duration took{};  ///< the call, from its first attempt to its answer
};

/// Classifies an exchange (pure; no I/O).
EventFetch ClassifyEventFetch(Result<ClientResponse> exchange);

/// A PayPro API client for one worker thread.
class PayProApi {
 public:
  /// Every call is counted in `stats` when given (it must outlive the client).
  explicit PayProApi(const PayProConfig& config, ApiCallStats* stats = nullptr);

  /// GET /events/{id} with the Bearer key for every id (each already valid),
  /// over up to `connections` connections at once; the fetches come in the
  /// order of `event_ids`. `proceed` is told each answer's status (0: none)
  /// and Retry-After as it arrives; once it says false, the calls not yet
  /// made are not made (nullopt).
  using Proceed = std::function<bool(unsigned status, std::optional<std::chrono::seconds> retry_after)>;
  std::vector<std::optional<EventFetch>> FetchEvents(const std::vector<std::string>& event_ids, size_t connections,
                                                     const Proceed& proceed);

  /// GET of any API path (e.g. "/events?limit=100"), for list walks.
  Result<ClientResponse> Get(const std::string& target);

 private:
  ClientRequest GetRequest(const std::string& target) const;

  Secret api_key_;
  HttpClient client_;
  ApiCallStats* stats_;
};

}  // namespace webhookd
