// Notices when the config file is written or replaced (inotify on its directory).
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace webhookd {

/// Watches the file's directory rather than the file, so that an editor's
/// save-by-rename or a deploy's atomic replace is seen too; several events
/// in quick succession call `on_change` once.
class ConfigWatcher {
 public:
  ConfigWatcher(boost::asio::io_context& ioc, std::string path, std::function<void()> on_change);
  ~ConfigWatcher();
  /// False (with a log line) when inotify is unavailable; SIGHUP still works.
  bool Start();
  void Stop();

  /// What the pending asynchronous reads share with the watcher.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace webhookd
