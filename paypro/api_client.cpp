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

ClientRequest PayProApi::GetRequest(const std::string& target) const {
  ClientRequest request;
  request.target = target;
  request.headers.Add("Authorization", "Bearer " + std::string(api_key_.Reveal()));
  request.headers.Add("Accept", "application/json");
  return request;
}

Result<ClientResponse> PayProApi::Get(const std::string& target) {
  Result<ClientResponse> exchange = client_.Send(GetRequest(target));
  if (stats_ != nullptr) stats_->Count(exchange);
  return exchange;
}

std::vector<std::optional<EventFetch>> PayProApi::FetchEvents(
    const std::vector<std::string>& event_ids, size_t connections,
    const Proceed& proceed) {
  std::vector<ClientRequest> requests;
  requests.reserve(event_ids.size());
  for (const std::string& id : event_ids) requests.push_back(GetRequest("/events/" + id));
  const ProceedAfter after_each = [&](const Result<ClientResponse>& exchange) {
    return exchange.ok() ? proceed(exchange->status, exchange->RetryAfter()) : proceed(0, std::nullopt);
  };
  std::vector<std::optional<EventFetch>> fetches;
  fetches.reserve(event_ids.size());
  for (TimedResponse& exchange : client_.SendAll(requests, connections, after_each)) {
    if (!exchange.sent) {
      fetches.emplace_back();
      continue;
    }
    if (stats_ != nullptr) stats_->Count(exchange.response);
    fetches.push_back(ClassifyEventFetch(std::move(exchange.response)));
    fetches.back()->took = exchange.took;
  }
  return fetches;
}

}  // namespace webhookd
