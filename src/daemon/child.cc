#include "daemon/child.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/write.hpp>
#include <csignal>

#include "daemon/config_codec.h"
#include "daemon/status.h"

namespace lvsd::daemon {

namespace asio = boost::asio;

ChildChannel::ChildChannel(asio::io_context& io, int fd, Logger log, uint64_t generation,
                           config::Config config)
    : io_(io),
      socket_(io, asio::local::stream_protocol(), fd),
      reportTimer_(io),
      log_(std::move(log)),
      generation_(generation),
      config_(std::move(config)),
      framer_(1 << 20) {}

void ChildChannel::send(std::string line) {
  out_ += line;
  if (writing_) {
    return;
  }
  writing_ = true;
  auto buf = std::make_shared<std::string>(std::move(out_));
  out_.clear();
  asio::async_write(socket_, asio::buffer(*buf),
                    [this, buf](const boost::system::error_code& ec, size_t) {
                      writing_ = false;
                      if (ec) {
                        log_.error("supervisor link broken; exiting",
                                   {{"event", "link_lost"}, {"error", ec.message()}});
                        exitCode_ = 1;
                        io_.stop();
                        return;
                      }
                      if (!out_.empty()) {
                        send("");
                      }
                    });
}

void ChildChannel::reportNow() {
  ChildMessage m;
  m.kind = ChildMessage::Kind::Report;
  m.generation = generation_;
  const auto& provider = summary_ ? summary_ : status_;
  m.status = provider ? provider() : ctl::Json::object();
  send(encode(m));
}

void ChildChannel::scheduleReport() {
  reportTimer_.expires_after(kReportInterval);
  reportTimer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    reportNow();
    scheduleReport();
  });
}

void ChildChannel::read() {
  socket_.async_read_some(
      asio::buffer(buf_), [this](const boost::system::error_code& ec, size_t n) {
        if (ec) {
          // The supervisor closed its end or died: nothing to serve without it.
          log_.notice("supervisor link closed; exiting", {{"event", "link_closed"}});
          io_.stop();
          return;
        }
        framer_.feed(std::string_view(buf_.data(), n));
        for (;;) {
          if (pendingReload_) {
            auto payload = framer_.takeBytes();
            if (!payload) {
              break;
            }
            const uint64_t g = *pendingReload_;
            pendingReload_.reset();
            onReload(g, *payload);
            if (io_.stopped()) {
              return;
            }
            continue;
          }
          auto line = framer_.next();
          if (!line) {
            break;
          }
          onLine(*line);
        }
        if (io_.stopped()) {
          return;
        }
        if (framer_.overflowed()) {
          log_.error("oversized message from supervisor; exiting", {{"event", "link_overflow"}});
          exitCode_ = 1;
          io_.stop();
          return;
        }
        read();
      });
}

void ChildChannel::onLine(const std::string& line) {
  auto msg = parseParentMessage(line);
  if (!msg) {
    log_.warning("bad message from supervisor: " + msg.error(), {{"event", "link_bad_message"}});
    return;
  }
  if (msg->kind == ParentMessage::Kind::Stop) {
    log_.info("stopping on supervisor request", {{"event", "child_stop"}});
    if (stop_) {
      stop_();
    }
    if (asyncStop_ && !stopping_) {
      stopping_ = true;
      asyncStop_([this] { io_.stop(); });
      return;
    }
    io_.stop();
    return;
  }
  if (msg->kind == ParentMessage::Kind::Query) {
    ChildMessage m;
    m.kind = ChildMessage::Kind::Report;
    m.generation = generation_;
    m.query = msg->query;
    m.status = status_ ? status_() : ctl::Json::object();
    send(encode(m));
    return;
  }
  if (msg->kind == ParentMessage::Kind::Admin) {
    if (admin_) {
      admin_(msg->admin);
      reportNow();
    }
    return;
  }
  pendingReload_ = msg->generation;
  framer_.expectBytes(msg->payloadBytes);
}

void ChildChannel::onReload(uint64_t generation, const std::string& payload) {
  ChildMessage result;
  result.kind = ChildMessage::Kind::ReloadResult;
  result.generation = generation;
  // The update is against the config this child holds, which must track the supervisor's
  // exactly: one it cannot apply means the two disagree, and only a restart (fork from the
  // supervisor's current config) mends that.
  auto changed = applyUpdate(config_, payload, &lastOrigins_);
  if (!changed) {
    log_.error("cannot apply the config update of generation " + std::to_string(generation) + ": " +
                   changed.error().message + "; exiting to be restarted",
               {{"event", "child_reload_failed"}});
    exitCode_ = 1;
    io_.stop();
    return;
  }
  // An engine reloads when a section it uses changed, or when nothing changed at all: an
  // explicit reload of the same file re-applies it (e.g. retries a refused service now).
  const bool relevant = *changed == 0 || (*changed & reloadSections_) != 0;
  lastChanged_ = *changed;
  if (reload_ && relevant) {
    auto r = reload_(config_);
    if (!r) {
      result.ok = false;
      result.error = r.error().message;
    }
  }
  if (result.ok) {
    generation_ = generation;
    log_.info("config generation " + std::to_string(generation_) + " applied" +
                  (relevant ? "" : " (no change for this child)"),
              {{"event", "child_reload"}, {"generation", std::to_string(generation_)}});
  } else {
    log_.error("reload failed: " + result.error, {{"event", "child_reload_failed"}});
  }
  send(encode(result));
  reportNow();
}

int ChildChannel::run() {
  reportNow();
  scheduleReport();
  read();
  io_.run();
  return exitCode_;
}

void resetChildSignals() {
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGCHLD, SIG_DFL);
  std::signal(SIGINT, SIG_IGN);  // Ctrl-C reaches the whole group; the supervisor coordinates.
  std::signal(SIGHUP, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
}

void applyNice(ChildChannel& channel, int nice, const char* setting) {
  if (::getpriority(PRIO_PROCESS, 0) == nice) {
    return;
  }
  if (::setpriority(PRIO_PROCESS, 0, nice) != 0) {
    channel.logger().warning(std::string("cannot apply global.") + setting + " = " +
                                 std::to_string(nice) + ": " + std::strerror(errno),
                             {{"event", "priority_failed"}});
  }
}

int childProcessMain(const std::string& name, const ChildEntry& entry, const config::Config& config,
                     int fd, Logger log, uint64_t generation, int parentPid) {
  // Die with the supervisor; close the race where it died before prctl().
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parentPid) {
    return 1;
  }
  ::prctl(PR_SET_NAME, ("lvsd-" + name).c_str());
  asio::io_context io;
  ChildChannel channel(io, fd, std::move(log), generation, config);
  channel.logger().info("child started", {{"event", "child_start"}, {"child", name}});
  return entry(channel.config(), channel);
}

}  // namespace lvsd::daemon
