#include "ctl/protocol.h"

#include <algorithm>

namespace lvsd::ctl {
namespace {

Unexpected<ProtocolError> err(std::string_view c, std::string message) {
  return Unexpected(ProtocolError{std::string(c), std::move(message)});
}

/// Nesting depth of brackets outside strings; stops counting at @p limit + 1.
int nestingDepth(std::string_view text, int limit) {
  int depth = 0;
  int maxDepth = 0;
  bool inString = false;
  bool escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      maxDepth = std::max(maxDepth, ++depth);
      if (maxDepth > limit) {
        return maxDepth;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return maxDepth;
}

/// Parses JSON without exceptions; nullopt when invalid or too deep.
std::optional<Json> parseJson(std::string_view text) {
  if (nestingDepth(text, kMaxRequestDepth) > kMaxRequestDepth) {
    return std::nullopt;
  }
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return std::nullopt;
  }
  return j;
}

}  // namespace

std::string dumpJson(const Json& j, int indent) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Expected<Request, ProtocolError> parseRequest(std::string_view line) {
  auto parsed = parseJson(line);
  if (!parsed) {
    return err(code::kParseError, "request is not valid JSON (or nested deeper than " +
                                      std::to_string(kMaxRequestDepth) + ")");
  }
  const Json& j = *parsed;
  if (!j.is_object()) {
    return err(code::kBadRequest, "request must be a JSON object");
  }
  const auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer()) {
    return err(code::kBadRequest, "missing integer \"v\" (protocol version)");
  }
  if (v->get<int64_t>() != kProtocolVersion) {
    return err(code::kUnsupportedVersion, "protocol version " + dumpJson(*v) +
                                              " not supported; this daemon speaks v" +
                                              std::to_string(kProtocolVersion));
  }
  const auto cmd = j.find("cmd");
  if (cmd == j.end() || !cmd->is_string() || cmd->get_ref<const std::string&>().empty()) {
    return err(code::kBadRequest, "missing string \"cmd\"");
  }
  Request r;
  r.cmd = cmd->get<std::string>();
  const auto args = j.find("args");
  if (args != j.end()) {
    if (!args->is_object()) {
      return err(code::kBadRequest, "\"args\" must be an object");
    }
    r.args = *args;
  }
  return r;
}

std::string encodeRequest(std::string_view cmd, const Json& args) {
  Json j = {{"v", kProtocolVersion}, {"cmd", std::string(cmd)}};
  if (!args.empty()) {
    j["args"] = args;
  }
  return dumpJson(j) + "\n";
}

std::string okResponse(const Json& data) {
  return dumpJson(Json{{"v", kProtocolVersion}, {"ok", true}, {"data", data}}) + "\n";
}

std::string errorResponse(std::string_view c, std::string_view message) {
  return dumpJson(Json{{"v", kProtocolVersion},
                       {"ok", false},
                       {"error", {{"code", std::string(c)}, {"message", std::string(message)}}}}) +
         "\n";
}

Expected<Response, ProtocolError> parseResponse(std::string_view line) {
  auto parsed = parseJson(line);
  if (!parsed || !parsed->is_object()) {
    return err(code::kParseError, "daemon sent a response that is not a JSON object");
  }
  const Json& j = *parsed;
  const auto ok = j.find("ok");
  if (ok == j.end() || !ok->is_boolean()) {
    return err(code::kBadRequest, "response has no boolean \"ok\"");
  }
  Response r;
  r.ok = ok->get<bool>();
  if (r.ok) {
    const auto d = j.find("data");
    r.data = d == j.end() ? Json::object() : *d;
    return r;
  }
  const auto e = j.find("error");
  if (e == j.end() || !e->is_object()) {
    return err(code::kBadRequest, "error response has no \"error\" object");
  }
  const auto c = e->find("code");
  const auto m = e->find("message");
  r.error.code = (c != e->end() && c->is_string()) ? c->get<std::string>() : "unknown";
  r.error.message = (m != e->end() && m->is_string()) ? m->get<std::string>() : "";
  return r;
}

void LineFramer::feed(std::string_view bytes) {
  if (overflowed_) {
    return;
  }
  if (pos_ > 0 && pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  buf_.append(bytes);
  // Overflow when the pending (unterminated) part exceeds the cap; a raw payload is not a line.
  const size_t lineStart = pos_ + raw_;
  if (buf_.size() <= lineStart) {
    return;
  }
  const size_t nl = buf_.rfind('\n');
  const size_t pendingStart = (nl == std::string::npos || nl < lineStart) ? lineStart : nl + 1;
  if (buf_.size() - pendingStart > max_) {
    overflowed_ = true;
  }
}

std::optional<std::string> LineFramer::takeBytes() {
  if (overflowed_ || buf_.size() - pos_ < raw_) {
    return std::nullopt;
  }
  std::string out = buf_.substr(pos_, raw_);
  pos_ += raw_;
  raw_ = 0;
  return out;
}

std::optional<std::string> LineFramer::next() {
  if (overflowed_ || raw_ > 0) {
    return std::nullopt;
  }
  const size_t nl = buf_.find('\n', pos_);
  if (nl == std::string::npos) {
    if (pos_ > 0) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return std::nullopt;
  }
  std::string line = buf_.substr(pos_, nl - pos_);
  pos_ = nl + 1;
  if (line.size() > max_) {
    overflowed_ = true;
    return std::nullopt;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

std::optional<std::string> LineFramer::takeRest() {
  if (overflowed_ || pos_ >= buf_.size()) {
    return std::nullopt;
  }
  std::string rest = buf_.substr(pos_);
  buf_.clear();
  pos_ = 0;
  return rest;
}

void CommandRegistry::add(std::string name, Handler handler) {
  handlers_[std::move(name)] = std::move(handler);
}

void CommandRegistry::addDeferred(std::string name, DeferredHandler handler) {
  deferred_[std::move(name)] = std::move(handler);
}

std::vector<std::string> CommandRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, h] : handlers_) {
    out.push_back(name);
  }
  for (const auto& [name, h] : deferred_) {
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CommandRegistry::dispatch(std::string_view line, Reply reply) const {
  auto req = parseRequest(line);
  if (!req) {
    reply(errorResponse(req.error().code, req.error().message));
    return;
  }
  if (const auto d = deferred_.find(req->cmd); d != deferred_.end()) {
    d->second(req->args, std::move(reply));
    return;
  }
  const auto it = handlers_.find(req->cmd);
  if (it == handlers_.end()) {
    std::string known;
    for (const auto& name : names()) {
      known += (known.empty() ? "" : ", ") + name;
    }
    reply(errorResponse(code::kUnknownCommand,
                        "unknown command \"" + req->cmd + "\" (known: " + known + ")"));
    return;
  }
  auto result = it->second(req->args);
  if (!result) {
    reply(errorResponse(result.error().code, result.error().message));
    return;
  }
  reply(okResponse(*result));
}

std::string CommandRegistry::dispatch(std::string_view line) const {
  std::string out;
  bool answered = false;
  dispatch(line, [&](std::string r) {
    out = std::move(r);
    answered = true;
  });
  if (!answered) {
    // A deferred handler kept the reply for later: this caller cannot wait for it.
    return errorResponse(code::kFailed, "this command answers asynchronously");
  }
  return out;
}

std::string okResponseRaw(std::string_view dataJson) {
  std::string out;
  out.reserve(dataJson.size() + 32);
  out += R"({"v":)";
  out += std::to_string(kProtocolVersion);
  out += R"(,"ok":true,"data":)";
  out += dataJson;
  out += "}\n";
  return out;
}

}  // namespace lvsd::ctl
