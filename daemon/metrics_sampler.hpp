// A thread that reads the database gauges of /metrics every few seconds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/secret.hpp"
#include "storage/backlog_query.hpp"
#include "storage/database.hpp"

namespace webhookd {

/// What /metrics shows of the database.
struct SampledGauges {
  std::optional<BacklogSample> sample;  ///< the last successful reading; none before the first
  double age_s = 0;                     ///< seconds since that reading (since start when none)
};

/// Reads BacklogSample on its own connection, with a statement_timeout,
/// every interval, so that a scrape never queries the database and many
/// scrapers cost nothing extra. A slow reading (the counts walk every backlog
/// row, slow during a burst of many thousands) stretches the pause after it:
/// see PauseAfterSample. When PostgreSQL is down it keeps the last
/// sample (its growing age shows the staleness), retries every interval,
/// and logs only the change from working to failing and back.
/// The pause after a reading that took `took`: the interval, or 19 × `took`
/// when longer, so that sampling never costs more than 5 % of one
/// PostgreSQL backend, however large the backlog.
std::chrono::milliseconds PauseAfterSample(std::chrono::milliseconds interval, std::chrono::milliseconds took);

class MetricsSampler {
 public:
  static constexpr std::chrono::milliseconds kInterval{5000};

  explicit MetricsSampler(Secret database_url, std::chrono::milliseconds interval = kInterval);
  ~MetricsSampler();
  MetricsSampler(const MetricsSampler&) = delete;
  MetricsSampler& operator=(const MetricsSampler&) = delete;

  void Start();
  /// Returns once a query in progress ends (at most the statement timeout).
  void Stop();

  /// The last sample and its age; cheap, safe from any thread.
  SampledGauges Latest() const;

 private:
  void Run();
  /// One reading; false (and logged when it starts failing) on any failure.
  bool SampleOnce();

  const Secret database_url_;
  const std::chrono::milliseconds interval_;
  const std::chrono::steady_clock::time_point started_;
  std::thread thread_;
  std::mutex stop_mutex_;
  std::condition_variable stop_changed_;
  bool stop_ = false;
  bool failing_ = false;  ///< the last attempt failed (only the sampler thread uses it)
  std::unique_ptr<pqxx::connection> connection_;

  mutable std::mutex sample_mutex_;
  std::optional<BacklogSample> sample_;
  std::chrono::steady_clock::time_point sampled_at_;
};

}  // namespace webhookd
