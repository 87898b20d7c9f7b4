// Fuzzes HTTP response handling end to end: the probe's HttpResponseReader with a header limit
// and a body cap, then the pure evaluateHttp() with real MD5/SHA-256 and PCRE2. The first byte
// picks the expectation (cap, digest, regex, HEAD) and the split point; the same bytes fed in
// two pieces must give the same result as in one, and no kept body may exceed the cap.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "check/core/http_response.h"
#include "check/io/body_tools.h"

using namespace lvsd::check;

namespace {
HttpResponseReader run(std::string_view wire, HttpResponseReader::Limits l, size_t split) {
  HttpResponseReader r(l);
  r.feed(wire.substr(0, split));
  r.feed(wire.substr(split));
  r.feedEof();
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  static const auto regex = Pcre2Matcher::compile("^(a|b)*c[0-9]{2,}").value().release();
  static const OpenSslDigester digester;
  HttpExpect e;
  e.maxBody = 64 + (data[0] & 0x3FU) * 16;
  e.digestAlgo = (data[0] & 0x40U) ? DigestAlgo::Md5 : DigestAlgo::Sha256;
  e.digestHex = "d41d8cd98f00b204e9800998ecf8427e";
  e.wantRegex = (data[0] & 0x80U) != 0;
  HttpResponseReader::Limits l;
  l.headerLimit = 1024;
  l.bodyCap = e.maxBody;
  l.headRequest = (data[1] & 0x80U) != 0;
  const std::string_view wire(reinterpret_cast<const char*>(data + 2), size - 2);
  const HttpResponseReader whole = run(wire, l, wire.size());
  const HttpResponseReader split = run(wire, l, (data[1] & 0x7FU) % (wire.size() + 1));
  if (whole.state() != split.state() || whole.status() != split.status() ||
      whole.body() != split.body() || whole.bodyTruncated() != split.bodyTruncated() ||
      whole.error() != split.error()) {
    std::abort();
  }
  if (whole.body().size() > l.bodyCap || whole.state() == HttpResponseReader::State::NeedMore) {
    std::abort();
  }
  if (whole.state() != HttpResponseReader::State::Done) {
    return 0;
  }
  HttpResponseView v;
  v.status = whole.status();
  v.body = whole.body();
  v.bodyTruncated = whole.bodyTruncated();
  const Outcome o = evaluateHttp(e, v, digester, regex);
  if (v.bodyTruncated && o.verdict == Verdict::Up) {
    std::abort();
  }
  return 0;
}
