// Config loader benchmark (not a test; docs/benchmarks-config.md).
//
// Generates N virtual services x R real servers (the shape of tests/kernel/ipvs/daemon_large.sh)
// with no check, one TCP check or one HTTP check per real server, then times
// config::loadString and config::loadFile over several iterations and prints min/median
// milliseconds of thread CPU time, split into libconfig's own parse, the tree conversion and the
// model build. The bare libconfig parse of the same text (C API, as lvsd uses it, and libconfig++)
// is timed too, as the floor.
//
// The reload case: IncrementalLoader::load after a one-weight edit (the first real server of the
// middle service, alternating 2 and 3) against loadFile of the same file.
//
// Usage: lvsd-config-bench [--services N[,N...]] [--reals R] [--iterations K]
//                          [--checks none,tcp,http] [--write FILE]
#include <libconfig.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <libconfig.h++>
#include <sstream>
#include <string>
#include <vector>

#include "config/incremental.h"
#include "config/loader.h"
#include "config/loader_phases.h"

namespace {

/// This thread's CPU time: the machine is shared, and wall time would also count the time the
/// benchmark was descheduled.
struct Clock {
  using duration = std::chrono::nanoseconds;
  static duration now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  }
};

std::string generate(int services, int reals, const std::string& check, int middleWeight = 2) {
  std::string out;
  out.reserve(static_cast<size_t>(services) * static_cast<size_t>(reals) * 120);
  out += "global = { log_target = \"stderr\"; };\nvirtual_servers = (\n";
  char buf[256];
  for (int s = 0; s < services; ++s) {
    std::snprintf(buf, sizeof(buf),
                  "{ address = \"10.%d.%d.%d\"; port = 80; scheduler = \"wrr\"; real_servers = (",
                  100 + s / 65536, (s / 256) % 256, s % 256);
    out += buf;
    for (int r = 1; r <= reals; ++r) {
      std::snprintf(buf, sizeof(buf), "%s\n  { address = \"172.16.%d.%d\"; weight = %d;",
                    r > 1 ? "," : "", r / 256, r % 256,
                    r == 1 && s == services / 2 ? middleWeight : 1);
      out += buf;
      if (check == "tcp") {
        out += " checks = ( { type = \"tcp\"; interval = 2; timeout = 1; } );";
      } else if (check == "http") {
        out +=
            " checks = ( { type = \"http\"; path = \"/health\"; status = ( \"200-299\" ); "
            "interval = 2; timeout = 1; rise = 2; fall = 3; } );";
      }
      out += " }";
    }
    out += s + 1 < services ? " ); },\n" : " ); }\n";
  }
  out += ");\n";
  return out;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stat {
  double min = 0;
  double median = 0;
};

Stat stat(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2]};
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    out.push_back(item);
  }
  return out;
}

bool runCase(int services, int reals, const std::string& check, int iterations) {
  const std::string text = generate(services, reals, check);
  const auto file = std::filesystem::temp_directory_path() /
                    ("lvsd-config-bench-" + std::to_string(getpid()) + ".conf");
  {
    std::ofstream f(file);
    f << text;
  }
  std::vector<double> bare;
  std::vector<double> bareC;
  std::vector<double> str;
  std::vector<double> parse;
  std::vector<double> convert;
  std::vector<double> build;
  std::vector<double> fromFile;
  bool ok = true;
  for (int i = 0; i < iterations; ++i) {
    {
      const auto t0 = Clock::now();
      libconfig::Config cfg;
      cfg.readString(text);
      bare.push_back(ms(Clock::now() - t0));
    }
    {
      const auto t0 = Clock::now();
      config_t cfg;
      config_init(&cfg);
      const bool parsed = config_read_string(&cfg, text.c_str()) == CONFIG_TRUE;
      config_destroy(&cfg);
      bareC.push_back(ms(Clock::now() - t0));
      ok = ok && parsed;
    }
    {
      lvsd::config::LoadPhases p;
      const auto t0 = Clock::now();
      auto r = lvsd::config::loadStringPhases(text, "bench.conf", "", p);
      str.push_back(ms(Clock::now() - t0));
      parse.push_back(ms(p.parse));
      convert.push_back(ms(p.convert));
      build.push_back(ms(p.build));
      if (!r.config) {
        std::fprintf(stderr, "invalid generated config: %s\n",
                     r.errors.empty() ? "?" : r.errors.front().toString().c_str());
        ok = false;
        break;
      }
    }
    {
      const auto t0 = Clock::now();
      auto r = lvsd::config::loadFile(file.string());
      fromFile.push_back(ms(Clock::now() - t0));
      ok = ok && r.config.has_value() && r.config->virtual_servers.size() == size_t(services);
    }
  }
  std::filesystem::remove(file);
  if (!ok) {
    return false;
  }
  auto show = [](const char* what, const std::vector<double>& v) {
    Stat s = stat(v);
    std::printf("  %-26s min %8.2f ms  median %8.2f ms\n", what, s.min, s.median);
  };
  std::printf("%d services x %d reals, checks=%s (%zu bytes, %d iterations)\n", services, reals,
              check.c_str(), text.size(), iterations);
  show("libconfig++ readString", bare);
  show("libconfig C read+destroy", bareC);
  show("loadString total", str);
  show("  libconfig parse", parse);
  show("  tree conversion", convert);
  show("  model build+validate", build);
  show("loadFile total", fromFile);
  return true;
}

