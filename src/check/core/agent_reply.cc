#include "check/core/agent_reply.h"

#include <string>

namespace lvsd::check {

namespace {
bool isSep(char c) { return c == ' ' || c == '\t' || c == ','; }

std::string lower(std::string_view w) {
  std::string s(w);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

/// Parses a decimal without sign; false on empty, non-digit or overflow past 1e6.
bool parseNumber(std::string_view s, uint32_t& out) {
  if (s.empty() || s.size() > 7) {
    return false;
  }
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  out = v;
  return true;
}
}  // namespace

Outcome parseAgentReply(std::string_view reply) {
  Outcome o;
  o.verdict = Verdict::NoChange;
  if (reply.size() > kAgentReplyMax) {
    reply = reply.substr(0, kAgentReplyMax);
  }
  const size_t eol = reply.find_first_of("\r\n");
  const std::string_view line = reply.substr(0, eol);
  if (line.find_first_not_of(" \t,") == std::string_view::npos) {
    return Outcome::down("agent: empty reply");
  }
  std::string unknown;
  std::string description;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && isSep(line[i])) {
      ++i;
    }
    if (i >= line.size()) {
      break;
    }
    if (line[i] == '#') {  // the rest of the line is a free-form description
      description = std::string(line.substr(i + 1));
      break;
    }
    size_t j = i;
    while (j < line.size() && !isSep(line[j]) && line[j] != '#') {
      ++j;
    }
    const std::string w = lower(line.substr(i, j - i));
    i = j;
    uint32_t n = 0;
    if (w == "up") {
      o.verdict = Verdict::Up;
    } else if (w == "down" || w == "fail" || w == "stopped") {
      o.verdict = Verdict::Down;
    } else if (w == "ready") {
      o.admin = Admin::Ready;
    } else if (w == "drain") {
      o.admin = Admin::Drain;
    } else if (w == "maint") {
      o.admin = Admin::Maint;
    } else if (w.size() > 1 && w.back() == '%' &&
               parseNumber(std::string_view(w).substr(0, w.size() - 1), n)) {
      o.weightPercent = n;
    } else if (w.starts_with("maxconn:") && parseNumber(std::string_view(w).substr(8), n)) {
      o.maxconn = n;
    } else {
      unknown += unknown.empty() ? w : " " + w;
    }
  }
  if (o.verdict == Verdict::NoChange && !o.admin && !o.weightPercent && !o.maxconn) {
    return Outcome::down("agent: unrecognised reply");  // not one word of the protocol
  }
  o.reason = "agent: " + std::string(line.substr(0, 120));
  if (!description.empty() && o.verdict == Verdict::Down) {
    o.reason = "agent: down: " + description.substr(0, 120);
  }
  if (!unknown.empty()) {
    o.reason += " (ignored: " + unknown.substr(0, 60) + ")";
  }
  return o;
}

}  // namespace lvsd::check
