#include "daemon/supervisor.h"

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/write.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "daemon/exit_status.h"
#include "daemon/ipvs_command.h"

#ifndef LVSD_VERSION
#define LVSD_VERSION "0.0.0"
#endif

namespace lvsd::daemon {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

std::string isoNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

std::string ms(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + "ms";
}

}  // namespace

Supervisor::Supervisor(asio::io_context& io, SupervisorOptions options, config::Config config,
                       Logger log, PidFile& pidFile)
    : io_(io),
      opts_(std::move(options)),
      config_(std::move(config)),
      log_(std::move(log)),
      pidFile_(pidFile),
      control_(io, registry_, log_.forComponent("control")),
      signals_(io, SIGTERM, SIGINT, SIGHUP),
      stopTimer_(io),
      watchdogTimer_(io),
      startedMono_(Clock::now()),
      startedAt_(isoNow()) {
  ipvsCommand_ = std::make_unique<IpvsCommand>(io_, [this](std::function<void(ctl::Json)> done) {
    fetchReport("checker", [done = std::move(done)](const ctl::Json& report) {
      const auto it = report.find("ipvs");
      done(it != report.end() ? *it : ctl::Json(nullptr));
    });
  });
  signals_.add(SIGCHLD);
  registerCommands();
}

Supervisor::~Supervisor() {
  for (auto& c : children_) {
    if (c->pid > 0) {
      ::kill(c->pid, SIGKILL);
    }
  }
}

void Supervisor::addChild(std::string name, ChildEntry entry) {
  auto c = std::make_unique<Child>();
  c->name = std::move(name);
  c->entry = std::move(entry);
  c->backoff = RestartBackoff(opts_.backoff);
  c->restartTimer = std::make_unique<asio::steady_timer>(io_);
  children_.push_back(std::move(c));
}

Result<void> Supervisor::start() {
  auto listened =
      control_.listen(opts_.controlSocket, opts_.controlSocketMode, opts_.controlSocketGroup);
  if (!listened) {
    return listened;
  }
  log_.info("control socket listening", {{"event", "ctl_listen"}, {"socket", opts_.controlSocket}});
  waitSignals();
  for (auto& c : children_) {
    spawn(*c);
  }
  if (auto wd = notifier_.watchdogInterval()) {
    log_.info("systemd watchdog enabled", {{"event", "watchdog"}, {"interval", ms(*wd)}});
    scheduleWatchdog(*wd / 2);
  }
  notifier_.ready(statusLine());
  log_.notice("lvsd " LVSD_VERSION " started", {{"event", "start"},
                                                {"config", opts_.configPath},
                                                {"generation", std::to_string(generation_)}});
  return {};
}

int Supervisor::run() {
  io_.run();
  return exitCode_;
}

std::string Supervisor::statusLine() const {
  std::string s = "generation " + std::to_string(generation_);
  for (const auto& c : children_) {
    s += ", " + c->name + " " + c->state;
  }
  return s;
}

void Supervisor::waitSignals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) {
      return;
    }
    onSignal(sig);
    waitSignals();
  });
}

void Supervisor::onSignal(int sig) {
  switch (sig) {
    case SIGCHLD:
      reapChildren();
      break;
    case SIGHUP:
      reload("SIGHUP");
      break;
    case SIGTERM:
    case SIGINT:
      beginStop(sig == SIGTERM ? "SIGTERM" : "SIGINT");
      break;
    default:
      break;
  }
}

void Supervisor::reapChildren() {
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      return;
    }
    for (auto& c : children_) {
      if (c->pid == pid) {
        onChildExit(*c, status);
        break;
      }
    }
  }
}

std::vector<int> Supervisor::fdsToCloseInChild(const Child& except) const {
  std::vector<int> fds;
  for (const auto& c : children_) {
    if (c.get() != &except && c->link && c->link->is_open()) {
      fds.push_back(const_cast<asio::local::stream_protocol::socket&>(*c->link).native_handle());
    }
  }
  return fds;
}

