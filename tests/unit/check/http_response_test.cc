// The probe's HTTP response reader: framing by length, chunks or close, body cap, interim
// responses, malformed and oversized input, and the same results for any split of the bytes.
#include "check/core/http_response.h"

#include <gtest/gtest.h>

namespace lvsd::check {
namespace {

using State = HttpResponseReader::State;

HttpResponseReader::Limits limits(size_t cap = 1 << 20, bool keep = true, bool head = false) {
  HttpResponseReader::Limits l;
  l.bodyCap = cap;
  l.keepBody = keep;
  l.headRequest = head;
  return l;
}

/// Feeds @p wire in pieces of @p step bytes (0: all at once), then EOF when @p eof.
HttpResponseReader read(std::string_view wire, HttpResponseReader::Limits l, size_t step = 0,
                        bool eof = true) {
  HttpResponseReader r(l);
  if (step == 0) {
    r.feed(wire);
  } else {
    for (size_t i = 0; i < wire.size(); i += step) {
      r.feed(wire.substr(i, step));
    }
  }
  if (eof) {
    r.feedEof();
  }
  return r;
}

TEST(HttpResponseReader, ContentLengthBodyAnySplit) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
  for (size_t step : {0, 1, 2, 3, 7, 64}) {
    auto r = read(wire, limits(), step, false);  // complete without EOF
    ASSERT_EQ(r.state(), State::Done) << step << r.error();
    EXPECT_EQ(r.status(), 200U);
    EXPECT_EQ(r.body(), "ok\n");
    EXPECT_TRUE(r.connectionClose());
    EXPECT_FALSE(r.bodyTruncated());
  }
}

TEST(HttpResponseReader, ChunkedBodyWithExtensionsAndTrailers) {
  const std::string wire =
      "HTTP/1.1 503 Busy\r\ntransfer-encoding: gzip, Chunked\r\n\r\n"
      "4;ext=1\r\nWiki\r\nA \r\npedia in\r\n\r\n0\r\nX-Trailer: t\r\n\r\nGARBAGE AFTER";
  for (size_t step : {0, 1, 5}) {
    auto r = read(wire, limits(), step, false);
    ASSERT_EQ(r.state(), State::Done) << step << r.error();
    EXPECT_EQ(r.status(), 503U);
    EXPECT_EQ(r.body(), "Wikipedia in\r\n");
  }
  EXPECT_EQ(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", limits()).error(),
            "http: bad chunk size");
  EXPECT_EQ(
      read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n", limits()).error(),
      "http: bad chunk");
  EXPECT_EQ(
      read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", limits())
          .error(),
      "http: bad chunk size");
}

TEST(HttpResponseReader, CloseDelimitedAndTransferEncodingWithoutChunked) {
  auto r = read("HTTP/1.0 200 OK\r\n\r\nhello", limits());
  ASSERT_EQ(r.state(), State::Done);
  EXPECT_EQ(r.body(), "hello");
  EXPECT_TRUE(r.connectionClose());  // HTTP/1.0 without keep-alive
  // A non-final chunked: read until close, Content-Length ignored.
  r = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 2\r\n\r\nabc",
           limits());
  ASSERT_EQ(r.state(), State::Done);
  EXPECT_EQ(r.body(), "abc");
  // Before EOF it is not done.
  r = read("HTTP/1.1 200 OK\r\n\r\nabc", limits(), 0, false);
  EXPECT_EQ(r.state(), State::NeedMore);
}

TEST(HttpResponseReader, BodyCapStopsTheRead) {
  auto r = read("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", limits(10), 0, false);
  EXPECT_EQ(r.state(), State::Done);  // the announced length alone exceeds the cap
  EXPECT_TRUE(r.bodyTruncated());
  r = read("HTTP/1.1 200 OK\r\n\r\n0123456789A", limits(10), 3, false);
  EXPECT_EQ(r.state(), State::Done);
  EXPECT_TRUE(r.bodyTruncated());
  EXPECT_EQ(r.body(), "0123456789");  // the first bodyCap bytes, however the reads split
  r = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n6789AB\r\n",
           limits(10), 0, false);
  EXPECT_TRUE(r.bodyTruncated());
  // Exactly the cap is fine; not keeping the body still counts it.
  r = read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", limits(10, false));
  EXPECT_EQ(r.state(), State::Done);
  EXPECT_FALSE(r.bodyTruncated());
  EXPECT_EQ(r.body(), "");
  EXPECT_EQ(r.bodySize(), 10U);
}

