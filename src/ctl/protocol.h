#pragma once
// Control protocol (pure): newline-delimited JSON, versioned. See docs/control-protocol.md.
//   request  {"v":1,"cmd":"status","args":{...}}
//   response {"v":1,"ok":true,"data":{...}}
//            {"v":1,"ok":false,"error":{"code":"unknown_command","message":"..."}}
// Everything here is a pure function of its input, so the daemon side, lvsctl and the fuzzer share
// it. Nothing throws: parse errors become error responses.

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace lvsd::ctl {

using Json = nlohmann::json;

inline constexpr int kProtocolVersion = 1;
/// Largest request line the daemon accepts (bytes, without the newline).
inline constexpr size_t kMaxRequestBytes = 64 * 1024;
/// Deepest JSON nesting accepted in a request.
inline constexpr int kMaxRequestDepth = 32;

/// Error codes carried in error.code.
namespace code {
inline constexpr std::string_view kParseError = "parse_error";
inline constexpr std::string_view kBadRequest = "bad_request";
inline constexpr std::string_view kUnsupportedVersion = "unsupported_version";
inline constexpr std::string_view kUnknownCommand = "unknown_command";
inline constexpr std::string_view kTooLarge = "request_too_large";
inline constexpr std::string_view kTimeout = "timeout";
inline constexpr std::string_view kFailed = "failed";
}  // namespace code

struct ProtocolError {
  std::string code;
  std::string message;
};

struct Request {
  int version = kProtocolVersion;
  std::string cmd;
  Json args = Json::object();
};

/// Parses and validates one request line (without the newline): an object with integer "v" equal
/// to kProtocolVersion, a non-empty string "cmd", and an optional object "args". Unknown top-level
/// keys are ignored (forward compatibility).
Expected<Request, ProtocolError> parseRequest(std::string_view line);

/// @return the request as one line, newline included.
std::string encodeRequest(std::string_view cmd, const Json& args = Json::object());

/// @return {"v":1,"ok":true,"data":data} as one line, newline included.
std::string okResponse(const Json& data);
/// @return {"v":1,"ok":false,"error":{"code":..,"message":..}} as one line, newline included.
std::string errorResponse(std::string_view code, std::string_view message);

/// A decoded response.
struct Response {
  bool ok = false;
  Json data;            ///< when ok
  ProtocolError error;  ///< when !ok
};
/// Parses a response line as lvsctl receives it.
Expected<Response, ProtocolError> parseResponse(std::string_view line);

/// Compact JSON text that never throws (invalid UTF-8 is replaced).
std::string dumpJson(const Json& j, int indent = -1);

/// Splits a byte stream into lines with a size cap. Feed bytes as they arrive; take lines out.
class LineFramer {
public:
  explicit LineFramer(size_t maxLine = kMaxRequestBytes) : max_(maxLine) {}
  /// Appends bytes. Once a line grows past the cap the framer is overflowed() for good.
  void feed(std::string_view bytes);
  /// @return the next complete line (without '\n' or a trailing '\r'), if any.
  std::optional<std::string> next();
  /// @return the unterminated rest at end of stream (a truncated last line), if non-empty.
  std::optional<std::string> takeRest();
  [[nodiscard]] bool overflowed() const { return overflowed_; }
  [[nodiscard]] size_t buffered() const { return buf_.size() - pos_; }
  /// The next @p n bytes are a raw payload (not a line, not subject to the line cap): next()
  /// returns nothing until takeBytes() has taken them.
  void expectBytes(size_t n) { raw_ = n; }
  /// @return the expected raw payload once all of it has arrived.
  std::optional<std::string> takeBytes();

private:
  size_t max_;
  std::string buf_;
  size_t pos_ = 0;
  size_t raw_ = 0;
  bool overflowed_ = false;
};

/// Maps command names to handlers. A handler gets the validated request's args and returns
/// data (success) or a ProtocolError. The daemon registers its commands; engines add theirs.
/// A deferred handler answers later: it gets a Reply it calls exactly once, from the loop that
/// dispatched, e.g. after work done elsewhere (a thread, a child process); the dispatcher's loop
/// keeps serving other requests meanwhile.
class CommandRegistry {
public:
  using Handler = std::function<Expected<Json, ProtocolError>(const Json& args)>;
  /// Takes a complete response line (okResponse/errorResponse, or preformatted text).
  using Reply = std::function<void(std::string responseLine)>;
  using DeferredHandler = std::function<void(const Json& args, Reply reply)>;

  void add(std::string name, Handler handler);
  void addDeferred(std::string name, DeferredHandler handler);
  [[nodiscard]] bool has(const std::string& name) const {
    return handlers_.count(name) > 0 || deferred_.count(name) > 0;
  }
  [[nodiscard]] std::vector<std::string> names() const;
  /// Parses @p line and runs the matching handler; @p reply gets the response line, at once for
  /// plain handlers and invalid requests, later for deferred ones.
  void dispatch(std::string_view line, Reply reply) const;
  /// Synchronous form for plain handlers (a deferred command answers "failed" here).
  [[nodiscard]] std::string dispatch(std::string_view line) const;

private:
  std::map<std::string, Handler, std::less<>> handlers_;
  std::map<std::string, DeferredHandler, std::less<>> deferred_;
};

/// {"v":1,"ok":true,"data":<dataJson>} around data already serialised (no re-parse).
std::string okResponseRaw(std::string_view dataJson);

}  // namespace lvsd::ctl
