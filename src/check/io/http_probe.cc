// HTTP and HTTPS probe (Asio + OpenSSL): one request (serialized once with Boost.Beast),
// Connection: close; the response is read into a fixed buffer and parsed by the pure
// HttpResponseReader (bounded head and body), then judged by the pure evaluateHttp().

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <sstream>

#include "check/core/http_response.h"
#include "check/io/body_tools.h"
#include "check/io/probe_base.h"
#include "check/io/probers.h"

namespace lvsd::check {

namespace {

namespace http = boost::beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr uint32_t kHeaderLimit = 16 * 1024;

struct HttpShared {
  HttpSpec spec;
  tcp::endpoint ep;
  std::string verifyName;  ///< name or address the certificate must carry
  std::string sni;         ///< empty when the target is an address
  std::unique_ptr<ssl::context> tls;
  std::unique_ptr<Pcre2Matcher> regex;
  OpenSslDigester digester;
  http::request<http::string_body> request;
  std::string wire;  ///< the request as sent
  HttpResponseReader::Limits limits;
};

/// A kept-alive connection between two checks (HttpSpec::keepAlive, plain HTTP only).
struct IdleConnection {
  std::optional<tcp::socket> socket;
};

/// The socket for plain HTTP, or the TLS stream for HTTPS.
template <class Stream>
tcp::socket& lowest(Stream& s) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) {
    return s;
  } else {
    return s.next_layer();
  }
}

