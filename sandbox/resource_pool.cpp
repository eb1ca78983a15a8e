// Random draws from a bounded pool of resources.
#include "sandbox/resource_pool.hpp"

namespace webhookd::sandbox {

namespace {

size_t RandomIndex(size_t size, std::mt19937_64& rng) { return static_cast<size_t>(rng() % size); }

}  // namespace

void ResourcePool::Add(Resource* resource, std::mt19937_64& rng) {
  if (items_.size() < capacity_) {
    items_.push_back(resource);
  } else {
    items_[RandomIndex(items_.size(), rng)] = resource;
  }
}

Resource* ResourcePool::Take(std::mt19937_64& rng) {
  if (items_.empty()) return nullptr;
  const size_t index = RandomIndex(items_.size(), rng);
  Resource* taken = items_[index];
  items_[index] = items_.back();
  items_.pop_back();
  return taken;
}

Resource* ResourcePool::Peek(std::mt19937_64& rng) const {
  return items_.empty() ? nullptr : items_[RandomIndex(items_.size(), rng)];
}

}  // namespace webhookd::sandbox
