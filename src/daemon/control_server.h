#pragma once
// The control socket: a unix stream socket speaking the newline-delimited JSON protocol of
// ctl/protocol.h. Each connection is read asynchronously with a size cap and an idle timeout, so
// a slow or garbage-sending client never blocks the loop or other clients.

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <memory>
#include <string>

#include "common/log.h"
#include "common/result.h"
#include "ctl/protocol.h"

namespace lvsd::daemon {

class ControlServer {
public:
  struct Limits {
    Duration idleTimeout = std::chrono::seconds(10);
    size_t maxConnections = 64;
    size_t maxRequestBytes = ctl::kMaxRequestBytes;
  };

  ControlServer(boost::asio::io_context& io, const ctl::CommandRegistry& registry, Logger log,
                Limits limits);
  ControlServer(boost::asio::io_context& io, const ctl::CommandRegistry& registry, Logger log)
      : ControlServer(io, registry, std::move(log), Limits{}) {}
  ~ControlServer();

  /// Binds @p path (replacing a stale socket; refusing one that answers), applies @p mode and
  /// @p group (when non-empty) and starts accepting.
  Result<void> listen(const std::string& path, uint32_t mode, const std::string& group = "");
  /// Stops accepting, closes every connection and removes the socket file.
  void close();
  /// @return the listening fd (children close their inherited copy), or -1.
  int nativeHandle();
  [[nodiscard]] const std::string& path() const { return path_; }

  struct Shared;

private:
  void accept();

  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::shared_ptr<Shared> shared_;
  std::string path_;
};

}  // namespace lvsd::daemon
