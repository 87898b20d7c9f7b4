#include "vrrp/io/process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <memory>

namespace lvsd::vrrp::io {
namespace asio = boost::asio;

Result<std::optional<RunAs>> resolveUser(const std::string& user) {
  if (user.empty()) {
    return std::optional<RunAs>{};
  }
  passwd pw{};
  passwd* res = nullptr;
  std::vector<char> buf(16384);
  if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &res) != 0 || res == nullptr) {
    return fail("no such user \"" + user + "\"");
  }
  return std::optional<RunAs>{RunAs{pw.pw_uid, pw.pw_gid}};
}

bool userExists(const std::string& user) {
  passwd pw{};
  passwd* res = nullptr;
  std::vector<char> buf(16384);
  return ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &res) == 0 && res != nullptr;
}

namespace {

struct Running {
  Running(asio::io_context& io, int pidfd) : sd(io, pidfd), timer(io) {}
  asio::posix::stream_descriptor sd;
  asio::steady_timer timer;
  pid_t pid = 0;
  bool timedOut = false;
  std::function<void(const ExitInfo&)> done;
};

}  // namespace

pid_t runProcess(asio::io_context& io, const std::vector<std::string>& argv,
                 const std::optional<RunAs>& user, std::chrono::milliseconds timeout,
                 std::function<void(const ExitInfo&)> done, RunOptions options) {
  if (argv.empty()) {
    done(ExitInfo{false, true, -1});
    return 0;
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) {
    cargv.push_back(const_cast<char*>(a.c_str()));
  }
  cargv.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    done(ExitInfo{false, true, -1});
    return 0;
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls from here on.
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    const int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
    }
    ::close_range(3, ~0U, 0);
    if (user) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(user->gid) != 0 || ::setuid(user->uid) != 0) {
        ::_exit(126);
      }
    }
    // After setuid (a credential change clears the setting); the parent may already be gone.
    if (options.dieWithParent &&
        (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent)) {
      ::_exit(125);
    }
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);  // just killed: returns at once
    done(ExitInfo{false, true, -1});
    return 0;
  }
  auto r = std::make_shared<Running>(io, pidfd);
  r->pid = pid;
  r->done = std::move(done);
  if (timeout.count() > 0) {
    r->timer.expires_after(timeout);
    r->timer.async_wait([r](const boost::system::error_code& ec) {
      if (!ec) {
        r->timedOut = true;
        ::kill(-r->pid, SIGKILL);
        ::kill(r->pid, SIGKILL);
      }
    });
  }
  r->sd.async_wait(asio::posix::stream_descriptor::wait_read,
                   [r](const boost::system::error_code&) {
                     int status = 0;
                     const pid_t w = ::waitpid(r->pid, &status, WNOHANG);
                     r->timer.cancel();
                     // Kill anything the script left behind in its group (unless stopProcess
                     // reaped it already and did that itself).
                     if (w == r->pid) {
                       ::kill(-r->pid, SIGKILL);
                     }
                     ExitInfo info;
                     info.timedOut = r->timedOut;
                     if (w == r->pid && WIFEXITED(status)) {
                       info.exitCode = WEXITSTATUS(status);
                     }
                     auto cb = std::move(r->done);
                     boost::system::error_code ignored;
                     r->sd.close(ignored);
                     if (cb) {
                       cb(info);
                     }
                   });
  return pid;
}

bool stopProcess(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0) {
    return true;
  }
  ::kill(-pid, SIGTERM);
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  bool exited = false;
  for (;;) {
    const pid_t w = ::waitpid(pid, nullptr, WNOHANG);
    if (w == pid || (w < 0 && errno == ECHILD)) {
      exited = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    // Shutdown path, synchronous by contract: poll the exit every 5 ms within the grace period.
    const timespec step{0, 5'000'000};
    ::nanosleep(&step, nullptr);
  }
  // The leader is reaped (or about to be): nothing of its group may outlive it.
  ::kill(-pid, SIGKILL);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);  // just SIGKILLed: returns at once
  }
  return exited;
}

}  // namespace lvsd::vrrp::io
