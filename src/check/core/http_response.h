#pragma once
// Pure, incremental reader of the one HTTP/1.x response a check receives: the status line,
// the headers that frame the body (Content-Length, Transfer-Encoding, Connection), then the
// body (by length, chunked, or until the peer closes), keeping at most `bodyCap` bytes of it.
// Every other header is checked for syntax and skipped without being stored: the probe's hot
// path allocates nothing when the head arrives in one piece and the body is not kept.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lvsd::check {

class HttpResponseReader {
public:
  struct Limits {
    size_t headerLimit = 16 * 1024;  ///< status line + headers (and chunk trailers), bytes
    size_t bodyCap = 1 << 20;        ///< a longer body ends the read with bodyTruncated()
    bool headRequest = false;        ///< the request was HEAD: the response has no body
    bool keepBody = true;            ///< store the body (digest/regex); else only count it
  };
  enum class State : uint8_t { NeedMore, Done, Failed };

  explicit HttpResponseReader(Limits limits) : limits_(limits) {}

  /// Consumes the next bytes from the connection. Bytes after the end of the response are
  /// ignored. @return the state after them.
  State feed(std::string_view data);
  /// The peer closed the connection (or TLS ended). @return the final state.
  State feedEof();

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] bool headerDone() const { return phase_ > Phase::Head; }
  [[nodiscard]] unsigned status() const { return status_; }
  /// The body kept so far (empty unless Limits::keepBody; its first bodyCap bytes when
  /// bodyTruncated()).
  [[nodiscard]] std::string_view body() const { return body_; }
  /// Body bytes received (kept or not).
  [[nodiscard]] uint64_t bodySize() const { return bodySize_; }
  /// The body was longer than Limits::bodyCap (reading stopped there).
  [[nodiscard]] bool bodyTruncated() const { return truncated_; }
  /// The server said `Connection: close` (or spoke HTTP/1.0 without keep-alive).
  [[nodiscard]] bool connectionClose() const { return close_; }
  /// Any byte of the response arrived.
  [[nodiscard]] bool sawBytes() const { return sawBytes_; }
  /// Why the read failed, as the probe reports it ("http: ...").
  [[nodiscard]] const std::string& error() const { return error_; }

private:
  enum class Phase : uint8_t {
    Head,
    Length,
    ChunkSize,
    ChunkData,
    ChunkEnd,
    Trailers,
    UntilClose,
    End
  };
  State fail(std::string why);
  State done();
  /// Parses a complete head (status line .. empty line). @return false after fail().
  bool parseHead(std::string_view head);
  /// Notes a framing header; sets @p framing for Content-Length and Transfer-Encoding.
  bool onHeader(std::string_view name, std::string_view value, bool& framing);
  /// Takes body bytes from @p data (advancing it). @return false when the cap ended the read.
  bool takeBody(std::string_view& data, size_t n);
  /// Splits one CRLF-terminated line off @p data (collecting split lines in head_, bounded).
  /// @return true when @p line holds a whole line (valid until the next call).
  bool takeLine(std::string_view& data, std::string_view& line);

  Limits limits_;
  State state_ = State::NeedMore;
  Phase phase_ = Phase::Head;
  std::string head_;  ///< a head (or a chunk line) split across reads
  std::string line_;  ///< the last line completed from head_
  std::string body_;
  std::string error_;
  unsigned status_ = 0;
  unsigned minor_ = 1;
  bool close_ = false;
  bool keepAlive_ = false;
  bool chunked_ = false;
  bool encoded_ = false;  ///< Transfer-Encoding present
  bool hasLength_ = false;
  bool truncated_ = false;
  bool sawBytes_ = false;
  uint64_t length_ = 0;  ///< Content-Length, then the bytes left in a length body or chunk
  uint64_t bodySize_ = 0;
  size_t trailerBytes_ = 0;
};

}  // namespace lvsd::check