/// IncrementalLoader::load after a one-weight edit vs loadFile, same file, same iterations.
bool runReload(int services, int reals, const std::string& check, int iterations) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("lvsd-config-reload-" + std::to_string(getpid()) + ".conf");
  auto put = [&](int weight) {
    std::ofstream f(file, std::ios::trunc);
    f << generate(services, reals, check, weight);
  };
  put(2);
  lvsd::config::IncrementalLoader loader;
  bool ok = loader.load(file.string()).config.has_value();
  std::vector<double> incremental;
  std::vector<double> same;
  std::vector<double> full;
  std::vector<double> first;
  for (int i = 0; ok && i < iterations; ++i) {
    put(3 + i % 2);
    {
      const auto t0 = Clock::now();
      auto r = loader.load(file.string());
      incremental.push_back(ms(Clock::now() - t0));
      const auto& st = loader.lastStats();
      ok = r.config.has_value() && !st.full && st.reparsed == 1 &&
           r.config->virtual_servers[size_t(services / 2)].real_servers[0].weight ==
               uint32_t(3 + i % 2);
    }
    {
      const auto t0 = Clock::now();
      auto r = loader.load(file.string());
      same.push_back(ms(Clock::now() - t0));
      ok = ok && r.config.has_value() && !loader.lastStats().full;
    }
    {
      const auto t0 = Clock::now();
      auto r = lvsd::config::loadFile(file.string());
      full.push_back(ms(Clock::now() - t0));
      ok = ok && r.config.has_value();
    }
    {
      loader.forget();
      const auto t0 = Clock::now();
      auto r = loader.load(file.string());
      first.push_back(ms(Clock::now() - t0));
      ok = ok && r.config.has_value() && loader.lastStats().full;
    }
  }
  std::filesystem::remove(file);
  if (!ok) {
    std::fprintf(stderr, "reload case failed (not incremental or wrong model)\n");
    return false;
  }
  const Stat a = stat(incremental);
  const Stat b = stat(full);
  std::printf("reload %d services x %d reals, checks=%s (%d iterations)\n", services, reals,
              check.c_str(), iterations);
  std::printf("  %-26s min %8.2f ms  median %8.2f ms\n", "loadFile", b.min, b.median);
  std::printf("  %-26s min %8.2f ms  median %8.2f ms  (%.1fx faster, median)\n",
              "incremental, one weight", a.min, a.median, b.median / a.median);
  const Stat c = stat(same);
  std::printf("  %-26s min %8.2f ms  median %8.2f ms\n", "incremental, same text", c.min, c.median);
  const Stat d = stat(first);
  std::printf("  %-26s min %8.2f ms  median %8.2f ms  (loadFile + caching)\n",
              "incremental, full load", d.min, d.median);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> services{1000, 10000};
  int reals = 10;
  int iterations = 7;
  std::vector<std::string> checks{"none", "tcp", "http"};
  std::string write;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const std::string v = argv[i + 1];
    if (a == "--services") {
      services.clear();
      for (const auto& s : split(v)) {
        services.push_back(std::atoi(s.c_str()));
      }
    } else if (a == "--reals") {
      reals = std::atoi(v.c_str());
    } else if (a == "--iterations") {
      iterations = std::max(1, std::atoi(v.c_str()));
    } else if (a == "--checks") {
      checks = split(v);
    } else if (a == "--write") {
      write = v;
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (!write.empty()) {  // only write the first case (for lvsd -t, callgrind, keepalived...)
    std::ofstream(write) << generate(services.front(), reals, checks.front());
    return 0;
  }
  for (int n : services) {
    for (const auto& c : checks) {
      const int k = n >= 10000 ? std::max(3, iterations / 2) : iterations;
      if (!runCase(n, reals, c, k) || !runReload(n, reals, c, k)) {
        return 1;
      }
    }
  }
  return 0;
}
