// The trigger subcommand: one POST, then optional long polls.
#include "sandbox/trigger_command.hpp"

#include <simdjson.h>

#include <iostream>

#include "core/http_client.hpp"
#include "core/json_writer.hpp"

namespace webhookd::sandbox {

namespace {

constexpr int kWaitMs = 10000;
// An upper bound on polls, so a sandbox that never settles cannot hold a
// script forever: an hour of long polls.
constexpr int kMaxPolls = 360;

std::optional<int64_t> PendingOf(std::string_view body) {
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(body);
  int64_t pending = 0;
  if (parser.parse(padded)["pending"].get_int64().get(pending) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return pending;
}

Result<ClientResponse> Call(HttpClient& client, std::string method, std::string target,
                            std::string body) {
  ClientRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);
  if (!request.body.empty()) request.headers.Add("Content-Type", "application/json");
  auto response = client.Send(request);
  if (response && response->status != 200) {
    return MakeError(ErrorCode::kUpstream, "sandbox answered " + std::to_string(response->status),
                     response->body);
  }
  return response;
}

}  // namespace

int RunTrigger(const TriggerOptions& options) {
  HttpClientOptions client_options;
  client_options.request_timeout = std::chrono::milliseconds(kWaitMs + 30000);
  client_options.user_agent = "paypro-sandbox trigger";
  HttpClient client(options.sandbox, client_options);

  JsonWriter json;
  json.BeginObject().Key("count").Int(options.count).Key("type").String(options.type);
  json.Key("to").String(options.to).Key("concurrency").Int(options.concurrency).EndObject();
  auto triggered = Call(client, "POST", "/_sandbox/trigger", json.Take());
  if (!triggered) {
    std::cerr << "paypro-sandbox trigger: " << triggered.error().reason << ": "
              << triggered.error().detail << "\n";
    return 1;
  }
  std::cout << triggered->body << std::endl;
  if (!options.wait) return 0;

  for (int poll = 0; poll < kMaxPolls; ++poll) {
    auto summary =
        Call(client, "GET", "/_sandbox/deliveries?wait_ms=" + std::to_string(kWaitMs), "");
    if (!summary) {
      std::cerr << "paypro-sandbox trigger: " << summary.error().reason << ": "
                << summary.error().detail << "\n";
      return 1;
    }
    const auto pending = PendingOf(summary->body);
    if (!pending) {
      std::cerr << "paypro-sandbox trigger: unexpected answer from /_sandbox/deliveries\n";
      return 1;
    }
    if (*pending == 0) {
      std::cout << summary->body << std::endl;
      return 0;
    }
  }
  std::cerr << "paypro-sandbox trigger: deliveries still pending after an hour\n";
  return 1;
}

}  // namespace webhookd::sandbox
