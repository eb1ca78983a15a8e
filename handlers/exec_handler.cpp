// Turning an event into one program run and the run into a handler outcome.
#include "handlers/exec_handler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace webhookd {

namespace {

constexpr size_t kMaxOutputBytes = 8192;
// How much of stderr goes into the error kept in the run record.
constexpr size_t kErrorExcerptBytes = 400;
constexpr int kErrorExcerptLines = 3;

// The first lines of stderr joined with " | ": scripts usually say why they
// failed there, and the run record should show it without the log.
std::string StderrExcerpt(std::string_view err) {
  std::string excerpt;
  int lines = 0;
  bool more = false;
  while (!err.empty()) {
    const size_t end = err.find('\n');
    const std::string_view line = err.substr(0, end);
    err = end == std::string_view::npos ? std::string_view() : err.substr(end + 1);
    if (line.empty()) continue;
    if (lines == kErrorExcerptLines || excerpt.size() >= kErrorExcerptBytes) {
      more = true;
      break;
    }
    if (!excerpt.empty()) excerpt += " | ";
    const size_t room = kErrorExcerptBytes - std::min(kErrorExcerptBytes, excerpt.size());
    excerpt.append(line.substr(0, room));
    more = line.size() > room;
    ++lines;
  }
  for (char& c : excerpt) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (more) excerpt += " ...";
  return excerpt;
}

// One output as a single log line: newlines escaped, truncation said.
std::string LogText(const CapturedOutput& output) {
  std::string text;
  for (char c : output.kept) {
    if (c == '\n') {
      text += "\\n";
    } else {
      text.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
    }
  }
  if (output.truncated()) text += fmt::format(" [truncated, {} bytes in all]", output.total_bytes);
  return text;
}

std::vector<std::vector<ArgvPart>> ParseOrThrow(const ExecHandlerSpec& spec) {
  if (const Status valid = ValidateExecSpec(spec); !valid.ok())
    throw std::invalid_argument(valid.error().detail);
  std::vector<std::vector<ArgvPart>> args;
  for (const std::string& arg : spec.argv)
    args.push_back(std::move(ParseArgvTemplate(arg)).value());
  return args;
}

// Holds one of a handler's run slots for as long as it lives, counting
// itself in `calls` from before it waits for the slot until it gives it back.
class SlotHold {
 public:
  SlotHold(std::counting_semaphore<>& slots, std::atomic<int>& calls) : slots_(slots), calls_(calls) {
    ++calls_;
    slots_.acquire();
  }
  ~SlotHold() {
    slots_.release();
    --calls_;
  }
  SlotHold(const SlotHold&) = delete;
  SlotHold& operator=(const SlotHold&) = delete;

 private:
  std::counting_semaphore<>& slots_;
  std::atomic<int>& calls_;
};

}  // namespace

Status ValidateExecSpec(const ExecHandlerSpec& spec) {
  const auto invalid = [](std::string detail) {
    return MakeError(ErrorCode::kConfig, "bad exec handler", detail);
  };
  if (spec.argv.empty() || spec.argv[0].empty())
    return invalid("argv must start with the program to run");
  for (size_t i = 0; i < spec.argv.size(); ++i) {
    const Result<std::vector<ArgvPart>> parts = ParseArgvTemplate(spec.argv[i]);
    if (!parts.ok()) return invalid(fmt::format("argv[{}]: {}", i, parts.error().detail));
    const bool has_placeholder = std::any_of(parts->begin(), parts->end(),
                                             [](const ArgvPart& part) { return part.is_path; });
    if (i == 0 && has_placeholder) {
      return invalid(
          "argv[0] must not hold {...} placeholders: the event must not choose the program");
    }
  }
  if (spec.timeout.count() <= 0) return invalid("timeout must be positive");
  if (spec.max_concurrency < 1) return invalid("max_concurrency must be at least 1");
  return Ok{};
}

std::vector<std::string> EventEnvironment(const Event& event) {
  return {"PAYPRO_EVENT_ID=" + event.id, "PAYPRO_EVENT_TYPE=" + event.type_name,
          "PAYPRO_RESOURCE_ID=" + event.resource_id, "PAYPRO_RESOURCE_TYPE=" + event.resource_type};
}

std::string DescribeFailure(std::string_view program, const SubprocessResult& result,
                            std::chrono::milliseconds timeout) {
  std::string text;
  if (result.timed_out) {
    text = fmt::format("exec {} timed out after {} ms: process group killed", program,
                       timeout.count());
  } else if (result.signal != 0) {
    const char* name = sigabbrev_np(result.signal);
    text = name != nullptr ? fmt::format("exec {}: killed by SIG{}", program, name)
                           : fmt::format("exec {}: killed by signal {}", program, result.signal);
  } else if (result.exit_code >= 0) {
    text = fmt::format("exec {}: exit {}", program, result.exit_code);
  } else {
    text = fmt::format("exec {}: ended, status unknown", program);
  }
  if (const std::string excerpt = StderrExcerpt(result.err.kept); !excerpt.empty())
    text += ": " + excerpt;
  return text;
}

ExecHandler::ExecHandler(HandlerSettings settings, ExecHandlerSpec spec)
    : Handler(std::move(settings)),
      spec_(std::move(spec)),
      args_(ParseOrThrow(spec_)),
      slots_(spec_.max_concurrency) {}

HandlerOutcome ExecHandler::Handle(const HandlerCall& call) {
  SubprocessRequest request;
  for (const std::vector<ArgvPart>& arg : args_) request.argv.push_back(Render(arg, call.fields));
  request.extra_env = EventEnvironment(call.event);
  request.input = call.event.json;
  request.timeout = spec_.timeout;
  request.max_output_bytes = kMaxOutputBytes;

  const SlotHold slot(slots_, calls_);
  const Result<SubprocessResult> result = RunSubprocess(request);
  if (!result.ok()) {
    spdlog::warn("handler={} event={} {}", name(), call.event.id, result.error().detail);
    return HandlerOutcome::Retry("exec: " + result.error().detail);
  }
  LogRun(call.event, *result);
  if (result->succeeded()) return HandlerOutcome::Done();
  return HandlerOutcome::Retry(DescribeFailure(spec_.argv[0], *result, spec_.timeout));
}

void ExecHandler::LogRun(const Event& event, const SubprocessResult& result) const {
  std::string outputs;
  if (result.out.total_bytes > 0) outputs += "; stdout: " + LogText(result.out);
  if (result.err.total_bytes > 0) outputs += "; stderr: " + LogText(result.err);
  if (result.succeeded()) {
    spdlog::debug("handler={} event={} exec {} exit 0 in {} ms{}", name(), event.id, spec_.argv[0],
                  result.elapsed.count(), outputs);
    return;
  }
  spdlog::warn("handler={} event={} {} (after {} ms){}", name(), event.id,
               DescribeFailure(spec_.argv[0], result, spec_.timeout), result.elapsed.count(),
               outputs);
}

}  // namespace webhookd
