// The probe layer alone (CheckRunner + HTTP probes, no engine, pool or status report) against
// real HTTP servers: N checks every INTERVAL ms for SECONDS, then this process's CPU per check.
// Separates the checker core's cost from the rest of the checker child, and measures the
// HttpSpec::keepAlive experiment.
//   check_runner_bench FIRST_ADDR COUNT PORT SECONDS [keepalive]
// Addresses as bench/check/run.sh lays them out: 250 per /24 from FIRST_ADDR (10.88.0.1, ...,
// 10.88.0.250, 10.88.1.1, ...). Not a test: run by hand as root
// (bench/check/run.sh sets up the servers; docs/benchmarks-checks.md has the numbers).
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "check/io/check_runner.h"

using namespace lvsd;
using namespace lvsd::check;

namespace {
double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s FIRST_ADDR COUNT PORT SECONDS [keepalive]\n", argv[0]);
    return 2;
  }
  const auto first = IpAddress::parse(argv[1]);
  const auto count = std::strtoul(argv[2], nullptr, 10);
  const auto port = static_cast<uint16_t>(std::strtoul(argv[3], nullptr, 10));
  const auto seconds = std::strtol(argv[4], nullptr, 10);
  const bool keepAlive = argc > 5 && std::string(argv[5]) == "keepalive";
  if (!first || !first->isV4()) {
    std::fprintf(stderr, "FIRST_ADDR: an IPv4 address\n");
    return 2;
  }
  CheckRunner::raiseDescriptorLimit();
  boost::asio::io_context io;
  SplitMix64 rng(1);
  uint64_t up = 0;
  uint64_t down = 0;
  CheckRunner runner(io, rng, [&](CheckId, const Outcome& o, const ResultEffect&) {
    (o.verdict == Verdict::Up ? up : down) += 1;
  });
  CheckParams p;
  p.interval = std::chrono::seconds(1);
  p.timeout = std::chrono::seconds(2);
  for (unsigned long i = 0; i < count; ++i) {
    HttpSpec s;
    const auto k = static_cast<uint32_t>(i);
    s.address = IpAddress::v4(first->v4HostOrder() + k / 250 * 256 + k % 250);
    s.port = port;
    s.keepAlive = keepAlive;
    if (!runner.add(s, p)) {
      return 1;
    }
  }
  io.run_for(std::chrono::seconds(3));  // warm-up: the first round spreads over one interval
  const uint64_t r0 = up + down;
  const double c0 = cpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(seconds));
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpuSeconds() - c0;
  const auto results = static_cast<double>(up + down - r0);
  std::printf(
      "runner_bench: %s checks=%lu results=%.0f/s cpu=%.1f%% of one core = %.1f us/check, "
      "down=%llu\n",
      keepAlive ? "keepalive" : "close", count, results / dt, cpu / dt * 100,
      results > 0 ? cpu / results * 1e6 : 0.0, static_cast<unsigned long long>(down));
  return 0;
}
