// Reload: the supervisor parses and validates the file once and sends each child an update
// against the config it holds (daemon/config_codec.h, docs/architecture.md "Reload parses once").
#include "check/config/from_config.h"
#include "config/incremental.h"
#include "config/loader.h"
#include "daemon/config_codec.h"
#include "daemon/supervisor.h"

namespace lvsd::daemon {

using Clock = std::chrono::steady_clock;

namespace {

std::string ms(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + "ms";
}

}  // namespace

ctl::Json Supervisor::reload(std::string_view trigger) {
  notifier_.reloading();
  log_.info("reloading " + opts_.configPath + " (" + std::string(trigger) + ")",
            {{"event", "reload_start"}, {"trigger", std::string(trigger)}});
  // One loader for the daemon's life: unchanged parts of the file are not parsed again.
  if (loaderPath_ != opts_.configPath) {
    loader_.forget();
    loaderPath_ = opts_.configPath;
  }
  const auto tLoad = Clock::now();
  auto loaded = loader_.load(opts_.configPath);
  const auto loadTime = Clock::now() - tLoad;
  const auto& stats = loader_.lastStats();
  const std::string how =
      stats.full ? "full parse" : std::to_string(stats.reparsed) + " elements re-parsed";
  ReloadInfo info;
  info.time = isoNow();
  info.file = opts_.configPath;
  if (!loaded.config) {
    info.ok = false;
    for (const auto& d : loaded.errors) {
      info.errors.push_back(d.toString());
      log_.error("reload rejected: " + d.toString(),
                 {{"event", "reload_error"}, {"file", d.file}, {"line", std::to_string(d.line)}});
    }
    if (info.errors.empty()) {
      info.errors.emplace_back(opts_.configPath + ": invalid configuration");
    }
    info.generation = generation_;
    log_.warning("reload failed; keeping generation " + std::to_string(generation_),
                 {{"event", "reload_failed"}, {"generation", std::to_string(generation_)}});
  } else {
    const auto& g = loaded.config->global;
    if (g.control_socket != config_.global.control_socket ||
        g.control_socket_mode != config_.global.control_socket_mode ||
        g.pid_file != config_.global.pid_file) {
      log_.notice("control_socket/pid_file changes take effect at the next restart",
                  {{"event", "reload_needs_restart"}});
    }
    // The children get what changed, against the config they hold (daemon/config_codec.h).
    const auto t0 = Clock::now();
    ConfigUpdate update = makeUpdate(config_, *loaded.config);
    const auto encodeTime = Clock::now() - t0;
    config_ = std::move(*loaded.config);
    // Operator overrides stay for servers the new config still has.
    ctl::Json kept = ctl::Json::array();
    for (const auto& o : overrides_) {
      const auto vs = check::findVirtualServer(config_, o.value("vs", ""));
      if (vs && check::findRealServer(config_.virtual_servers[*vs], o.value("rs", ""))) {
        kept.push_back(o);
      }
    }
    overrides_ = std::move(kept);
    ++generation_;
    info.generation = generation_;
    ParentMessage m;
    m.kind = ParentMessage::Kind::Reload;
    m.path = opts_.configPath;
    m.generation = generation_;
    const size_t updateBytes = update.payload.size();
    m.payload = std::move(update.payload);
    const std::string wire = encode(m);
    for (auto& c : children_) {
      sendToChild(*c, wire);
    }
    log_.notice("reloaded: generation " + std::to_string(generation_) + " (update " +
                    std::to_string(updateBytes) + " bytes, " + std::to_string(update.serversSent) +
                    " virtual servers in full, encoded in " + ms(encodeTime) + "; loaded in " +
                    ms(loadTime) + ", " + how + ")",
                {{"event", "reload_ok"},
                 {"generation", std::to_string(generation_)},
                 {"sections_changed", std::to_string(update.changed)}});
  }
  lastReload_ = info;
  notifier_.ready(statusLine());
  return reloadToJson(info);
}

}  // namespace lvsd::daemon
