// Reading a Prometheus histogram out of /metrics scrapes, and its quantiles.
#pragma once

#include <cmath>
#include <map>
#include <sstream>
#include <string>

namespace webhookd::testing {

/// The cumulative buckets of histogram `name` (unlabelled but for `le`) in a
/// Prometheus text scrape: observations at most the bound, by bound (+Inf as
/// infinity).
inline std::map<double, double> HistogramBuckets(const std::string& scrape,
                                                 const std::string& name) {
  const std::string prefix = name + "_bucket{le=\"";
  std::map<double, double> buckets;
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(prefix)) continue;
    const std::string le =
        line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size());
    buckets[le == "+Inf" ? INFINITY : std::stod(le)] = std::stod(line.substr(line.rfind(' ') + 1));
  }
  return buckets;
}

/// What histogram `name` observed between two scrapes, by bucket.
inline std::map<double, double> HistogramDelta(const std::string& before, const std::string& after,
                                               const std::string& name) {
  std::map<double, double> delta = HistogramBuckets(after, name);
  for (const auto& [bound, count] : HistogramBuckets(before, name)) delta[bound] -= count;
  return delta;
}

/// The smallest bucket bound with at least `quantile` (0..1) of the
/// observations at or below it; infinity when there are none.
inline double QuantileAtMost(const std::map<double, double>& buckets, double quantile) {
  if (buckets.empty() || buckets.rbegin()->second <= 0) return INFINITY;
  const double total = buckets.rbegin()->second;
  for (const auto& [bound, count] : buckets) {
    if (count >= quantile * total) return bound;
  }
  return INFINITY;
}

}  // namespace webhookd::testing
