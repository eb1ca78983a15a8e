// The backfill walk: a fetching thread and a recording loop, one page apart.
#include "daemon/backfill.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "core/json_writer.hpp"
#include "daemon/backoff.hpp"
#include "handlers/rfc3339.hpp"
#include "paypro/api_client.hpp"
#include "storage/backfill_store.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace webhookd {

namespace {

constexpr int64_t kCheckpointOverlapUs = 10LL * 60 * 1000 * 1000;  // 10 minutes
constexpr int kMaxFetchAttempts = 12;
constexpr const char* kFirstPage = "/events?limit=100";

using Clock = std::chrono::steady_clock;

// Pages travel from the fetching thread to the recording loop through a
// queue of one, so fetching page N+1 overlaps recording page N.
class PageQueue {
 public:
  void Push(Result<EventsPage> page) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return pages_.empty() || closed_; });
    pages_.push_back(std::move(page));
    changed_.notify_all();
  }
  std::optional<Result<EventsPage>> Pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !pages_.empty() || closed_; });
    if (pages_.empty()) return std::nullopt;
    auto page = std::move(pages_.front());
    pages_.pop_front();
    changed_.notify_all();
    return page;
  }
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  bool closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Result<EventsPage>> pages_;
  bool closed_ = false;
};

// One page, with retries for what may pass: 429, 5xx, timeouts.
Result<EventsPage> FetchPage(PayProApi& api, const std::string& target, const Url& api_base,
                             const std::atomic<bool>& stop) {
  for (int attempt = 1;; ++attempt) {
    auto response = api.Get(target);
    std::string why;
    std::optional<std::chrono::seconds> retry_after;
    if (response && response->status == 200) return ParseEventsPage(response->body, api_base);
    if (response && (response->status == 401 || response->status == 403)) {
      return MakeError(ErrorCode::kUnauthorized, "API key refused",
                       fmt::format("PayPro refused the API key ({}): check paypro.api_key", response->status));
    }
    if (response && response->status != 429 && response->status < 500) {
      return MakeError(ErrorCode::kUpstream, "unexpected answer",
                       fmt::format("GET {} answered {}", target, response->status));
    }
    why = response ? fmt::format("answered {}", response->status) : response.error().detail;
    if (response) retry_after = response->RetryAfter();
    if (attempt >= kMaxFetchAttempts || stop) {
      return MakeError(ErrorCode::kUpstream, "PayPro unavailable",
                       fmt::format("GET {} failed {} times, last: {}", target, attempt, why));
    }
    const auto delay = RetryDelay(attempt, std::chrono::milliseconds(500), std::chrono::seconds(30), JitterDraw(),
                                  retry_after);
    spdlog::warn("backfill: GET {} {}; retry in {} ms", target, why, delay.count());
    std::this_thread::sleep_for(delay);
  }
}

// Live intake may insert the same events at the same moment; a deadlock or
// serialization failure between the two is resolved by trying the page again.
PageCounts RecordPage(pqxx::connection_base& connection, const std::string& name, const std::string& run_key,
                      const std::vector<ListedEvent>& events, const std::optional<std::string>& next, int pages) {
  for (int attempt = 1;; ++attempt) {
    try {
      return RecordBackfillPage(connection, name, run_key, events, next, pages);
    } catch (const pqxx::transaction_rollback& e) {
      if (attempt >= 5) throw;
      spdlog::info("backfill: page {} collided with live intake ({}); trying again", pages, e.what());
    }
  }
}

std::string RunKey(const std::optional<int64_t>& since_us, const std::optional<int64_t>& until_us) {
  return fmt::format("since={};until={}", since_us ? FormatRfc3339(*since_us) : "-",
                     until_us ? FormatRfc3339(*until_us) : "-");
}

void Report(const BackfillSummary& summary, const BackfillOptions& options, Clock::time_point started,
            const std::string& reached) {
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const std::string line = fmt::format(
      "pages {} | seen {} | new {} | stuck completed {} | known {} | {:.0f} events/s | {:.1f} s | reached {}",
      summary.pages, summary.seen, summary.inserted, summary.completed, summary.known,
      seconds > 0 ? static_cast<double>(summary.seen) / seconds : 0.0, seconds, reached);
  if (options.show_progress) {
    fmt::print(stderr, "\r\033[K{}", line);
    std::fflush(stderr);
  } else {
    spdlog::info("backfill: {}", line);
  }
}

}  // namespace

