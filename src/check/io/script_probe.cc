// Script probe (keepalived MISC_CHECK): fork/exec as the script user in its own process group,
// exit watched through a pidfd on the loop (never a blocking wait), the group SIGKILLed at
// the deadline. File probe: a weight read from a small file.

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "check/core/script_result.h"
#include "check/io/probe_base.h"
#include "check/io/probers.h"

namespace lvsd::check {

namespace {

struct ScriptShared {
  ScriptSpec spec;
  bool switchUser = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

[[noreturn]] void childExec(const ScriptShared& sh, char* const* argv, char* const* envp) {
  // Only async-signal-safe calls between fork and exec.
  setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2}) {
    signal(sig, SIG_DFL);
  }
  const int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
  }
  syscall(SYS_close_range, 3U, ~0U, 0U);
  if (sh.switchUser) {
    const gid_t gid = sh.gid;
    if (setgroups(1, &gid) != 0 || setgid(sh.gid) != 0 || setuid(sh.uid) != 0) {
      _exit(126);
    }
  }
  execve(argv[0], argv, envp);
  _exit(127);
}

class ScriptRun : public ProbeRunBase {
public:
  ScriptRun(asio::io_context& io, Duration timeout, std::shared_ptr<const ScriptShared> sh)
      : ProbeRunBase(io, timeout), sh_(std::move(sh)), desc_(io) {}

private:
  void begin() override {
    std::vector<char*> argv;
    for (const auto& a : sh_->spec.argv) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    static char kPath[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    char* envp[] = {kPath, nullptr};
    const pid_t pid = fork();
    if (pid < 0) {
      const int err = errno;
      std::string why = std::string("script: fork: ") + std::strerror(err);
      return finish(isLocalShortage(err) ? Outcome::localShortage(std::move(why))
                                         : Outcome::down(std::move(why)));
    }
    if (pid == 0) {
      childExec(*sh_, argv.data(), envp);
    }
    pid_ = pid;
    setpgid(pid, pid);  // also in the parent, so a kill at once cannot miss the group
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
      // Without a pidfd (kernel < 5.3) we cannot wait without blocking; kill and report.
      kill(-pid, SIGKILL);
      int st = 0;
      waitpid(pid, &st, 0);
      reaped_ = true;
      return finish(Outcome::down("script: pidfd_open unsupported"));
    }
    desc_.assign(pidfd);
    waitExit();
  }
  void closeAll() override {
    if (pid_ > 0 && !reaped_) {
      kill(-pid_, SIGKILL);  // the pending waitExit() reaps it
    }
  }
  Outcome onTimeout() override { return Outcome::down("script: timeout, killed"); }

  void waitExit() {
    desc_.async_wait(asio::posix::descriptor_base::wait_read,
                     [self = selfAs<ScriptRun>()](const boost::system::error_code& ec) {
                       self->onExitReadable(ec);
                     });
  }
  void onExitReadable(const boost::system::error_code& ec) {
    if (reaped_) {
      return;
    }
    int st = 0;
    const pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == 0) {
      if (!ec) {
        waitExit();
      }
      return;
    }
    reaped_ = true;
    boost::system::error_code ignored;
    desc_.close(ignored);
    if (r < 0) {
      return finish(Outcome::down(std::string("script: waitpid: ") + std::strerror(errno)));
    }
    const int code = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
    finish(scriptExitOutcome(code, sh_->spec.dynamic));
  }

  std::shared_ptr<const ScriptShared> sh_;
  asio::posix::stream_descriptor desc_;
  pid_t pid_ = -1;
  bool reaped_ = false;
};

class FileRun : public ProbeRunBase {
public:
  FileRun(asio::io_context& io, Duration timeout, FileSpec spec)
      : ProbeRunBase(io, timeout), path_(std::move(spec.path)), mode_(spec.mode) {}

private:
  void begin() override {
    if (mode_ != FileMode::Weight) {
      struct stat st {};
      const bool exists = ::stat(path_.c_str(), &st) == 0;
      if (exists == (mode_ == FileMode::Exists)) {
        return finish(
            Outcome::up(exists ? "file: " + path_ + " exists" : "file: " + path_ + " absent"));
      }
      return finish(
          Outcome::down(exists ? "file: " + path_ + " exists" : "file: " + path_ + " missing"));
    }
    // A small local file: read directly (bounded), the callback is still posted.
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      return finish(Outcome::down("file: cannot open " + path_));
    }
    std::string content(64, '\0');
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<size_t>(in.gcount()));
    finish(parseWeightFile(content));
  }
  void closeAll() override {}
  std::string path_;
  FileMode mode_;
};

template <class Run, class Arg>
class PlainProber : public Prober {
public:
  PlainProber(asio::io_context& io, Duration timeout, Arg arg)
      : io_(io), timeout_(timeout), arg_(std::move(arg)) {}
  std::shared_ptr<ProbeRun> run(ProbeDone done) override {
    return startRun(std::make_shared<Run>(io_, timeout_, arg_), std::move(done));
  }

private:
  asio::io_context& io_;
  Duration timeout_;
  Arg arg_;
};

}  // namespace

ProberResult makeScriptProber(asio::io_context& io, const ScriptSpec& s, Duration timeout) {
  if (s.argv.empty() || s.argv[0].empty() || s.argv[0][0] != '/') {
    return fail("script probe: the program must be an absolute path");
  }
  auto sh = std::make_shared<ScriptShared>();
  sh->spec = s;
  if (!s.user.empty()) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (getpwnam_r(s.user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found) {
      return fail("script probe: unknown user " + s.user);
    }
    if (found->pw_uid != geteuid() || found->pw_gid != getegid()) {
      if (geteuid() != 0) {
        return fail("script probe: switching to user " + s.user + " needs root");
      }
      sh->switchUser = true;
      sh->uid = found->pw_uid;
      sh->gid = found->pw_gid;
    }
  }
  using P = PlainProber<ScriptRun, std::shared_ptr<const ScriptShared>>;
  return std::unique_ptr<Prober>(std::make_unique<P>(io, timeout, std::move(sh)));
}

ProberResult makeFileProber(asio::io_context& io, const FileSpec& s, Duration timeout) {
  if (s.path.empty()) {
    return fail("file probe: empty path");
  }
  return std::unique_ptr<Prober>(std::make_unique<PlainProber<FileRun, FileSpec>>(io, timeout, s));
}

}  // namespace lvsd::check
