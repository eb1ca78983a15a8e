// Building blocks of the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/histogram.hpp"

namespace webhookd {

/// A label value with backslash, double quote and newline escaped as the
/// format requires (`\\`, `\"`, `\n`).
std::string EscapeLabelValue(std::string_view value);

/// HELP text with backslash and newline escaped.
std::string EscapeHelp(std::string_view help);

/// A float as Prometheus reads it: shortest round-trip form, "+Inf", "NaN".
std::string FormatValue(double value);

/// Appends metric families to a text exposition. Each family is one
/// Family() call followed by its samples; `labels` arguments are complete
/// label lists without braces (`handler="x",result="done"`), built with Label().
class MetricsText {
 public:
  /// `# HELP` and `# TYPE` lines; `type` is counter, gauge or histogram.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, std::string_view labels, uint64_t value);
  void Sample(std::string_view name, std::string_view labels, int64_t value);
  void Sample(std::string_view name, std::string_view labels, double value);
  /// The `_bucket` (with `le`, ending in +Inf), `_sum` and `_count` series of one histogram.
  void HistogramSeries(std::string_view name, std::string_view labels, BucketBounds bounds,
                       const HistogramCounts& counts);

  /// A single-sample family in one call.
  void Counter(std::string_view name, std::string_view help, uint64_t value);
  void Gauge(std::string_view name, std::string_view help, double value);

  std::string Take() { return std::move(out_); }

 private:
  void SampleText(std::string_view name, std::string_view labels, std::string_view value);

  std::string out_;
};

/// `name="escaped value"`.
std::string Label(std::string_view name, std::string_view value);

}  // namespace webhookd
