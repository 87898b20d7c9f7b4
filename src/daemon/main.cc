// lvsd: the daemon's entry point. Parses flags, loads the config, takes the pid-file lock,
// optionally daemonizes, and hands over to the Supervisor.
//   lvsd [-f FILE] [-t] [--foreground] [-l journal|syslog|stderr] [-s SOCKET] [--pid-file FILE]
// Exit codes: 0 ok / valid config, 1 invalid config or startup failure, 2 usage error or
// unreadable config file with -t.
#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "common/io/log_sinks.h"
#include "config/incremental.h"
#include "config/loader.h"
#include "daemon/supervisor.h"

namespace {

using namespace lvsd;

struct Options {
  std::string configPath = "/etc/lvsd/lvsd.conf";
  bool test = false;
  bool foreground = false;
  bool version = false;
  bool debug = false;
  std::string logTarget;
  std::string controlSocket;
  std::string pidFile;
};

LogTargetKind fromConfig(config::LogTarget t) {
  switch (t) {
    case config::LogTarget::Journal:
      return LogTargetKind::Journal;
    case config::LogTarget::Syslog:
      return LogTargetKind::Syslog;
    case config::LogTarget::Stderr:
      return LogTargetKind::Stderr;
  }
  return LogTargetKind::Stderr;
}

LogLevel fromConfig(config::LogLevel l) {
  switch (l) {
    case config::LogLevel::Debug:
      return LogLevel::Debug;
    case config::LogLevel::Info:
      return LogLevel::Info;
    case config::LogLevel::Notice:
      return LogLevel::Notice;
    case config::LogLevel::Warning:
      return LogLevel::Warning;
    case config::LogLevel::Error:
      return LogLevel::Error;
  }
  return LogLevel::Info;
}

/// Classic double fork. The original process waits on @p readyPipe for the daemon's start result
/// so `lvsd` without --foreground still exits non-zero when startup fails.
int daemonize(int& readyWrite) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) {
    std::perror("lvsd: pipe");
    return 1;
  }
  const pid_t first = ::fork();
  if (first < 0) {
    std::perror("lvsd: fork");
    return 1;
  }
  if (first > 0) {
    ::close(p[1]);
    char c = 1;
    const ssize_t n = ::read(p[0], &c, 1);
    ::_exit(n == 1 ? c : 1);
  }
  ::close(p[0]);
  ::setsid();
  const pid_t second = ::fork();
  if (second < 0) {
    ::_exit(1);
  }
  if (second > 0) {
    ::_exit(0);
  }
  [[maybe_unused]] const int rc = ::chdir("/");
  const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) {
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(devnull, STDOUT_FILENO);
    ::close(devnull);
  }
  readyWrite = p[1];
  return 0;
}

void reportReady(int& readyWrite, char code) {
  if (readyWrite >= 0) {
    [[maybe_unused]] const ssize_t n = ::write(readyWrite, &code, 1);
    ::close(readyWrite);
    readyWrite = -1;
    if (code == 0) {
      // Detached for good: stderr goes nowhere useful now.
      const int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      if (devnull >= 0) {
        ::dup2(devnull, STDERR_FILENO);
        ::close(devnull);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"lvsd: high-availability L4 load balancer daemon (VRRP + health checks + IPVS)"};
  app.add_option("-f,--config", o.configPath, "configuration file")->capture_default_str();
  app.add_flag("-t,--test", o.test,
               "check the configuration file and exit (0 valid, 1 invalid, 2 unreadable)");
  app.add_flag("--foreground", o.foreground,
               "stay in the foreground (systemd Type=notify); default: daemonize");
  app.add_option("-l,--log-target", o.logTarget, "journal | syslog | stderr (overrides config)")
      ->check(CLI::IsMember({"journal", "syslog", "stderr"}));
  app.add_option("-s,--control-socket", o.controlSocket, "control socket path (overrides config)");
  app.add_option("--pid-file", o.pidFile, "pid/lock file (overrides config)");
  app.add_flag("-d,--debug", o.debug, "log debug messages");
  app.add_flag("-v,--version", o.version, "print the version and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (o.version) {
    std::cout << "lvsd " << LVSD_VERSION << "\n";
    return 0;
  }

  // The daemon keeps this loader: a reload re-parses only what changed (config/incremental.h).
  config::IncrementalLoader loader;
  auto loaded = loader.load(o.configPath);
  if (o.test) {
    for (const auto& d : loaded.errors) {
      std::cerr << d.toString() << "\n";
    }
    if (loaded.unreadable) {
      return 2;  // documented in lvsd.conf(5): unreadable file is exit 2, like a usage error
    }
    if (!loaded.config) {
      std::cerr << o.configPath << ": configuration is invalid\n";
      return 1;
    }
    std::cout << o.configPath << ": configuration is valid\n";
    return 0;
  }

  // Until the config names a log target, startup problems go to stderr.
  StderrSink startupSink;
  Logger log(startupSink, "supervisor", o.debug ? LogLevel::Debug : LogLevel::Info);
  if (!loaded.config) {
    for (const auto& d : loaded.errors) {
      log.error(d.toString(), {{"event", "config_error"}});
    }
    log.error("not starting: " + o.configPath + " is invalid", {{"event", "config_invalid"}});
    return 1;
  }
  config::Config cfg = std::move(*loaded.config);
  LogTargetKind target =
      o.logTarget.empty() ? fromConfig(cfg.global.log_target) : *parseLogTarget(o.logTarget);
  if (target == LogTargetKind::Journal && ::access("/run/systemd/journal/socket", W_OK) != 0) {
    // No journald (containers, minimal hosts): keep the logs visible instead of dropping them.
    log.warning("log_target journal: no journald socket; logging to stderr",
                {{"event", "log_fallback"}});
    target = LogTargetKind::Stderr;
  }
  auto sink = makeSink(target, cfg.global.syslog_facility);

  const std::string pidPath = o.pidFile.empty() ? cfg.global.pid_file : o.pidFile;
  auto pidFile = daemon::PidFile::acquire(pidPath);
  if (!pidFile) {
    log.error("refusing to start: " + pidFile.error().message, {{"event", "already_running"}});
    return 1;
  }
  int readyWrite = -1;
  if (!o.foreground) {
    if (daemonize(readyWrite) != 0) {
      return 1;
    }
    pidFile->rewritePid();
  }
  log.setSink(*sink);
  log.setMinLevel(o.debug ? LogLevel::Debug : fromConfig(cfg.global.log_level));
  std::signal(SIGPIPE, SIG_IGN);

  daemon::SupervisorOptions so;
  so.configPath = o.configPath;
  so.controlSocket = o.controlSocket.empty() ? cfg.global.control_socket : o.controlSocket;
  so.controlSocketMode = cfg.global.control_socket_mode;
  so.controlSocketGroup = cfg.global.control_socket_group;
  boost::asio::io_context io;
  daemon::Supervisor supervisor(io, so, std::move(cfg), log, *pidFile);
  supervisor.adoptLoader(std::move(loader));
  supervisor.addChild("vrrp", daemon::runVrrpChild);
  supervisor.addChild("checker", daemon::runCheckerChild);
  auto started = supervisor.start();
  if (!started) {
    log.error("cannot start: " + started.error().message, {{"event", "start_failed"}});
    if (target != LogTargetKind::Stderr) {
      std::cerr << "lvsd: cannot start: " << started.error().message << "\n";
    }
    reportReady(readyWrite, 1);
    return 1;
  }
  reportReady(readyWrite, 0);
  return supervisor.run();
}
