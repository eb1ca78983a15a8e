// Reading values out of a Prometheus text scrape of /metrics.
#pragma once

#include <sstream>
#include <string>

namespace webhookd::testing {

/// The sum of the samples of metric `name` (labelled or not) whose line
/// contains `labels_part`, e.g. MetricSum(scrape, "x_total", "code=\"500\"").
inline double MetricSum(const std::string& scrape, const std::string& name, const std::string& labels_part = "") {
  double sum = 0;
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with(name + "{") && !line.starts_with(name + " ")) continue;
    if (line.find(labels_part) == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

}  // namespace webhookd::testing
