#include "check/core/http_response.h"

#include <algorithm>

namespace lvsd::check {

namespace {

constexpr std::string_view kCrlf = "\r\n";

bool isDigit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == y; });
}

bool isTokenChar(char c) {
  if (isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

/// A control character other than HTAB (not allowed in reason phrases and field values).
bool isBadCtl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7F;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

/// Calls @p f on each trimmed, non-empty item of a comma-separated list; stops when it returns
/// false. @return false when @p f did.
template <class F>
bool forEachItem(std::string_view list, F f) {
  while (!list.empty()) {
    const size_t comma = std::min(list.find(','), list.size());
    const std::string_view item = trim(list.substr(0, comma));
    list.remove_prefix(std::min(comma + 1, list.size()));
    if (!item.empty() && !f(item)) {
      return false;
    }
  }
  return true;
}

}  // namespace

HttpResponseReader::State HttpResponseReader::fail(std::string why) {
  error_ = std::move(why);
  state_ = State::Failed;
  phase_ = Phase::End;
  return state_;
}

HttpResponseReader::State HttpResponseReader::done() {
  state_ = State::Done;
  phase_ = Phase::End;
  return state_;
}

HttpResponseReader::State HttpResponseReader::feed(std::string_view data) {
  if (state_ != State::NeedMore) {
    return state_;
  }
  sawBytes_ = sawBytes_ || !data.empty();
  while (!data.empty() && state_ == State::NeedMore) {
    switch (phase_) {
      case Phase::Head: {
        if (head_.empty()) {  // the usual case: the whole head in this read, parsed in place
          const size_t end = data.find("\r\n\r\n");
          if (end != std::string_view::npos && end + 4 <= limits_.headerLimit) {
            const std::string_view head = data.substr(0, end + 4);
            data.remove_prefix(end + 4);
            if (!parseHead(head)) {
              return state_;
            }
            break;
          }
        }
        const size_t from = head_.size() >= 3 ? head_.size() - 3 : 0;
        const size_t before = head_.size();
        head_.append(
            data.substr(0, limits_.headerLimit + 4 - std::min(before, limits_.headerLimit)));
        const size_t end = head_.find("\r\n\r\n", from);
        if (end != std::string::npos && end + 4 > limits_.headerLimit) {
          return fail("http: header too large");
        }
        if (end == std::string::npos) {
          if (head_.size() > limits_.headerLimit) {
            return fail("http: header too large");
          }
          data = {};
          break;
        }
        data.remove_prefix(end + 4 - before);
        const std::string head = std::move(head_);
        head_.clear();
        if (!parseHead(std::string_view(head).substr(0, end + 4))) {
          return state_;
        }
        break;
      }
      case Phase::Length: {
        const auto n = static_cast<size_t>(std::min<uint64_t>(length_, data.size()));
        if (!takeBody(data, n)) {
          return state_;
        }
        length_ -= n;
        if (length_ == 0) {
          return done();
        }
        break;
      }
      case Phase::ChunkSize: {
        std::string_view line;
        if (!takeLine(data, line)) {
          break;
        }
        uint64_t size = 0;
        size_t digits = 0;
        for (; digits < line.size(); ++digits) {
          const char c = lower(line[digits]);
          const int v = isDigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
          if (v < 0) {
            break;
          }
          if (size > (UINT64_MAX >> 4U)) {
            return fail("http: bad chunk size");
          }
          size = (size << 4U) | static_cast<uint64_t>(v);
        }
        const std::string_view rest = trim(line.substr(digits));
        if (digits == 0 || (!rest.empty() && rest.front() != ';')) {
          return fail("http: bad chunk size");
        }
        length_ = size;
        phase_ = size == 0 ? Phase::Trailers : Phase::ChunkData;
        break;
      }
      case Phase::ChunkData: {
        const auto n = static_cast<size_t>(std::min<uint64_t>(length_, data.size()));
        if (!takeBody(data, n)) {
          return state_;
        }
        length_ -= n;
        if (length_ == 0) {
          phase_ = Phase::ChunkEnd;
        }
        break;
      }
      case Phase::ChunkEnd: {
        std::string_view line;
        if (!takeLine(data, line)) {
          break;
        }
        if (!line.empty()) {
          return fail("http: bad chunk");
        }
        phase_ = Phase::ChunkSize;
        break;
      }
      case Phase::Trailers: {
        std::string_view line;
        if (!takeLine(data, line)) {
          break;
        }
        trailerBytes_ += line.size() + 2;
        if (trailerBytes_ > limits_.headerLimit) {
          return fail("http: header too large");
        }
        if (line.empty()) {
          return done();
        }
        break;
      }
      case Phase::UntilClose:
        if (!takeBody(data, data.size())) {
          return state_;
        }
        break;
      case Phase::End:
        data = {};
        break;
    }
  }
  return state_;
}

HttpResponseReader::State HttpResponseReader::feedEof() {
  if (state_ != State::NeedMore) {
    return state_;
  }
  if (phase_ == Phase::UntilClose) {
    return done();
  }
  return fail(sawBytes_ ? "http: partial message" : "http: end of stream");
}

bool HttpResponseReader::takeBody(std::string_view& data, size_t n) {
  const uint64_t before = bodySize_;  // at most the cap: reading stops once it is passed
  bodySize_ += n;
  if (bodySize_ > limits_.bodyCap) {
    if (limits_.keepBody) {  // keep exactly the first bodyCap bytes, however the reads split
      body_.append(data.substr(0, static_cast<size_t>(limits_.bodyCap - before)));
    }
    truncated_ = true;
    done();
    return false;
  }
  if (limits_.keepBody) {
    body_.append(data.substr(0, n));
  }
  data.remove_prefix(n);
  return true;
}

bool HttpResponseReader::takeLine(std::string_view& data, std::string_view& line) {
  if (head_.empty()) {
    const size_t eol = data.find(kCrlf);
    if (eol != std::string_view::npos && eol > limits_.headerLimit) {
      fail("http: line too long");  // as when the same line arrives split (below)
      return false;
    }
    if (eol != std::string_view::npos) {
      line = data.substr(0, eol);
      data.remove_prefix(eol + 2);
      return true;
    }
  }
  // A line split across reads: collect it in head_ (bounded by the header limit).
  const size_t before = head_.size();
  const size_t from = before > 0 ? before - 1 : 0;
  head_.append(data.substr(0, limits_.headerLimit + 2 - std::min(before, limits_.headerLimit)));
  const size_t eol = head_.find(kCrlf, from);
  if (eol == std::string::npos) {
    if (head_.size() > limits_.headerLimit) {
      fail("http: line too long");
    }
    data = {};
    return false;
  }
  data.remove_prefix(eol + 2 - before);
  line_.assign(head_, 0, eol);
  head_.clear();
  line = line_;
  return true;
}

bool HttpResponseReader::parseHead(std::string_view head) {
  size_t eol = head.find(kCrlf);
  const std::string_view sl = head.substr(0, eol);
  // "HTTP/1.x SSS[ reason]"
  if (sl.size() < 12 || sl.substr(0, 5) != "HTTP/" || sl[5] != '1' || sl[6] != '.' ||
      !isDigit(sl[7]) || sl[8] != ' ' || !isDigit(sl[9]) || !isDigit(sl[10]) || !isDigit(sl[11]) ||
      (sl.size() > 12 && sl[12] != ' ') || std::any_of(sl.begin() + 12, sl.end(), isBadCtl)) {
    fail("http: bad status line");
    return false;
  }
  minor_ = static_cast<unsigned>(sl[7] - '0');
  status_ = static_cast<unsigned>((sl[9] - '0') * 100 + (sl[10] - '0') * 10 + (sl[11] - '0'));
  if (status_ < 100) {
    fail("http: bad status line");
    return false;
  }
  std::string_view rest = head.substr(eol + 2);
  bool lastFraming = false;  // the previous field frames the body (no folding allowed there)
  while (true) {
    eol = rest.find(kCrlf);
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    if (line.empty()) {
      break;
    }
    if (line.front() == ' ' || line.front() == '\t') {  // obs-fold: continues the previous field
      if (lastFraming) {
        fail("http: folded framing header");
        return false;
      }
      continue;
    }
    const size_t colon = line.find(':');
    const std::string_view name = line.substr(0, std::min(colon, line.size()));
    if (colon == std::string_view::npos || name.empty() ||
        !std::all_of(name.begin(), name.end(), isTokenChar)) {
      fail("http: bad header");
      return false;
    }
    const std::string_view value = trim(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), isBadCtl)) {
      fail("http: bad header value");
      return false;
    }
    lastFraming = false;
    if (!onHeader(name, value, lastFraming)) {
      return false;
    }
  }
  if (status_ < 200 && status_ != 101) {  // interim response: the real one follows
    status_ = 0;
    encoded_ = chunked_ = hasLength_ = close_ = keepAlive_ = false;
    length_ = 0;
    return true;
  }
  close_ = close_ || (minor_ == 0 && !keepAlive_);
  if (limits_.headRequest || status_ < 200 || status_ == 204 || status_ == 304) {
    done();
  } else if (encoded_) {
    phase_ = chunked_ ? Phase::ChunkSize : Phase::UntilClose;
  } else if (hasLength_) {
    if (length_ > limits_.bodyCap) {
      truncated_ = true;
      done();
    } else if (length_ == 0) {
      done();
    } else {
      phase_ = Phase::Length;
    }
  } else {
    phase_ = Phase::UntilClose;
  }
  return true;
}

bool HttpResponseReader::onHeader(std::string_view name, std::string_view value, bool& framing) {
  if (equalsNoCase(name, "content-length")) {
    framing = true;
    const bool ok = forEachItem(value, [&](std::string_view item) {
      if (item.size() > 18 || !std::all_of(item.begin(), item.end(), isDigit)) {
        return false;
      }
      uint64_t v = 0;
      for (char c : item) {
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
      if (hasLength_ && v != length_) {
        return false;
      }
      hasLength_ = true;
      length_ = v;
      return true;
    });
    if (!ok || !hasLength_) {
      fail("http: bad Content-Length");
      return false;
    }
  } else if (equalsNoCase(name, "transfer-encoding")) {
    framing = true;
    encoded_ = true;
    chunked_ = false;
    forEachItem(value, [&](std::string_view item) {
      chunked_ = equalsNoCase(item, "chunked");  // only a final "chunked" frames the body
      return true;
    });
  } else if (equalsNoCase(name, "connection")) {
    forEachItem(value, [&](std::string_view item) {
      close_ = close_ || equalsNoCase(item, "close");
      keepAlive_ = keepAlive_ || equalsNoCase(item, "keep-alive");
      return true;
    });
  }
  return true;
}

}  // namespace lvsd::check
