#include "check/core/http_expect.h"

namespace lvsd::check {

namespace {
bool parseU16(std::string_view s, uint16_t& out) {
  if (s.empty() || s.size() > 3) {
    return false;
  }
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  out = static_cast<uint16_t>(v);
  return v >= 100 && v <= 999;
}

bool hexEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    auto fold = [](char c) {
      return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (fold(a[i]) != fold(b[i])) {
      return false;
    }
  }
  return true;
}
}  // namespace

bool parseStatusRanges(std::string_view text, std::vector<StatusRange>& out) {
  std::vector<StatusRange> ranges;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) {
      comma = text.size();
    }
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    StatusRange r;
    const size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      if (!parseU16(item, r.lo)) {
        return false;
      }
      r.hi = r.lo;
    } else if (!parseU16(item.substr(0, dash), r.lo) || !parseU16(item.substr(dash + 1), r.hi) ||
               r.hi < r.lo) {
      return false;
    }
    ranges.push_back(r);
    start = comma + 1;
  }
  out = std::move(ranges);
  return true;
}

Outcome evaluateHttp(const HttpExpect& expect, const HttpResponseView& resp,
                     const Digester& digester, const BodyMatcher* matcher) {
  bool statusOk = false;
  for (const auto& r : expect.statuses) {
    statusOk = statusOk || (resp.status >= r.lo && resp.status <= r.hi);
  }
  const std::string code = std::to_string(resp.status);
  if (!statusOk) {
    return Outcome::down("http: status " + code);
  }
  if (resp.bodyTruncated || resp.body.size() > expect.maxBody) {
    return Outcome::down("http: body exceeds " + std::to_string(expect.maxBody) + " bytes");
  }
  if (expect.digestAlgo != DigestAlgo::None) {
    const std::string got = digester.hex(expect.digestAlgo, resp.body);
    if (!hexEqual(got, expect.digestHex)) {
      return Outcome::down("http: digest " + got + " != " + expect.digestHex);
    }
  }
  if (expect.wantRegex && (matcher == nullptr || !matcher->matches(resp.body))) {
    return Outcome::down("http: body does not match regex");
  }
  return Outcome::up("http: status " + code);
}

}  // namespace lvsd::check
