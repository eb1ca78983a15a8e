// Reads files under tests/data (TEST_DATA_DIR) for tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace webhookd::testing {

/// The whole of `TEST_DATA_DIR/<relative_path>`. Fails the current test,
/// naming the path, and returns "" when the file cannot be read.
inline std::string ReadTestData(const std::string& relative_path) {
  const std::string path = std::string(TEST_DATA_DIR) + "/" + relative_path;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    ADD_FAILURE() << "cannot read test data " << path;
    return {};
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// The sample event `tests/data/events/<name>`, e.g. "payment.paid.json".
inline std::string ReadSampleEvent(const std::string& name) {
  return ReadTestData("events/" + name);
}

}  // namespace webhookd::testing
