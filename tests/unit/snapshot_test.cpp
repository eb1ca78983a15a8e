// Snapshot under a writer and readers at once: each reader sees whole values.
#include "core/snapshot.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace webhookd {
namespace {

struct Pair {
  int first;
  int second;
};

TEST(Snapshot, GetReturnsWhatSetStored) {
  Snapshot<Pair> snapshot(std::make_shared<const Pair>(Pair{1, 1}));
  const std::shared_ptr<const Pair> before = snapshot.Get();
  snapshot.Set(std::make_shared<const Pair>(Pair{2, 2}));
  EXPECT_EQ(snapshot.Get()->first, 2);
  EXPECT_EQ(before->first, 1);  // a reader keeps the version it took
}

// Under ThreadSanitizer (scripts/test --sanitize=thread) this is the
// regression test for std::atomic<std::shared_ptr>, whose libstdc++ 12 load
// races with a later store.
TEST(Snapshot, ReadersSeeWholeValuesWhileAWriterReplacesThem) {
  Snapshot<Pair> snapshot(std::make_shared<const Pair>(Pair{0, 0}));
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!done) {
        const std::shared_ptr<const Pair> value = snapshot.Get();
        if (value->first != value->second) ++torn;
      }
    });
  }
  for (int i = 1; i <= 20000; ++i) snapshot.Set(std::make_shared<const Pair>(Pair{i, i}));
  done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(snapshot.Get()->first, 20000);
}

}  // namespace
}  // namespace webhookd
