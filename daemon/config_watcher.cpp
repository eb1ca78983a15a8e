// inotify through an Asio stream descriptor, so no thread blocks on it.
#include "daemon/config_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <spdlog/spdlog.h>

namespace webhookd {

namespace net = boost::asio;

namespace {
// Editors write in several steps; one reload after they settle.
constexpr auto kSettle = std::chrono::milliseconds(200);
}  // namespace

struct ConfigWatcher::State {
  State(net::io_context& ioc, std::string p, std::function<void()> f)
      : path(std::move(p)), on_change(std::move(f)), descriptor(ioc), settle(ioc) {}
  std::string path;
  std::function<void()> on_change;
  net::posix::stream_descriptor descriptor;
  net::steady_timer settle;
  std::array<char, 4096> buffer{};
  bool stopped = false;
};

namespace {

void ReadEvents(const std::shared_ptr<ConfigWatcher::State>& state);

bool MentionsFile(const char* data, size_t length, const std::string& file_name) {
  for (size_t offset = 0; offset + sizeof(inotify_event) <= length;) {
    const auto* event = reinterpret_cast<const inotify_event*>(data + offset);
    if (event->len > 0 && file_name == event->name) return true;
    offset += sizeof(inotify_event) + event->len;
  }
  return false;
}

void ReadEvents(const std::shared_ptr<ConfigWatcher::State>& state) {
  state->descriptor.async_read_some(net::buffer(state->buffer), [state](const boost::system::error_code& ec, size_t n) {
    if (ec || state->stopped) return;
    const std::string file_name = std::filesystem::path(state->path).filename().string();
    if (MentionsFile(state->buffer.data(), n, file_name)) {
      state->settle.expires_after(kSettle);
      state->settle.async_wait([state](const boost::system::error_code& wait_ec) {
        if (!wait_ec && !state->stopped) state->on_change();
      });
    }
    ReadEvents(state);
  });
}

}  // namespace

ConfigWatcher::ConfigWatcher(net::io_context& ioc, std::string path, std::function<void()> on_change)
    : state_(std::make_shared<State>(ioc, std::move(path), std::move(on_change))) {}

ConfigWatcher::~ConfigWatcher() { Stop(); }

bool ConfigWatcher::Start() {
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    spdlog::warn("config watcher: inotify unavailable ({}); reload with SIGHUP", std::strerror(errno));
    return false;
  }
  const std::filesystem::path parent = std::filesystem::path(state_->path).parent_path();
  const std::string directory = parent.empty() ? std::string(".") : parent.string();
  if (inotify_add_watch(fd, directory.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
    spdlog::warn("config watcher: cannot watch {} ({}); reload with SIGHUP", directory, std::strerror(errno));
    close(fd);
    return false;
  }
  state_->descriptor.assign(fd);
  ReadEvents(state_);
  return true;
}

void ConfigWatcher::Stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  net::post(state_->descriptor.get_executor(), [state = state_] {
    boost::system::error_code ignored;
    state->settle.cancel();
    state->descriptor.close(ignored);
  });
}

}  // namespace webhookd