TEST(HttpResponseReader, NoBodyResponsesAndInterimResponses) {
  auto r =
      read("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", limits(1 << 20, true, true), 0, false);
  EXPECT_EQ(r.state(), State::Done);  // HEAD
  r = read("HTTP/1.1 204 No Content\r\n\r\n", limits(), 0, false);
  EXPECT_EQ(r.state(), State::Done);
  EXPECT_EQ(r.status(), 204U);
  r = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", limits(),
           4, false);
  EXPECT_EQ(r.state(), State::Done);
  EXPECT_EQ(r.status(), 302U);
}

TEST(HttpResponseReader, MalformedInputFails) {
  for (const char* bad : {
           "garbage\r\n\r\n",
           "HTTP/1.1 20 OK\r\n\r\n",
           "HTTP/2.0 200 OK\r\n\r\n",
           "HTTP/1.1 200OK\r\n\r\n",
           "HTTP/1.1 200 O\x01K\r\n\r\n",
           "HTTP/1.1 200 OK\r\nNo colon\r\n\r\n",
           "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
           "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n 4\r\n\r\n",
       }) {
    auto r = read(bad, limits());
    EXPECT_EQ(r.state(), State::Failed) << bad;
    EXPECT_EQ(r.error().rfind("http: ", 0), 0U) << r.error();
  }
  // Same repeated length is fine; other folded fields are skipped.
  auto r = read("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nX: a\r\n b\r\n\r\nok", limits());
  EXPECT_EQ(r.state(), State::Done) << r.error();
}

TEST(HttpResponseReader, TruncatedStreams) {
  EXPECT_EQ(read("", limits()).error(), "http: end of stream");
  EXPECT_EQ(read("HTTP/1.1 200 OK\r\nContent-Le", limits()).error(), "http: partial message");
  EXPECT_EQ(read("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", limits()).error(),
            "http: partial message");
  EXPECT_EQ(read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", limits()).error(),
            "http: partial message");
}

TEST(HttpResponseReader, OversizedHeadFails) {
  HttpResponseReader::Limits l = limits();
  l.headerLimit = 64;
  const std::string big = "HTTP/1.1 200 OK\r\nX: " + std::string(100, 'a') + "\r\n\r\n";
  for (size_t step : {0, 1, 10}) {
    auto r = read(big, l, step, false);
    EXPECT_EQ(r.state(), State::Failed) << step;
    EXPECT_EQ(r.error(), "http: header too large");
  }
  // An endless head without a blank line fails at the limit, not at EOF.
  HttpResponseReader r(l);
  for (int i = 0; i < 100 && r.state() == State::NeedMore; ++i) {
    r.feed("X-Header: abc\r\n");
  }
  EXPECT_EQ(r.state(), State::Failed);
  // Chunk lines and trailers are bounded too.
  r = HttpResponseReader(l);
  r.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  for (int i = 0; i < 100 && r.state() == State::NeedMore; ++i) {
    r.feed("1;ext=aaaaaaaa");
  }
  EXPECT_EQ(r.state(), State::Failed);
  EXPECT_EQ(r.error(), "http: line too long");
  // The same overlong chunk line in one read fails the same way (found by the fuzzer).
  const std::string longLine =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(100, 'x') + "\r\n";
  for (size_t step : {0, 1, 50}) {
    EXPECT_EQ(read(longLine, l, step, false).error(), "http: line too long") << step;
  }
}

}  // namespace
}  // namespace lvsd::check