template <class Stream>
class HttpRun : public ProbeRunBase {
public:
  HttpRun(asio::io_context& io, Duration timeout, std::shared_ptr<const HttpShared> sh,
          Stream stream, std::shared_ptr<IdleConnection> idle = nullptr, bool reused = false)
      : ProbeRunBase(io, timeout),
        shared_(std::move(sh)),
        sh_(*shared_),
        stream_(std::move(stream)),
        reader_(sh_.limits),
        idle_(std::move(idle)),
        reused_(reused) {}

private:
  using Self = HttpRun<Stream>;
  void begin() override {
    if (reused_) {
      return sendRequest();
    }
    if (const auto ec = bindSource(lowest(stream_), sh_.ep, sh_.spec.source)) {
      return finish(failure(ec, "bind: " + errText(ec)));
    }
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      return connectAndSend();
    }
    lowest(stream_).async_connect(
        sh_.ep, [self = this->template selfAs<Self>()](const boost::system::error_code& ec) {
          self->onConnect(ec);
        });
  }
  void closeAll() override {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      if (keep_ && idle_) {  // the response ended cleanly: the next check reuses the connection
        keep_ = false;
        idle_->socket.emplace(std::move(stream_));
        return;
      }
    }
    closeWithReset(lowest(stream_));
  }

  /// A reused connection the server had already closed (no response byte came): try once
  /// more on a fresh one. @return false when this attempt was on a fresh connection already.
  bool retryFresh() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      if (reused_ && !reader_.sawBytes()) {
        closeWithReset(stream_);
        stream_ = tcp::socket(io_);
        reused_ = false;
        reader_ = HttpResponseReader(sh_.limits);
        begin();
        return true;
      }
    }
    return false;
  }

  /// Plain HTTP: a non-blocking ::connect of our own, then the request at once when the
  /// connection is already up (over loopback the handshake completes within connect()). Asio
  /// then never waits for writability: no EPOLL_CTL_MOD to add EPOLLOUT and no loop event
  /// before the write. A connection still in progress waits for writability, as
  /// async_connect would, and reads SO_ERROR.
  void connectAndSend() {
    tcp::socket& s = lowest(stream_);
    boost::system::error_code ec;
    if (!s.is_open()) {
      s.open(sh_.ep.protocol(), ec);
    }
    if (!ec) {
      s.non_blocking(true, ec);
    }
    if (ec) {
      return finish(failure(ec, "connect: " + errText(ec)));
    }
    const int fd = s.native_handle();
    if (::connect(fd, sh_.ep.data(), static_cast<socklen_t>(sh_.ep.size())) != 0 &&
        errno != EINPROGRESS) {
      return connectFailed(errno);
    }
    const ssize_t n = ::send(fd, sh_.wire.data(), sh_.wire.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      return static_cast<size_t>(n) == sh_.wire.size() ? readResponse()
                                                       : sendRequest(static_cast<size_t>(n));
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      return connectFailed(errno);  // e.g. refused: the handshake already ended
    }
    s.async_wait(tcp::socket::wait_write,
                 [self = this->template selfAs<Self>()](const boost::system::error_code& wec) {
                   if (self->finished()) {
                     return;
                   }
                   if (wec) {
                     return self->finish(failure(wec, "connect: " + errText(wec)));
                   }
                   int err = 0;
                   socklen_t len = sizeof err;
                   if (::getsockopt(lowest(self->stream_).native_handle(), SOL_SOCKET, SO_ERROR,
                                    &err, &len) != 0) {
                     err = errno;
                   }
                   if (err != 0) {
                     return self->connectFailed(err);
                   }
                   self->sendRequest();
                 });
  }
  void connectFailed(int err) {
    const boost::system::error_code ec(err, boost::system::system_category());
    finish(failure(ec, "connect: " + errText(ec)));
  }

  void onConnect(const boost::system::error_code& ec) {
    if (finished()) {
      return;
    }
    if (ec) {
      return finish(failure(ec, "connect: " + errText(ec)));
    }
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      sendRequest();
    } else {
      SSL* ssl = stream_.native_handle();
      if (!sh_.sni.empty()) {
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(sh_.sni.c_str()));
      }
      if (sh_.spec.verify) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
        if (IpAddress::parse(sh_.verifyName)) {
          X509_VERIFY_PARAM_set1_ip_asc(param, sh_.verifyName.c_str());
        } else {
          X509_VERIFY_PARAM_set1_host(param, sh_.verifyName.c_str(), 0);
        }
      }
      stream_.async_handshake(ssl::stream_base::client, [self = this->template selfAs<Self>()](
                                                            const boost::system::error_code& hec) {
        if (self->finished()) {
          return;
        }
        if (hec) {
          return self->finish(Outcome::down("tls: " + self->tlsError(hec)));
        }
        self->sendRequest();
      });
    }
  }

  /// The handshake error, with OpenSSL's certificate verdict when verification failed.
  std::string tlsError(const boost::system::error_code& ec) {
    std::string why = errText(ec);
    if constexpr (!std::is_same_v<Stream, tcp::socket>) {
      const long v = SSL_get_verify_result(stream_.native_handle());
      if (sh_.spec.verify && v != X509_V_OK) {
        why += std::string(": ") + X509_verify_cert_error_string(v);
      }
    }
    return why;
  }

  /// @param sent bytes of the request already written.
  void sendRequest(size_t sent = 0) {
    // The request is serialized once per check (HttpShared::wire): one write per probe.
    asio::async_write(
        stream_, asio::buffer(sh_.wire) + sent,
        [self = this->template selfAs<Self>()](const boost::system::error_code& ec, size_t) {
          if (self->finished()) {
            return;
          }
          if (ec) {
            if (self->retryFresh()) {
              return;
            }
            return self->finish(Outcome::down("write: " + errText(ec)));
          }
          self->readResponse();
        });
  }

  void readResponse() {
    stream_.async_read_some(asio::buffer(buf_), [self = this->template selfAs<Self>()](
                                                    const boost::system::error_code& ec, size_t n) {
      self->onRead(ec, n);
    });
  }

  void onRead(const boost::system::error_code& ec, size_t n) {
    if (finished()) {
      return;
    }
    using State = HttpResponseReader::State;
    State st = reader_.feed(std::string_view(buf_.data(), std::min(n, buf_.size())));
    if (st == State::NeedMore && ec && retryFresh()) {
      return;
    }
    const bool ended = st == State::Done;  // by its framing, before any EOF
    if (st == State::NeedMore && ec) {
      // A TLS peer that closes without close_notify ends the stream like a plain EOF.
      if (ec != asio::error::eof && ec != ssl::error::stream_truncated) {
        return finish(Outcome::down("http: " + errText(ec)));
      }
      st = reader_.feedEof();
    }
    if (st == State::NeedMore) {
      return readResponse();
    }
    if (st == State::Failed) {
      return finish(Outcome::down(reader_.error()));
    }
    HttpResponseView view;
    view.status = reader_.status();
    view.body = reader_.body();
    view.bodyTruncated = reader_.bodyTruncated();
    keep_ = idle_ && ended && !reader_.connectionClose() && !reader_.bodyTruncated();
    // In a read handler: the runner is called back directly, not through the loop's queue.
    finishFromHandler(evaluateHttp(sh_.spec.expect, view, sh_.digester, sh_.regex.get()));
  }

  std::shared_ptr<const HttpShared> shared_;  // keeps the request alive for pending writes
  const HttpShared& sh_;
  Stream stream_;
  HttpResponseReader reader_;
  std::array<char, 2048> buf_;            ///< one read's bytes, parsed before the next read
  std::shared_ptr<IdleConnection> idle_;  ///< set with HttpSpec::keepAlive
  bool reused_;                           ///< this attempt runs on a kept-alive connection
  bool keep_ = false;                     ///< hand the connection back when finishing
};

