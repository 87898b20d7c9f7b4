// Fuzzes HTTP response handling end to end: Beast's parser with the probe's header/body limits,
// then the pure evaluateHttp() with real MD5/SHA-256 and PCRE2. The first byte picks the
// expectation so digests, regex and body caps are all reached.
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "check/io/body_tools.h"

namespace http = boost::beast::http;
using namespace lvsd::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  static const auto regex = Pcre2Matcher::compile("^(a|b)*c[0-9]{2,}").value().release();
  static const OpenSslDigester digester;
  HttpExpect e;
  e.maxBody = 64 + (data[0] & 0x3FU) * 16;
  e.digestAlgo = (data[0] & 0x40U) ? DigestAlgo::Md5 : DigestAlgo::Sha256;
  e.digestHex = "d41d8cd98f00b204e9800998ecf8427e";
  e.wantRegex = (data[0] & 0x80U) != 0;
  http::response_parser<http::string_body> p;
  p.header_limit(16 * 1024);
  p.body_limit(e.maxBody);
  p.eager(true);
  boost::system::error_code ec;
  p.put(boost::asio::buffer(data + 1, size - 1), ec);
  if (!ec && !p.is_done()) {
    p.put_eof(ec);
  }
  HttpResponseView v;
  if (ec == http::error::body_limit && p.is_header_done()) {
    v.status = p.get().result_int();
    v.bodyTruncated = true;
  } else if (ec || !p.is_done()) {
    return 0;
  } else {
    v.status = p.get().result_int();
    v.body = p.get().body();
  }
  const Outcome o = evaluateHttp(e, v, digester, regex);
  if (v.body.size() > e.maxBody && o.verdict == Verdict::Up) {
    std::abort();
  }
  return 0;
}
