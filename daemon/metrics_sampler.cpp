// The database gauges' sampling thread.
#include "daemon/metrics_sampler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "storage/database.hpp"

namespace webhookd {

namespace {

// A sample that takes longer is not worth waiting for: the next one comes soon.
constexpr int kConnectTimeoutS = 2;
constexpr const char* kStatementTimeoutSql = "SET statement_timeout = 2000";

constexpr int kPauseToSampleRatio = 19;

}  // namespace

std::chrono::milliseconds PauseAfterSample(std::chrono::milliseconds interval, std::chrono::milliseconds took) {
  return std::max(interval, took * kPauseToSampleRatio);
}

MetricsSampler::MetricsSampler(Secret database_url, std::chrono::milliseconds interval)
    : database_url_(std::move(database_url)), interval_(interval), started_(std::chrono::steady_clock::now()) {}

MetricsSampler::~MetricsSampler() { Stop(); }

void MetricsSampler::Start() { thread_ = std::thread([this] { Run(); }); }

void MetricsSampler::Stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stop_ = true;
  }
  stop_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SampledGauges MetricsSampler::Latest() const {
  std::lock_guard lock(sample_mutex_);
  const auto since = sample_ ? sampled_at_ : started_;
  return {sample_, std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count()};
}

void MetricsSampler::Run() {
  while (true) {
    const auto started = std::chrono::steady_clock::now();
    const bool sampled = SampleOnce();
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (sampled && failing_) spdlog::info("metrics: database gauges are current again");
    failing_ = !sampled;
    std::unique_lock lock(stop_mutex_);
    // A failed attempt cost PostgreSQL nothing: retry after the interval.
    const auto pause = sampled ? PauseAfterSample(interval_, took) : interval_;
    if (stop_changed_.wait_for(lock, pause, [this] { return stop_; })) return;
  }
}

bool MetricsSampler::SampleOnce() {
  std::string why;
  try {
    if (!connection_) {
      auto connected = ConnectDatabase(database_url_, "metrics", kConnectTimeoutS);
      if (connected) {
        connection_ = std::move(*connected);
        pqxx::nontransaction(*connection_).exec0(kStatementTimeoutSql);
      } else {
        why = connected.error().detail;
      }
    }
    if (connection_) {
      const BacklogSample sample = ReadBacklog(*connection_);
      std::lock_guard lock(sample_mutex_);
      sample_ = sample;
      sampled_at_ = std::chrono::steady_clock::now();
      return true;
    }
  } catch (const std::exception& e) {
    why = RedactPassword(e.what(), database_url_);
    connection_.reset();
  }
  if (!failing_) spdlog::warn("metrics: database gauges not refreshed, showing the last sample: {}", why);
  return false;
}

}  // namespace webhookd