class HttpProber : public Prober {
public:
  HttpProber(asio::io_context& io, Duration timeout, std::shared_ptr<const HttpShared> sh)
      : io_(io), timeout_(timeout), sh_(std::move(sh)) {}
  std::shared_ptr<ProbeRun> run(ProbeDone done) override {
    if (sh_->tls) {
      using S = ssl::stream<tcp::socket>;
      return startRun(std::make_shared<HttpRun<S>>(io_, timeout_, sh_, S(io_, *sh_->tls)),
                      std::move(done));
    }
    if (idle_ && idle_->socket && idle_->socket->is_open()) {
      tcp::socket s = std::move(*idle_->socket);
      idle_->socket.reset();
      return startRun(
          std::make_shared<HttpRun<tcp::socket>>(io_, timeout_, sh_, std::move(s), idle_, true),
          std::move(done));
    }
    return startRun(
        std::make_shared<HttpRun<tcp::socket>>(io_, timeout_, sh_, tcp::socket(io_), idle_),
        std::move(done));
  }

private:
  asio::io_context& io_;
  Duration timeout_;
  std::shared_ptr<const HttpShared> sh_;
  std::shared_ptr<IdleConnection> idle_ =  // after sh_: initialised from it
      sh_->spec.keepAlive && !sh_->tls ? std::make_shared<IdleConnection>() : nullptr;
};

Result<std::unique_ptr<ssl::context>> makeTlsContext(const HttpSpec& s) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(
      ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3, ec);
  if (s.verify) {
    ctx->set_verify_mode(ssl::verify_peer, ec);
    if (!s.caFile.empty()) {
      ctx->load_verify_file(s.caFile, ec);
    } else {
      ctx->set_default_verify_paths(ec);
    }
    if (ec) {
      return fail("https probe: CA file " + s.caFile + ": " + ec.message());
    }
  } else {
    ctx->set_verify_mode(ssl::verify_none, ec);
  }
  if (!s.certFile.empty()) {
    ctx->use_certificate_chain_file(s.certFile, ec);
    if (!ec) {
      ctx->use_private_key_file(s.keyFile.empty() ? s.certFile : s.keyFile, ssl::context::pem, ec);
    }
    if (ec) {
      return fail("https probe: client certificate: " + ec.message());
    }
  }
  return ctx;
}

}  // namespace

ProberResult makeHttpProber(asio::io_context& io, const HttpSpec& s, Duration timeout) {
  auto sh = std::make_shared<HttpShared>();
  sh->spec = s;
  sh->ep = tcp::endpoint(toAsio(s.address), s.port);
  const std::string host = !s.host.empty()    ? s.host
                           : s.address.isV6() ? "[" + s.address.toString() + "]"
                                              : s.address.toString();
  sh->verifyName = !s.sni.empty() ? s.sni : !s.host.empty() ? s.host : s.address.toString();
  if (!IpAddress::parse(sh->verifyName)) {
    sh->sni = sh->verifyName;
  }
  if (s.tls) {
    auto ctx = makeTlsContext(s);
    if (!ctx) {
      return Unexpected(ctx.error());
    }
    sh->tls = std::move(ctx.value());
  }
  if (!s.regex.empty()) {
    auto re = Pcre2Matcher::compile(s.regex);
    if (!re) {
      return Unexpected(re.error());
    }
    sh->regex = std::move(re.value());
    sh->spec.expect.wantRegex = true;
  }
  auto& req = sh->request;
  req.version(11);
  req.method_string(s.method);
  req.target(s.path.empty() ? "/" : s.path);
  // A configured Host goes out verbatim; the address default carries a non-default port.
  const bool defaultPort = s.port == (s.tls ? 443 : 80);
  req.set(http::field::host,
          !s.host.empty() || defaultPort ? host : host + ":" + std::to_string(s.port));
  req.set(http::field::user_agent, "lvsd-check");
  if (!s.keepAlive || s.tls) {
    req.set(http::field::connection, "close");  // HTTP/1.1 keeps the connection otherwise
  }
  for (const auto& [k, v] : s.headers) {
    req.set(k, v);
  }
  if (!s.body.empty()) {
    req.body() = s.body;
    req.prepare_payload();
  }
  std::ostringstream wire;
  wire << req;
  sh->wire = wire.str();
  sh->limits.headerLimit = kHeaderLimit;
  sh->limits.bodyCap = s.expect.maxBody;
  sh->limits.headRequest = req.method() == http::verb::head;  // HEAD replies carry no body
  // The body is only stored when something reads it; otherwise it is counted against the cap.
  sh->limits.keepBody = s.expect.digestAlgo != DigestAlgo::None || !s.regex.empty();
  return std::unique_ptr<Prober>(std::make_unique<HttpProber>(io, timeout, std::move(sh)));
}

}  // namespace lvsd::check