Result<BackfillSummary> RunBackfill(const Config& config, const BackfillOptions& options,
                                    const std::atomic<bool>& stop) {
  const auto started = Clock::now();
  auto connected = ConnectDatabase(config.database.url, "backfill");
  if (!connected) return connected.take_error();
  pqxx::connection_base& connection = **connected;
  BackfillSummary summary;
  try {
    if (auto migrated = ApplyMigrations(connection); !migrated) return migrated.take_error();
    if (!options.dry_run && !TryLockBackfill(connection)) {
      return MakeError(ErrorCode::kUnavailable, "backfill running",
                       "another backfill is running on this database; try again when it has finished");
    }
    const BackfillProgress progress = LoadBackfillProgress(connection, options.name);
    std::optional<int64_t> since_us;
    std::optional<int64_t> until_us;
    if (options.since) since_us = *ParseRfc3339(*options.since);
    if (options.until) until_us = *ParseRfc3339(*options.until);
    if (!since_us && progress.checkpoint) {
      if (auto checkpoint = ParseRfc3339(*progress.checkpoint)) since_us = *checkpoint - kCheckpointOverlapUs;
    }
    const std::string run_key = RunKey(since_us, until_us);
    std::string first_target = kFirstPage;
    if (!options.dry_run && progress.run_key == run_key && progress.next_target) {
      first_target = *progress.next_target;
      summary.pages = progress.pages;
      summary.resumed = true;
      spdlog::info("backfill: resuming an interrupted walk at page {}", progress.pages + 1);
    }

    PageQueue queue;
    std::thread fetcher;
    // Whatever ends the walk, even an exception, the fetcher is stopped and joined.
    struct StopFetcher {
      PageQueue& queue;
      std::thread& thread;
      ~StopFetcher() {
        queue.Close();
        if (thread.joinable()) thread.join();
      }
    } stop_fetcher{queue, fetcher};
    fetcher = std::thread([&] {
      PayProApi api(config.paypro, options.api_stats);
      std::optional<std::string> target = first_target;
      while (target && !queue.closed() && !stop) {
        auto page = FetchPage(api, *target, config.paypro.api_base, stop);
        const bool failed = !page;
        target = failed ? std::nullopt : page->next_target;
        queue.Push(std::move(page));
        if (failed) break;
      }
      queue.Close();
    });
    std::optional<Error> failure;
    bool reached_since = false;
    std::string reached = "-";
    while (auto page = queue.Pop()) {
      if (!*page) {
        failure = page->take_error();
        break;
      }
      std::vector<ListedEvent> in_bounds;
      for (ListedEvent& event : (*page)->events) {
        if (until_us && event.created_at_us > *until_us) continue;
        if (since_us && event.created_at_us < *since_us) {
          reached_since = true;
          break;
        }
        in_bounds.push_back(std::move(event));
      }
      const bool last = reached_since || !(*page)->next_target;
      ++summary.pages;
      summary.seen += static_cast<int64_t>(in_bounds.size());
      if (!in_bounds.empty()) {
        if (summary.newest.empty()) summary.newest = in_bounds.front().created_at;
        summary.oldest = in_bounds.back().created_at;
        reached = summary.oldest;
      }
      if (options.dry_run) {
        std::vector<std::string> ids;
        for (const ListedEvent& event : in_bounds) ids.push_back(event.id);
        const std::vector<std::string> stored = StoredEventIds(connection, ids);
        for (const ListedEvent& event : in_bounds) {
          if (std::find(stored.begin(), stored.end(), event.id) != stored.end()) continue;
          ++summary.inserted;
          ++summary.types[event.event_type];
        }
        summary.known += static_cast<int64_t>(stored.size());
      } else {
        const std::optional<std::string> next = last ? std::nullopt : (*page)->next_target;
        const PageCounts counts = RecordPage(connection, options.name, run_key, in_bounds, next, summary.pages);
        summary.inserted += counts.inserted;
        summary.completed += counts.completed;
        summary.known += counts.known;
      }
      Report(summary, options, started, reached);
      if (last) {
        summary.complete = true;
        break;
      }
      if (stop) break;
    }
    queue.Close();
    if (fetcher.joinable()) fetcher.join();
    if (options.show_progress) fmt::print(stderr, "\n");
    if (failure) return *failure;
    if (!summary.complete) {
      return MakeError(ErrorCode::kUnavailable, "interrupted",
                       fmt::format("interrupted after page {}; run it again to resume where it stopped", summary.pages));
    }
    if (!options.dry_run) FinishBackfill(connection, options.name);
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, "database error", RedactPassword(e.what(), config.database.url));
  }
  summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return summary;
}

std::string SummaryLine(const BackfillSummary& summary, bool dry_run) {
  return fmt::format("backfill {}: {} pages, {} events seen, {} {}, {} stuck completed, {} already known, "
                     "oldest {}, newest {}, {:.1f} s",
                     dry_run ? "dry run complete" : "complete", summary.pages, summary.seen, summary.inserted,
                     dry_run ? "would be new" : "new", summary.completed, summary.known,
                     summary.oldest.empty() ? "-" : summary.oldest, summary.newest.empty() ? "-" : summary.newest,
                     summary.seconds);
}

std::string SummaryJson(const BackfillSummary& summary, bool dry_run) {
  JsonWriter json;
  json.BeginObject()
      .Key("complete").Bool(summary.complete)
      .Key("dry_run").Bool(dry_run)
      .Key("resumed").Bool(summary.resumed)
      .Key("pages").Int(summary.pages)
      .Key("seen").Int(summary.seen)
      .Key("new").Int(summary.inserted)
      .Key("stuck_completed").Int(summary.completed)
      .Key("known").Int(summary.known)
      .Key("oldest").String(summary.oldest)
      .Key("newest").String(summary.newest)
      .Key("seconds").Double(summary.seconds)
      .Key("new_by_type").BeginObject();
  for (const auto& [type, count] : summary.types) json.Key(type).Int(count);
  json.EndObject().EndObject();
  return json.Take();
}

}  // namespace webhookd