void Supervisor::spawn(Child& c) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    log_.error(std::string("socketpair failed: ") + std::strerror(errno),
               {{"event", "child_spawn_failed"}, {"child", c.name}});
    c.state = "backoff";
    c.restartTimer->expires_after(c.backoff.onExit(Clock::now(), Clock::now()));
    c.restartTimer->async_wait([this, &c](const boost::system::error_code& ec) {
      if (!ec && !stopping_) {
        spawn(c);
      }
    });
    return;
  }
  const std::vector<int> others = fdsToCloseInChild(c);
  const int controlFd = control_.nativeHandle();
  const int parentPid = ::getpid();
  // Block signals across fork() so none reaches the supervisor's inherited Asio handlers in the
  // child before childProcessMain() resets them.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &old);
  const pid_t pid = ::fork();
  if (pid == 0) {
    resetChildSignals();
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    ::close(sv[0]);
    for (int fd : others) {
      ::close(fd);
    }
    if (controlFd >= 0) {
      ::close(controlFd);
    }
    pidFile_.closeInChild();
    const int rc = childProcessMain(c.name, c.entry, config_, sv[1], log_.forComponent(c.name),
                                    generation_, parentPid);
    ::_exit(rc);
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(sv[1]);
  if (pid < 0) {
    ::close(sv[0]);
    log_.error(std::string("fork failed: ") + std::strerror(errno),
               {{"event", "child_spawn_failed"}, {"child", c.name}});
    return;
  }
  c.pid = pid;
  c.state = "starting";
  c.startedAt = Clock::now();
  c.lastReportAt = c.startedAt;
  c.generation = generation_;
  c.link = std::make_unique<asio::local::stream_protocol::socket>(
      io_, asio::local::stream_protocol(), sv[0]);
  // Reports grow with the table (1 000 x 10 with checks: ~0.7 MB); the cap only stops garbage.
  c.framer = std::make_unique<ctl::LineFramer>(size_t{16} << 20);
  c.buf = std::make_shared<std::array<char, 4096>>();
  log_.info("child " + c.name + " started (pid " + std::to_string(pid) + ")",
            {{"event", "child_start"}, {"child", c.name}, {"pid", std::to_string(pid)}});
  readLink(c);
  if (c.name == "checker" && !overrides_.empty()) {
    sendAdmin(c);  // a restarted checker gets the operator's runtime state back
  }
}

void Supervisor::readLink(Child& c) {
  auto* link = c.link.get();
  link->async_read_some(asio::buffer(*c.buf), [this, &c, link, buf = c.buf](
                                                  const boost::system::error_code& ec, size_t n) {
    if (ec || c.link.get() != link) {
      return;  // EOF/error: the SIGCHLD path handles the exit.
    }
    c.framer->feed(std::string_view(buf->data(), n));
    while (auto line = c.framer->next()) {
      onChildLine(c, *line);
    }
    if (c.framer->overflowed()) {
      log_.error("child " + c.name + " sent an oversized message; killing it",
                 {{"event", "child_bad_message"}, {"child", c.name}});
      ::kill(c.pid, SIGKILL);
      return;
    }
    readLink(c);
  });
}

void Supervisor::onChildLine(Child& c, const std::string& line) {
  auto msg = parseChildMessage(line);
  if (!msg) {
    log_.warning("bad message from child " + c.name + ": " + msg.error(),
                 {{"event", "child_bad_message"}, {"child", c.name}});
    return;
  }
  c.lastReportAt = Clock::now();
  if (msg->kind == ChildMessage::Kind::Report) {
    if (c.state == "starting") {
      c.state = "running";
      notifier_.status(statusLine());
    }
    c.generation = msg->generation;
    if (msg->query != 0) {
      if (msg->query == c.queryId) {
        answerQuery(c, msg->status);
      }
      return;
    }
    c.report = std::move(msg->status);
    return;
  }
  c.reloadError = msg->ok ? std::string() : msg->error;
  if (!msg->ok) {
    log_.error("child " + c.name + " could not apply generation " +
                   std::to_string(msg->generation) + ": " + msg->error,
               {{"event", "child_reload_failed"}, {"child", c.name}});
  }
}

void Supervisor::sendAdmin(Child& c) {
  ParentMessage m;
  m.kind = ParentMessage::Kind::Admin;
  m.admin = ctl::Json{{"overrides", overrides_}};
  sendToChild(c, encode(m));
}

void Supervisor::fetchReport(const std::string& name, std::function<void(const ctl::Json&)> done) {
  Child* c = nullptr;
  for (auto& ch : children_) {
    if (ch->name == name) {
      c = ch.get();
    }
  }
  if (c == nullptr) {
    done(ctl::Json::object());
    return;
  }
  const bool stale = Clock::now() - c->lastReportAt > opts_.childStaleAfter;
  if (c->pid <= 0 || !c->link || !c->link->is_open() || stale) {
    done(c->report);
    return;
  }
  c->waiting.push_back(std::move(done));
  if (c->queryId != 0) {
    return;  // the answer to the query in flight serves this caller too
  }
  c->queryId = ++nextQuery_;
  ParentMessage m;
  m.kind = ParentMessage::Kind::Query;
  m.query = c->queryId;
  sendToChild(*c, encode(m));
  if (!c->queryTimer) {
    c->queryTimer = std::make_unique<asio::steady_timer>(io_);
  }
  c->queryTimer->expires_after(kQueryTimeout);
  c->queryTimer->async_wait([this, c, id = c->queryId](const boost::system::error_code& ec) {
    if (ec || c->queryId != id) {
      return;
    }
    log_.warning(
        "child " + c->name + " did not send its status within 5 s; serving its last report",
        {{"event", "child_query_timeout"}, {"child", c->name}});
    answerQuery(*c, c->report);
  });
}

