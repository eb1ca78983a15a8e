// bench-list-walk: fetches every page of GET /events and nothing else, with the
// daemon's own client and parser: the baseline a backfill is measured against.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

#include "config/config.hpp"
#include "paypro/api_client.hpp"
#include "paypro/events_page.hpp"

int main(int argc, char** argv) {
  using namespace webhookd;
  if (argc != 3) {
    fmt::print(stderr, "usage: bench-list-walk API_BASE API_KEY\n");
    return 64;
  }
  PayProConfig config;
  config.api_base = *ParseUrl(argv[1]);
  config.api_key = Secret(argv[2]);
  PayProApi api(config);
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::string> target = "/events?limit=100";
  int pages = 0;
  size_t events = 0;
  while (target) {
    auto response = api.Get(*target);
    if (!response || response->status != 200) {
      fmt::print(stderr, "bench-list-walk: page {} failed\n", pages + 1);
      return 1;
    }
    auto page = ParseEventsPage(response->body, config.api_base);
    if (!page) {
      fmt::print(stderr, "bench-list-walk: {}\n", page.error().detail);
      return 1;
    }
    ++pages;
    events += page->events.size();
    target = page->next_target;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("{{\"pages\":{},\"events\":{},\"seconds\":{:.3f}}}\n", pages, events, seconds);
  return 0;
}
