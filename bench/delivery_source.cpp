// Reading export files and asking the sandbox for signed calls.
#include "bench/delivery_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/http_client.hpp"
#include "core/json_writer.hpp"

namespace webhookd::bench {

namespace {

// One export answer stays around 80 MB.
constexpr size_t kEventsPerExport = 50'000;

Result<std::vector<SignedDelivery>> FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kBadRequest, fmt::format("cannot read {}", path));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseDeliveries(text.str());
}

Result<std::vector<SignedDelivery>> FromSandbox(const RequestSource& source) {
  HttpClientOptions options;
  options.request_timeout = std::chrono::minutes(10);
  options.max_response_bytes = size_t{1} << 31;
  options.user_agent = "paypro-loadgen";
  HttpClient client(*source.sandbox, options);
  std::vector<SignedDelivery> deliveries;
  deliveries.reserve(source.events);
  while (deliveries.size() < source.events) {
    const size_t count = std::min(kEventsPerExport, source.events - deliveries.size());
    ClientRequest request;
    request.method = "POST";
    request.target = "/_sandbox/export";
    request.headers.Add("Content-Type", "application/json");
    JsonWriter body;
    body.BeginObject()
        .Key("count")
        .Int(static_cast<int64_t>(count))
        .Key("type")
        .String(source.type)
        .EndObject();
    request.body = body.Take();
    auto response = client.Send(request);
    if (!response) return response.take_error();
    if (response->status != 200) {
      return MakeError(ErrorCode::kUpstream,
                       fmt::format("sandbox export answered {}: {}", response->status,
                                   response->body.substr(0, 200)));
    }
    auto chunk = ParseDeliveries(response->body);
    if (!chunk) return chunk.take_error();
    std::move(chunk->begin(), chunk->end(), std::back_inserter(deliveries));
  }
  return deliveries;
}

}  // namespace

Result<std::vector<SignedDelivery>> LoadDeliveries(const RequestSource& source) {
  if (source.sandbox) return FromSandbox(source);
  return FromFile(source.file);
}

}  // namespace webhookd::bench