void Supervisor::answerQuery(Child& c, const ctl::Json& report) {
  c.queryId = 0;
  if (c.queryTimer) {
    c.queryTimer->cancel();
  }
  auto waiting = std::move(c.waiting);
  c.waiting.clear();
  for (auto& w : waiting) {
    w(report);
  }
}

void Supervisor::sendToChild(Child& c, const std::string& line) {
  if (!c.link || !c.link->is_open()) {
    return;
  }
  auto buf = std::make_shared<std::string>(line);
  asio::async_write(*c.link, asio::buffer(*buf),
                    [buf](const boost::system::error_code&, size_t) {});
}

void Supervisor::onChildExit(Child& c, int waitStatus) {
  const std::string how = describeExit(waitStatus);
  const int pid = c.pid;
  c.pid = 0;
  c.lastExit = how;
  c.report = ctl::Json::object();
  answerQuery(c, c.report);
  if (c.link) {
    boost::system::error_code ec;
    c.link->close(ec);
    c.link.reset();
  }
  if (stopping_) {
    c.state = "stopped";
    log_.info("child " + c.name + " (pid " + std::to_string(pid) + ") " + how,
              {{"event", "child_exit"}, {"child", c.name}, {"exit", how}});
    maybeFinishStop();
    return;
  }
  const Duration delay = c.backoff.onExit(c.startedAt, Clock::now());
  ++c.restarts;
  c.state = "backoff";
  log_.warning("child " + c.name + " (pid " + std::to_string(pid) + ") " + how +
                   "; restarting in " + ms(delay) + " (restart " + std::to_string(c.restarts) + ")",
               {{"event", "child_restart"},
                {"child", c.name},
                {"pid", std::to_string(pid)},
                {"exit", how},
                {"delay", ms(delay)},
                {"restarts", std::to_string(c.restarts)}});
  notifier_.status(statusLine());
  c.restartTimer->expires_after(delay);
  c.restartTimer->async_wait([this, &c](const boost::system::error_code& ec) {
    if (!ec && !stopping_) {
      spawn(c);
    }
  });
}

void Supervisor::beginStop(std::string_view why) {
  if (stopping_) {
    return;
  }
  stopping_ = true;
  notifier_.stopping();
  log_.notice("stopping (" + std::string(why) + ")", {{"event", "stop"}});
  control_.close();
  watchdogTimer_.cancel();
  ParentMessage stop;
  stop.kind = ParentMessage::Kind::Stop;
  for (auto& c : children_) {
    c->restartTimer->cancel();
    if (c->pid > 0) {
      c->state = "stopping";
      sendToChild(*c, encode(stop));  // SIGKILL follows if it does not exit in time
    } else {
      c->state = "stopped";
    }
  }
  stopTimer_.expires_after(opts_.stopTimeout);
  stopTimer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    for (auto& c : children_) {
      if (c->pid > 0) {
        log_.warning("child " + c->name + " did not stop in time; killing it",
                     {{"event", "child_kill"}, {"child", c->name}});
        ::kill(c->pid, SIGKILL);
      }
    }
  });
  maybeFinishStop();
}

void Supervisor::maybeFinishStop() {
  for (const auto& c : children_) {
    if (c->pid > 0) {
      return;
    }
  }
  stopTimer_.cancel();
  signals_.cancel();
  log_.notice("stopped", {{"event", "stopped"}});
  io_.stop();
}

bool Supervisor::childrenHealthy() const {
  const auto now = Clock::now();
  for (const auto& c : children_) {
    if (c->pid > 0 && now - c->lastReportAt > opts_.childStaleAfter) {
      return false;
    }
  }
  return true;
}

void Supervisor::scheduleWatchdog(Duration interval) {
  watchdogTimer_.expires_after(interval);
  watchdogTimer_.async_wait([this, interval](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    if (childrenHealthy()) {
      notifier_.watchdogPing();
    } else {
      log_.warning("a child stopped reporting; withholding the watchdog ping",
                   {{"event", "watchdog_withheld"}});
    }
    scheduleWatchdog(interval);
  });
}

DaemonInfo Supervisor::snapshot() const {
  DaemonInfo d;
  d.version = LVSD_VERSION;
  d.pid = ::getpid();
  d.uptimeSeconds =
      std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - startedMono_).count();
  d.startedAt = startedAt_;
  d.configFile = opts_.configPath;
  d.generation = generation_;
  d.lastReload = lastReload_;
  d.vrrpInstances = config_.vrrp_instances.size();
  d.virtualServers = config_.virtual_servers.size();
  const auto now = Clock::now();
  for (const auto& c : children_) {
    const bool stale = c->pid > 0 && now - c->lastReportAt > opts_.childStaleAfter;
    d.children.push_back(ChildInfo{c->name, c->pid, stale ? "unresponsive" : c->state, c->restarts,
                                   c->lastExit, c->generation, c->report, c->reloadError});
  }
  return d;
}

}  // namespace lvsd::daemon
