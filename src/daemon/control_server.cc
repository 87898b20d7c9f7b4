#include "daemon/control_server.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>
#include <set>

#include "daemon/pidfile.h"

namespace lvsd::daemon {

namespace asio = boost::asio;
using Socket = asio::local::stream_protocol::socket;

class Session;

struct ControlServer::Shared {
  const ctl::CommandRegistry& registry;
  Logger log;
  Limits limits;
  std::set<std::shared_ptr<Session>> sessions;
};

/// One client connection: read -> frame -> dispatch -> write, until EOF, error, overflow or idle
/// timeout.
class Session : public std::enable_shared_from_this<Session> {
public:
  Session(Socket socket, std::shared_ptr<ControlServer::Shared> shared)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        shared_(std::move(shared)),
        framer_(shared_->limits.maxRequestBytes) {}

  void start() {
    armTimer();
    read();
  }

  void close() {
    if (closed_) {
      return;
    }
    closed_ = true;
    boost::system::error_code ec;
    timer_.cancel();
    socket_.shutdown(Socket::shutdown_both, ec);
    socket_.close(ec);
    // Erasing may drop the last reference; callers hold a shared_ptr (self) while in here.
    shared_->sessions.erase(shared_from_this());
  }

private:
  void armTimer() {
    timer_.expires_after(shared_->limits.idleTimeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->closed_) {
        return;
      }
      if (self->awaiting() > 0) {
        self->armTimer();  // a deferred answer is on its way: not idle
        return;
      }
      self->shared_->log.info("control client idle too long; closing", {{"event", "ctl_timeout"}});
      self->finishWith(ctl::errorResponse(ctl::code::kTimeout, "no complete request in time"));
    });
  }

  void read() {
    socket_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this()](const boost::system::error_code& ec,
                                                        size_t n) { self->onRead(ec, n); });
  }

  void onRead(const boost::system::error_code& ec, size_t n) {
    if (closed_) {
      return;
    }
    if (ec) {
      // EOF: a last request without newline (truncated) still gets an answer.
      if (ec == asio::error::eof) {
        if (auto rest = framer_.takeRest()) {
          dispatch(*rest);
          finishWith("");
          return;
        }
        finishWith("");
        return;
      }
      close();
      return;
    }
    framer_.feed(std::string_view(buf_.data(), n));
    while (auto line = framer_.next()) {
      if (line->empty()) {
        continue;
      }
      dispatch(*line);
      armTimer();
    }
    if (framer_.overflowed()) {
      shared_->log.warning(
          "control request too large; closing",
          {{"event", "ctl_too_large"}, {"limit", std::to_string(shared_->limits.maxRequestBytes)}});
      finishWith(ctl::errorResponse(ctl::code::kTooLarge,
                                    "request too large (limit " +
                                        std::to_string(shared_->limits.maxRequestBytes) +
                                        " bytes per line)"));
      return;
    }
    read();
  }

  /// Runs one request; its answer takes its place in the reply order, whenever it comes.
  void dispatch(std::string_view line) {
    auto slot = std::make_shared<Slot>();
    out_.push_back(slot);
    shared_->registry.dispatch(line, [self = shared_from_this(), slot](std::string response) {
      if (self->closed_ || slot->ready) {
        return;
      }
      slot->data = std::move(response);
      slot->ready = true;
      if (!self->writing_) {
        self->writeNext();
      }
    });
  }

  /// Answers not given yet.
  [[nodiscard]] size_t awaiting() const {
    return static_cast<size_t>(
        std::count_if(out_.begin(), out_.end(), [](const auto& s) { return !s->ready; }));
  }

  /// Sends @p last (if non-empty) after everything queued, then closes.
  void finishWith(std::string last) {
    if (closing_) {
      return;
    }
    closing_ = true;
    if (!last.empty()) {
      queueWrite(std::move(last));
    }
    if (!writing_) {
      writeNext();
    }
  }

  void queueWrite(std::string s) {
    auto slot = std::make_shared<Slot>();
    slot->data = std::move(s);
    slot->ready = true;
    out_.push_back(std::move(slot));
    if (!writing_) {
      writeNext();
    }
  }

  void writeNext() {
    if (out_.empty() || !out_.front()->ready) {
      writing_ = false;
      if (closing_ && out_.empty()) {
        close();
      }
      return;
    }
    writing_ = true;
    asio::async_write(socket_, asio::buffer(out_.front()->data),
                      [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                        if (self->closed_) {
                          return;
                        }
                        if (ec) {
                          self->close();
                          return;
                        }
                        self->out_.pop_front();
                        self->writeNext();
                      });
  }

  struct Slot {
    std::string data;
    bool ready = false;
  };

  Socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<ControlServer::Shared> shared_;
  ctl::LineFramer framer_;
  std::array<char, 16384> buf_{};
  std::deque<std::shared_ptr<Slot>> out_;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

ControlServer::ControlServer(asio::io_context& io, const ctl::CommandRegistry& registry, Logger log,
                             Limits limits)
    : acceptor_(io),
      shared_(std::make_shared<Shared>(Shared{registry, std::move(log), limits, {}})) {}

ControlServer::~ControlServer() { close(); }

namespace {

/// @return true when something accepts connections on @p path.
bool socketAnswers(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

Result<void> ControlServer::listen(const std::string& path, uint32_t mode,
                                   const std::string& group) {
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return fail("control socket path too long: " + path);
  }
  makeParentDirectory(path);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return fail("control socket path " + path + " exists and is not a socket");
    }
    if (socketAnswers(path)) {
      return fail("control socket " + path + " is in use by another process");
    }
    ::unlink(path.c_str());
  }
  boost::system::error_code ec;
  acceptor_.open(asio::local::stream_protocol(), ec);
  if (!ec) {
    // Bind with a umask that leaves nobody but us access until the chmod below.
    const mode_t old = ::umask(0177);
    acceptor_.bind(asio::local::stream_protocol::endpoint(path), ec);
    ::umask(old);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return fail("cannot listen on " + path + ": " + ec.message(),
                std::error_code(ec.value(), std::generic_category()));
  }
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    return fail("cannot chmod " + path + ": " + std::strerror(errno),
                std::error_code(errno, std::generic_category()));
  }
  path_ = path;
  if (!group.empty()) {
    const struct group* g = ::getgrnam(group.c_str());
    if (g == nullptr) {
      return fail("control_socket_group \"" + group + "\" does not exist");
    }
    if (::chown(path.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
      return fail("cannot chgrp " + path + ": " + std::strerror(errno),
                  std::error_code(errno, std::generic_category()));
    }
  }
  accept();
  return {};
}

void ControlServer::accept() {
  acceptor_.async_accept([this, shared = shared_](const boost::system::error_code& ec,
                                                  Socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
      return;
    }
    if (!ec) {
      auto session = std::make_shared<Session>(std::move(socket), shared);
      if (shared->sessions.size() >= shared->limits.maxConnections) {
        shared->log.warning("too many control connections; refusing one", {{"event", "ctl_busy"}});
        session->close();
      } else {
        shared->sessions.insert(session);
        session->start();
      }
    }
    accept();
  });
}

void ControlServer::close() {
  boost::system::error_code ec;
  if (acceptor_.is_open()) {
    acceptor_.close(ec);
  }
  auto sessions = shared_->sessions;
  for (const auto& s : sessions) {
    s->close();
  }
  if (!path_.empty()) {
    ::unlink(path_.c_str());
    path_.clear();
  }
}

int ControlServer::nativeHandle() { return acceptor_.is_open() ? acceptor_.native_handle() : -1; }

}  // namespace lvsd::daemon
