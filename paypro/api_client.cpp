// PayPro API calls and what their answers mean.
#include "paypro/api_client.hpp"

#include <fmt/format.h>

namespace webhookd {

namespace {

HttpClientOptions ClientOptions(const PayProConfig& config) {
  HttpClientOptions options;
  options.connect_timeout = config.connect_timeout;
  options.request_timeout = config.request_timeout;
  options.ca_file = config.ca_file;
  return options;
}

}  // namespace

EventFetch ClassifyEventFetch(Result<ClientResponse> exchange) {
  EventFetch fetch;
  if (!exchange) {
    fetch.detail = exchange.error().detail;
    return fetch;
  }
  ClientResponse& response = *exchange;
  fetch.status = response.status;
  fetch.retry_after = response.RetryAfter();
  switch (response.status) {
    case 200:
      fetch.verdict = FetchVerdict::kFound;
      fetch.body = std::move(response.body);
      break;
    case 404:
      fetch.verdict = FetchVerdict::kNotFound;
      fetch.detail = "PayPro does not know this event (404)";
      break;
    case 401:
    case 403:
      fetch.verdict = FetchVerdict::kAuthFailed;
      fetch.detail = fmt::format("PayPro refused our API key ({}): check paypro.api_key", response.status);
      break;
    default:
      fetch.detail = fmt::format("PayPro answered {}", response.status);
  }
  return fetch;
}

PayProApi::PayProApi(const PayProConfig& config, ApiCallStats* stats)
    : api_key_(config.api_key), client_(config.api_base, ClientOptions(config)), stats_(stats) {}

Result<ClientResponse> PayProApi::Get(const std::string& target) {
  ClientRequest request;
  request.target = target;
  request.headers.Add("Authorization", "Bearer " + std::string(api_key_.Reveal()));
  request.headers.Add("Accept", "application/json");
  Result<ClientResponse> exchange = client_.Send(request);
  if (stats_ != nullptr) stats_->Count(exchange);
  return exchange;
}

EventFetch PayProApi::FetchEvent(const std::string& event_id) { return ClassifyEventFetch(Get("/events/" + event_id)); }

}  // namespace webhookd
