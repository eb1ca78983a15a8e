// simdjson DOM parsing of control bodies: strict, so a typo is an error
// rather than a silently ignored setting.
#include "sandbox/control_requests.hpp"

#include <simdjson.h>

#include <optional>

#include "core/json_writer.hpp"

namespace webhookd::sandbox {

namespace {

Error Bad(std::string reason) { return MakeError(ErrorCode::kBadRequest, std::move(reason)); }

// Calls `on_field(key, value)` for each member of the body's top-level
// object; an empty body is an empty object.
template <typename OnField>
Status ForEachField(std::string_view body, OnField&& on_field) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Ok{};
  simdjson::dom::parser parser;
  const simdjson::padded_string padded(body);
  simdjson::dom::object object;
  if (parser.parse(padded).get_object().get(object) != simdjson::SUCCESS) {
    return Bad("body must be a JSON object");
  }
  for (const auto field : object) {
    if (Status status = on_field(field.key, field.value); !status) return status;
  }
  return Ok{};
}

Result<int64_t> IntField(simdjson::dom::element value, std::string_view key, int64_t low,
                         int64_t high) {
  int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS || number < low || number > high) {
    return Bad(std::string(key) + " must be a whole number from " + std::to_string(low) + " to " +
               std::to_string(high));
  }
  return number;
}

Result<std::string_view> StringField(simdjson::dom::element value, std::string_view key) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return Bad(std::string(key) + " must be a string");
  }
  return text;
}

Error UnknownField(std::string_view key) { return Bad("unknown field: " + std::string(key)); }

// Reads `count` or `type`, the fields both batch requests have; nullopt when
// `key` is neither.
std::optional<Status> BatchField(std::string_view key, simdjson::dom::element value, size_t& count,
                                 EventMix& mix) {
  if (key == "count") {
    auto number = IntField(value, key, 0, kMaxEventsPerRequest);
    if (!number) return Status(number.take_error());
    count = static_cast<size_t>(*number);
    return Status(Ok{});
  }
  if (key == "type") {
    auto text = StringField(value, key);
    if (!text) return Status(text.take_error());
    auto parsed = ParseEventMix(*text);
    if (!parsed) return Status(parsed.take_error());
    mix = *parsed;
    return Status(Ok{});
  }
  return std::nullopt;
}

Result<Secret> SecretField(simdjson::dom::element value, std::string_view key) {
  auto text = StringField(value, key);
  if (!text) return text.take_error();
  if (text->empty()) return Bad(std::string(key) + " must not be empty");
  return Secret(std::string(*text));
}

Status TriggerField(std::string_view key, simdjson::dom::element value, TriggerRequest& request) {
  if (auto common = BatchField(key, value, request.count, request.mix)) return *common;
  if (key == "concurrency") {
    auto number = IntField(value, key, 1, kMaxConcurrency);
    if (!number) return number.take_error();
    request.concurrency = static_cast<size_t>(*number);
    return Ok{};
  }
  if (key == "secret") {
    auto secret = SecretField(value, key);
    if (!secret) return secret.take_error();
    request.secret = std::move(*secret);
    return Ok{};
  }
  if (key != "to") return UnknownField(key);
  auto text = StringField(value, key);
  if (!text) return text.take_error();
  auto url = ParseUrl(*text);
  if (!url) return Bad("to must be an http(s) URL");
  request.to = std::move(*url);
  return Ok{};
}

Status ExportField(std::string_view key, simdjson::dom::element value, ExportRequest& request) {
  if (auto common = BatchField(key, value, request.count, request.mix)) return *common;
  if (key != "secret") return UnknownField(key);
  auto secret = SecretField(value, key);
  if (!secret) return secret.take_error();
  request.secret = std::move(*secret);
  return Ok{};
}

Status FaultField(std::string_view key, simdjson::dom::element value, Faults& faults) {
  const auto rate = [&](double& target) -> Status {
    if (value.get_double().get(target) != simdjson::SUCCESS) {
      return Bad(std::string(key) + " must be a number");
    }
    return Ok{};
  };
  const auto whole = [&](int64_t& target) -> Status {
    auto number = IntField(value, key, INT32_MIN, INT32_MAX);
    if (!number) return number.take_error();
    target = *number;
    return Ok{};
  };
  if (key == "latency_ms") return whole(faults.latency_ms);
  if (key == "list_latency_ms") return whole(faults.list_latency_ms);
  if (key == "error_rate") return rate(faults.error_rate);
  if (key == "timeout_rate") return rate(faults.timeout_rate);
  if (key == "rate_limit_rate") return rate(faults.rate_limit_rate);
  if (key == "retry_after_s") return whole(faults.retry_after_s);
  if (key == "drop_rate") return rate(faults.drop_rate);
  if (key == "duplicate_rate") return rate(faults.duplicate_rate);
  if (key == "max_delivery_attempts") return whole(faults.max_delivery_attempts);
  if (key == "down") {
    if (value.get_bool().get(faults.down) != simdjson::SUCCESS) {
      return Bad("down must be true or false");
    }
    return Ok{};
  }
  return Bad("unknown fault: " + std::string(key));
}

}  // namespace

Result<CreateRequest> ParseCreateRequest(std::string_view body) {
  CreateRequest request;
  Status status = ForEachField(body, [&](std::string_view key, simdjson::dom::element value) {
    return BatchField(key, value, request.count, request.mix).value_or(UnknownField(key));
  });
  if (!status) return status.take_error();
  return request;
}

Result<TriggerRequest> ParseTriggerRequest(std::string_view body) {
  TriggerRequest request;
  Status status = ForEachField(body, [&](std::string_view key, simdjson::dom::element value) {
    return TriggerField(key, value, request);
  });
  if (!status) return status.take_error();
  if (request.to.host.empty()) return Bad("to is required: the URL to deliver webhooks to");
  return request;
}

Result<ExportRequest> ParseExportRequest(std::string_view body) {
  ExportRequest request;
  Status status = ForEachField(body, [&](std::string_view key, simdjson::dom::element value) {
    return ExportField(key, value, request);
  });
  if (!status) return status.take_error();
  return request;
}

Result<Faults> ApplyFaultChanges(const Faults& current, std::string_view body) {
  Faults faults = current;
  Status status = ForEachField(body, [&](std::string_view key, simdjson::dom::element value) {
    return FaultField(key, value, faults);
  });
  if (!status) return status.take_error();
  if (Status valid = ValidateFaults(faults); !valid) return Bad(valid.error().reason);
  return faults;
}

std::string FaultsJson(const Faults& faults) {
  JsonWriter json;
  json.BeginObject();
  json.Key("latency_ms").Int(faults.latency_ms).Key("list_latency_ms").Int(faults.list_latency_ms);
  json.Key("error_rate").Double(faults.error_rate).Key("timeout_rate").Double(faults.timeout_rate);
  json.Key("rate_limit_rate").Double(faults.rate_limit_rate);
  json.Key("retry_after_s").Int(faults.retry_after_s);
  json.Key("down").Bool(faults.down);
  json.Key("drop_rate").Double(faults.drop_rate);
  json.Key("duplicate_rate").Double(faults.duplicate_rate);
  json.Key("max_delivery_attempts").Int(faults.max_delivery_attempts);
  json.EndObject();
  return json.Take();
}

}  // namespace webhookd::sandbox
