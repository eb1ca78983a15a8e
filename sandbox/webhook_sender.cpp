// Delivery threads: sign, POST, retry with backoff, record the outcome.
#include "sandbox/webhook_sender.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/http_client.hpp"
#include "paypro/signature.hpp"
#include "sandbox/base_template.hpp"
#include "sandbox/delivery_queue.hpp"

namespace webhookd::sandbox {

namespace {

constexpr std::chrono::milliseconds kFirstRetry{100};
constexpr std::chrono::milliseconds kMaxRetry{5000};
// "A bit later": the second copy lands while the first may still be in work.
constexpr std::chrono::milliseconds kDuplicateDelay{200};

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ClientRequest BuildWebhookRequest(std::string_view target, std::string body, const Secret& secret,
                                  int64_t timestamp) {
  const std::string stamp = std::to_string(timestamp);
  ClientRequest request;
  request.method = "POST";
  request.target = std::string(target);
  request.headers.Add("Content-Type", "application/json");
  request.headers.Add("PayPro-Timestamp", stamp);
  request.headers.Add("PayPro-Signature", ComputeWebhookSignature(secret, stamp, body));
  request.body = std::move(body);
  return request;
}

std::chrono::milliseconds RetryDelay(int failed_attempts,
                                     std::optional<std::chrono::seconds> retry_after) {
  if (retry_after) return std::min<std::chrono::milliseconds>(*retry_after, kMaxRetry);
  std::chrono::milliseconds delay = kFirstRetry;
  for (int i = 1; i < failed_attempts && delay < kMaxRetry; ++i) delay *= 2;
  return std::min(delay, kMaxRetry);
}

struct WebhookSender::Running {
  DeliveryBatch batch;
  DeliveryQueue queue;
  std::vector<std::thread> threads;
  std::atomic<size_t> live{0};
};

namespace {

// One attempt of `job`; pushes the retry or records the end.
void Attempt(DeliveryBatch& batch, DeliveryQueue& queue, DeliveryLedger& ledger, HttpClient& client,
             DeliveryJob job) {
  ++job.attempts;
  if (job.duplicate && job.attempts == 1) ledger.DuplicateSent();
  const std::string_view target = batch.to.base_path.empty() ? "/" : "";
  auto answer = client.Send(
      BuildWebhookRequest(target, RenderWithBase(job.event->body_template, batch.escaped_base),
                          batch.secret, UnixNow()));
  const unsigned status = answer ? answer->status : 0;
  ledger.Attempted(status);
  if (status >= 200 && status < 300) {
    ledger.Settled(job.event->id, true, job.duplicate);
    return;
  }
  if (job.attempts >= batch.max_attempts || queue.stopped()) {
    ledger.Settled(job.event->id, false, job.duplicate);
    return;
  }
  const auto retry_after = answer ? answer->RetryAfter() : std::nullopt;
  queue.Push(job, DeliveryClock::now() + RetryDelay(job.attempts, retry_after));
}

void DeliveryThread(DeliveryBatch& batch, DeliveryQueue& queue, DeliveryLedger& ledger) {
  HttpClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  options.request_timeout = std::chrono::milliseconds(10000);
  options.user_agent = "PayPro-Webhooks (paypro-sandbox)";
  options.ca_file = batch.ca_file;
  HttpClient client(batch.to, options);
  while (const auto job = queue.Pop()) {
    Attempt(batch, queue, ledger, client, *job);
    queue.Done();
  }
}

}  // namespace

WebhookSender::WebhookSender(DeliveryLedger& ledger) : ledger_(ledger) {}

WebhookSender::~WebhookSender() { Stop(); }

void WebhookSender::Start(DeliveryBatch batch) {
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  Reap();
  auto running = std::make_unique<Running>();
  running->batch = std::move(batch);
  DeliveryBatch& spec = running->batch;
  const auto now = DeliveryClock::now();
  size_t queued = 0;
  for (size_t i = 0; i < spec.events.size(); ++i) {
    const StoredEvent* event = spec.events[i];
    const DeliveryFate fate = i < spec.fates.size() ? spec.fates[i] : DeliveryFate::kDeliver;
    if (fate == DeliveryFate::kDrop) {
      ledger_.Dropped(event->id);
      continue;
    }
    running->queue.Push(DeliveryJob{event, 0, false}, now);
    ++queued;
    if (fate == DeliveryFate::kDuplicate) {
      running->queue.Push(DeliveryJob{event, 0, true}, now + kDuplicateDelay);
      ++queued;
    }
  }
  ledger_.Enqueued(queued);
  if (queued == 0) return;
  const size_t threads = std::clamp<size_t>(spec.concurrency, 1, std::max<size_t>(queued, 1));
  running->live = threads;
  Running* raw = running.get();
  for (size_t i = 0; i < threads; ++i) {
    raw->threads.emplace_back([this, raw] {
      DeliveryThread(raw->batch, raw->queue, ledger_);
      --raw->live;
    });
  }
  running_.push_back(std::move(running));
}

void WebhookSender::Reap() {
  for (auto it = running_.begin(); it != running_.end();) {
    if ((*it)->live == 0) {
      for (std::thread& thread : (*it)->threads) thread.join();
      it = running_.erase(it);
    } else {
      ++it;
    }
  }
}

void WebhookSender::Stop() {
  std::list<std::unique_ptr<Running>> running;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    running.swap(running_);
  }
  for (auto& batch : running) batch->queue.Stop();
  for (auto& batch : running) {
    for (std::thread& thread : batch->threads) thread.join();
  }
}

}  // namespace webhookd::sandbox
