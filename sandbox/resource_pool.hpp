// A bounded bag of resources waiting for their next event, drawn at random.
#pragma once

#include <random>
#include <vector>

#include "sandbox/resource.hpp"

namespace webhookd::sandbox {

/// Resources in one state (e.g. open payments). All operations are O(1).
/// The bound keeps memory flat in long benchmarks: a resource pushed out of
/// a full pool just never gets another event, like an abandoned payment.
class ResourcePool {
 public:
  explicit ResourcePool(size_t capacity = 4096) : capacity_(capacity) {}

  /// Adds `resource`; when full, it replaces a random entry.
  void Add(Resource* resource, std::mt19937_64& rng);
  /// Removes and returns a random entry; nullptr when empty.
  Resource* Take(std::mt19937_64& rng);
  /// Returns a random entry and keeps it; nullptr when empty.
  Resource* Peek(std::mt19937_64& rng) const;

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }

 private:
  size_t capacity_;
  std::vector<Resource*> items_;
};

}  // namespace webhookd::sandbox
