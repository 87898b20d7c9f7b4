// Test driver: runs one probe spec N times on an Asio loop and prints one JSON line per result,
// then a summary with descriptor count and RSS (for the leak/boundedness tests).
//   check_probe_driver --kind http --addr 127.0.0.1 --port 8080 --status 200 --count 3

#include <dirent.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "check/io/probe.h"

using namespace lvsd;
using namespace lvsd::check;

namespace {

long openFds() {
  long n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) {
      ++n;
    }
    closedir(d);
  }
  return n - 3;  // ".", ".." and the DIR's own descriptor
}

long rssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::Up:
      return "up";
    case Verdict::Down:
      return "down";
    case Verdict::NoChange:
      return "nochange";
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lvsd probe driver"};
  std::string kind, addr = "127.0.0.1", send, expect, method = "GET", path = "/", host, status,
                    digest, regex, sni, ca, cert, key, payload, dnsName, dnsType = "A",
                    dnsRcode = "NOERROR", dnsAnswer, user, file;
  std::vector<std::string> headers, script;
  uint16_t port = 0;
  bool verify = false, dynamic = false, udpStrict = false;
  size_t maxBody = 1 << 20;
  int timeoutMs = 1000, count = 1, gapMs = 0;
  app.add_option("--kind", kind)->required();
  app.add_option("--addr", addr);
  app.add_option("--port", port);
  app.add_option("--send", send);
  app.add_option("--expect", expect);
  app.add_option("--method", method);
  app.add_option("--path", path);
  app.add_option("--host", host);
  app.add_option("--header", headers);
  app.add_option("--status", status);
  app.add_option("--digest", digest, "md5:HEX or sha256:HEX");
  app.add_option("--regex", regex);
  app.add_option("--max-body", maxBody);
  app.add_option("--sni", sni);
  app.add_flag("--verify", verify);
  app.add_option("--ca", ca);
  app.add_option("--cert", cert);
  app.add_option("--key", key);
  app.add_option("--payload", payload);
  app.add_flag("--udp-strict", udpStrict, "silence is down");
  app.add_option("--dns-name", dnsName);
  app.add_option("--dns-type", dnsType);
  app.add_option("--dns-rcode", dnsRcode);
  app.add_option("--dns-answer", dnsAnswer);
  app.add_option("script", script, "script argv (after --)");
  app.add_option("--user", user);
  app.add_flag("--dynamic", dynamic);
  app.add_option("--file", file);
  std::string bind;
  bool keepAlive = false;
  app.add_flag("--keepalive", keepAlive, "http: reuse one connection (HttpSpec::keepAlive)");
  app.add_option("--bind", bind, "source address (bind_address) of tcp/agent/http/udp/dns/icmp");
  app.add_option("--timeout-ms", timeoutMs);
  app.add_option("--count", count);
  app.add_option("--gap-ms", gapMs);
  CLI11_PARSE(app, argc, argv);

  const auto ip = IpAddress::parse(addr);
  if (!ip) {
    std::cerr << "bad --addr\n";
    return 2;
  }
  std::optional<IpAddress> source;
  if (!bind.empty() && !(source = IpAddress::parse(bind))) {
    std::cerr << "bad --bind\n";
    return 2;
  }
  ProbeSpec spec;
  if (kind == "tcp") {
    spec = TcpSpec{*ip, port, send, expect, source};
  } else if (kind == "agent") {
    spec = AgentSpec{*ip, port, send, source};
  } else if (kind == "http" || kind == "https") {
    HttpSpec h;
    h.address = *ip;
    h.port = port;
    h.tls = kind == "https";
    h.method = method;
    h.path = path;
    h.host = host;
    for (const auto& hd : headers) {
      const auto colon = hd.find(':');
      h.headers.emplace_back(hd.substr(0, colon),
                             colon == std::string::npos ? "" : hd.substr(colon + 1));
    }
    if (!status.empty() && !parseStatusRanges(status, h.expect.statuses)) {
      std::cerr << "bad --status\n";
      return 2;
    }
    if (!digest.empty()) {
      const auto colon = digest.find(':');
      h.expect.digestAlgo =
          digest.substr(0, colon) == "sha256" ? DigestAlgo::Sha256 : DigestAlgo::Md5;
      h.expect.digestHex = digest.substr(colon + 1);
    }
    h.expect.maxBody = maxBody;
    h.regex = regex;
    h.sni = sni;
    h.verify = verify;
    h.caFile = ca;
    h.certFile = cert;
    h.keyFile = key;
    h.source = source;
    h.keepAlive = keepAlive;
    spec = h;
  } else if (kind == "udp") {
    spec = UdpSpec{*ip, port, payload, expect, !udpStrict, false, source};
  } else if (kind == "dns") {
    DnsSpec d{*ip, port == 0 ? uint16_t{53} : port, {}, source};
    d.expect.name = dnsName;
    d.expect.type = dnsTypeFromName(dnsType).value_or(kDnsA);
    d.expect.rcode = dnsRcodeFromName(dnsRcode).value_or(0);
    d.expect.answer = dnsAnswer;
    spec = d;
  } else if (kind == "icmp") {
    spec = IcmpSpec{*ip, 56, source};
  } else if (kind == "script") {
    spec = ScriptSpec{script, user, dynamic};
  } else if (kind == "file") {
    spec = FileSpec{file};
  } else {
    std::cerr << "unknown --kind\n";
    return 2;
  }

  boost::asio::io_context io;
  auto prober = makeProber(io, spec, std::chrono::milliseconds(timeoutMs));
  if (!prober) {
    std::cout << nlohmann::json{{"error", prober.error().message}}.dump() << std::endl;
    return 3;
  }
  int done = 0, ups = 0, downs = 0, nochange = 0, timeouts = 0;
  double maxLatencyMs = 0;
  long fdsStart = -1, rssStart = -1;
  boost::asio::steady_timer gap(io);
  std::function<void()> next;
  next = [&] {
    (void)prober.value()->run([&](Outcome o) {
      nlohmann::json j{{"i", done},
                       {"verdict", verdictName(o.verdict)},
                       {"latency_ms", std::chrono::duration<double, std::milli>(o.latency).count()},
                       {"reason", o.reason}};
      if (o.weight) {
        j["weight"] = *o.weight;
      }
      if (o.weightPercent) {
        j["percent"] = *o.weightPercent;
      }
      if (o.maxconn) {
        j["maxconn"] = *o.maxconn;
      }
      if (o.admin) {
        j["admin"] = *o.admin == Admin::Drain   ? "drain"
                     : *o.admin == Admin::Maint ? "maint"
                                                : "ready";
      }
      maxLatencyMs =
          std::max(maxLatencyMs, std::chrono::duration<double, std::milli>(o.latency).count());
      timeouts += o.reason.find("timeout") != std::string::npos;
      ups += o.verdict == Verdict::Up;
      downs += o.verdict == Verdict::Down;
      nochange += o.verdict == Verdict::NoChange;
      if (count <= 20 || done < 3 || done == count - 1) {
        std::cout << j.dump() << "\n";
      }
      if (++done == 1) {
        fdsStart = openFds();
        rssStart = rssKb();
      }
      if (done < count) {
        gap.expires_after(std::chrono::milliseconds(gapMs));
        gap.async_wait([&](const boost::system::error_code&) { next(); });
      }
    });
  };
  next();
  io.run();
  std::cout << nlohmann::json{{"summary", true},
                              {"runs", done},
                              {"up", ups},
                              {"down", downs},
                              {"nochange", nochange},
                              {"timeouts", timeouts},
                              {"max_latency_ms", maxLatencyMs},
                              {"fds_start", fdsStart},
                              {"fds_end", openFds()},
                              {"rss_start_kb", rssStart},
                              {"rss_end_kb", rssKb()}}
                   .dump()
            << std::endl;
  return 0;
}
