// Prometheus text format lines, escaped.
#include "daemon/metrics_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace webhookd {

namespace {

std::string Escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) { return Escape(value, true); }

std::string EscapeHelp(std::string_view help) { return Escape(help, false); }

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string Label(std::string_view name, std::string_view value) {
  return fmt::format("{}=\"{}\"", name, EscapeLabelValue(value));
}

void MetricsText::Family(std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out_), "# HELP {0} {1}\n# TYPE {0} {2}\n", name, EscapeHelp(help), type);
}

void MetricsText::SampleText(std::string_view name, std::string_view labels, std::string_view value) {
  if (labels.empty()) {
    fmt::format_to(std::back_inserter(out_), "{} {}\n", name, value);
  } else {
    fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, value);
  }
}

void MetricsText::Sample(std::string_view name, std::string_view labels, uint64_t value) {
  SampleText(name, labels, std::to_string(value));
}

void MetricsText::Sample(std::string_view name, std::string_view labels, int64_t value) {
  SampleText(name, labels, std::to_string(value));
}

void MetricsText::Sample(std::string_view name, std::string_view labels, double value) {
  SampleText(name, labels, FormatValue(value));
}

void MetricsText::HistogramSeries(std::string_view name, std::string_view labels, BucketBounds bounds,
                                  const HistogramCounts& counts) {
  const std::string bucket = fmt::format("{}_bucket", name);
  const std::string prefix = labels.empty() ? std::string() : std::string(labels) + ",";
  for (size_t i = 0; i < counts.cumulative.size(); ++i) {
    const std::string le = i < bounds.size() ? FormatValue(bounds[i]) : "+Inf";
    SampleText(bucket, prefix + Label("le", le), std::to_string(counts.cumulative[i]));
  }
  SampleText(fmt::format("{}_sum", name), labels, FormatValue(counts.sum_seconds));
  SampleText(fmt::format("{}_count", name), labels, std::to_string(counts.count));
}

void MetricsText::Counter(std::string_view name, std::string_view help, uint64_t value) {
  Family(name, "counter", help);
  Sample(name, "", value);
}

void MetricsText::Gauge(std::string_view name, std::string_view help, double value) {
  Family(name, "gauge", help);
  Sample(name, "", value);
}

}  // namespace webhookd
