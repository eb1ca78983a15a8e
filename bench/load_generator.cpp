// paypro-loadgen: sends signed webhook calls open- or closed-loop and prints a JSON latency
// summary.
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "bench/delivery_source.hpp"
#include "bench/load_lane.hpp"
#include "bench/load_options.hpp"
#include "bench/load_tally.hpp"

namespace {

using namespace webhookd;
using namespace webhookd::bench;

constexpr int kExitUsage = 64;
// Threads start their loops first, so time zero finds every lane waiting.
constexpr std::chrono::milliseconds kStartDelay{20};

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::vector<std::string> FormatRequests(std::vector<SignedDelivery> deliveries,
                                        const LoadOptions& options) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<std::string> requests;
  requests.reserve(deliveries.size());
  for (SignedDelivery& delivery : deliveries) {
    Resign(delivery, options.signing, options.secret, now);
    requests.push_back(FormatRequest(delivery, options.target, options.connection_close));
    delivery = {};  // halves the peak memory of a large run
  }
  return requests;
}

// Splits the connections over the threads and readies every lane.
Result<std::vector<std::unique_ptr<LoadLane>>> MakeLanes(const LoadOptions& options,
                                                         const LoadPlan& plan,
                                                         const std::vector<std::string>& requests) {
  std::vector<std::unique_ptr<LoadLane>> lanes;
  for (size_t t = 0; t < options.threads; ++t) {
    LaneSettings settings;
    settings.requests = &requests;
    settings.plan = plan;
    settings.thread = t;
    settings.threads = options.threads;
    settings.connections =
        options.connections / options.threads + (t < options.connections % options.threads);
    settings.host = options.target.host;
    settings.port = options.target.port;
    settings.connection_close = options.connection_close;
    settings.timeout = options.timeout;
    auto lane = std::make_unique<LoadLane>(std::move(settings));
    if (Status ready = lane->Prepare(); !ready) return ready.take_error();
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

int Run(const LoadOptions& options) {
  auto deliveries = LoadDeliveries(options.source);
  if (!deliveries) {
    fmt::print(stderr, "paypro-loadgen: {}\n", deliveries.error().reason);
    return 1;
  }
  const std::vector<std::string> requests = FormatRequests(std::move(*deliveries), options);
  LoadPlan plan = options.plan;
  if (!options.repeat) plan.max_requests = std::min<uint64_t>(plan.max_requests, requests.size());
  auto lanes = MakeLanes(options, plan, requests);
  if (!lanes) {
    fmt::print(stderr, "paypro-loadgen: {}: {}\n", lanes.error().reason, lanes.error().detail);
    return 1;
  }

  const double cpu_before = ProcessCpuSeconds();
  const auto start = std::chrono::steady_clock::now() + kStartDelay;
  const double start_unix_s =
      std::chrono::duration<double>(
          (std::chrono::system_clock::now() + kStartDelay).time_since_epoch())
          .count();
  std::vector<LoadTally> tallies(lanes->size());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < lanes->size(); ++t) {
    threads.emplace_back([&, t] { tallies[t] = (*lanes)[t]->Run(start); });
  }
  for (std::thread& thread : threads) thread.join();

  LoadTally total;
  for (const LoadTally& tally : tallies) total.Merge(tally);
  RunFacts facts{&plan,           options.connections,
                 options.threads, options.connection_close,
                 requests.size(), ProcessCpuSeconds() - cpu_before,
                 start_unix_s};
  fmt::print("{}\n", SummaryJson(total, facts));
  return total.answered() > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--help") != args.end()) {
    fmt::print("{}", LoadUsage());
    return 0;
  }
  auto options = ParseLoadOptions(args);
  if (!options) {
    fmt::print(stderr, "paypro-loadgen: {}\n\n{}", options.error().reason, LoadUsage());
    return kExitUsage;
  }
  return Run(*options);
}
