// lvsctl: talks to lvsd over its control socket.
//   lvsctl [-s SOCKET] status [--json] | reload | check-config FILE | version | vrrp [--json]
//          | ipvs [--stats|--rate] [--exact] [--json] | checks [--json]
//          | weight VS RS N | drain VS RS | enable VS RS | disable VS RS
// Exit codes: 0 ok, 1 the daemon answered with an error (or the config is invalid), 2 usage,
// 3 cannot connect / no answer.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "ctl/checks_format.h"
#include "ctl/client.h"
#include "ctl/format.h"
#include "ctl/ipvs_format.h"
#include "ctl/protocol.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitDaemonError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitConnect = 3;

int run(const std::string& socket, int timeoutMs, const std::string& cmd,
        const lvsd::ctl::Json& args, bool json) {
  using namespace lvsd::ctl;
  auto line = roundTrip(socket, encodeRequest(cmd, args), std::chrono::milliseconds(timeoutMs));
  if (!line) {
    std::cerr << "lvsctl: " << line.error().message << "\n";
    return kExitConnect;
  }
  auto resp = parseResponse(*line);
  if (!resp) {
    std::cerr << "lvsctl: " << resp.error().message << "\n";
    return kExitConnect;
  }
  if (!resp->ok) {
    std::cerr << "lvsctl: daemon error: " << resp->error.message << " (" << resp->error.code
              << ")\n";
    return kExitDaemonError;
  }
  const Json& data = resp->data;
  if (json) {
    std::cout << dumpJson(data, 2) << "\n";
  } else if (cmd == "status") {
    std::cout << formatStatus(data);
  } else if (cmd == "reload") {
    std::cout << formatReload(data);
  } else if (cmd == "check-config") {
    std::cout << formatCheckConfig(data);
  } else if (cmd == "vrrp") {
    std::cout << formatVrrp(data);
  } else if (cmd == "ipvs") {
    std::cout << formatIpvs(data, args.value("mode", "list"), args.value("exact", false));
    for (const auto& p : ipvsProblems(data)) {
      std::cerr << "lvsctl: " << p << "\n";
    }
  } else if (cmd == "checks") {
    std::cout << formatChecks(data);
  } else if (cmd == "weight" || cmd == "drain" || cmd == "enable" || cmd == "disable") {
    std::cout << formatOperator(data);
  } else if (cmd == "version") {
    const auto field = [&](const char* key) -> std::string {
      if (!data.is_object() || !data.contains(key)) {
        return "?";
      }
      return data[key].is_string() ? data[key].get<std::string>() : dumpJson(data[key]);
    };
    std::cout << "lvsctl " << LVSD_VERSION << "\n"
              << "lvsd " << field("version") << " (protocol " << field("protocol") << ")\n";
  } else {
    std::cout << dumpJson(data, 2) << "\n";
  }
  // Commands whose data says the operation failed exit 1 too.
  const auto isFalse = [&](const char* key) {
    return data.is_object() && data.contains(key) && data[key].is_boolean() &&
           !data[key].get<bool>();
  };
  if ((cmd == "reload" && isFalse("ok")) || (cmd == "check-config" && isFalse("valid"))) {
    return kExitDaemonError;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lvsctl: control a running lvsd over its unix socket"};
  app.require_subcommand(1);
  std::string socket = "/run/lvsd/lvsd.sock";
  int timeoutMs = 5000;
  bool json = false;
  std::string file;
  app.add_option("-s,--socket", socket, "control socket path")->capture_default_str();
  app.add_option("--timeout-ms", timeoutMs, "give up after this many milliseconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 600000));
  app.add_flag("--json", json, "print the raw JSON data object");
  auto* status = app.add_subcommand("status", "daemon, config, children and counts");
  status->add_flag("--json", json, "print the raw JSON data object");
  auto* reload = app.add_subcommand("reload", "re-read the config file (like SIGHUP)");
  reload->add_flag("--json", json, "print the raw JSON data object");
  auto* check = app.add_subcommand("check-config", "let the daemon validate a config file");
  check->add_option("FILE", file, "config file")->required();
  check->add_flag("--json", json, "print the raw JSON data object");
  auto* version = app.add_subcommand("version", "client and daemon versions");
  version->add_flag("--json", json, "print the raw JSON data object");
  auto* vrrp = app.add_subcommand("vrrp", "VRRP instances: state, priorities, master, counters");
  vrrp->add_flag("--json", json, "print the raw JSON data object");
  auto* ipvs = app.add_subcommand("ipvs", "the kernel's IPVS table, as `ipvsadm -Ln` shows it");
  bool ipvsStats = false;
  bool ipvsRate = false;
  bool ipvsExact = false;
  auto* statsFlag = ipvs->add_flag("--stats", ipvsStats, "counters (ipvsadm -Ln --stats)");
  ipvs->add_flag("--rate", ipvsRate, "rates (ipvsadm -Ln --rate)")->excludes(statsFlag);
  ipvs->add_flag("--exact", ipvsExact, "exact numbers, no K/M/G");
  ipvs->add_flag("--json", json, "print the raw JSON data object");
  auto* checks = app.add_subcommand("checks", "health checks: state, weight and why, last results");
  checks->add_flag("--json", json, "print the raw JSON data object");
  std::string opVs;
  std::string opRs;
  unsigned opWeight = 0;
  std::vector<CLI::App*> operatorCmds;
  for (const char* name : {"weight", "drain", "enable", "disable"}) {
    const std::string n = name;
    auto* sub = app.add_subcommand(
        n, n == "weight"    ? "set a real server's weight at runtime (until enable or restart)"
           : n == "drain"   ? "weight 0, established connections continue"
           : n == "disable" ? "take a real server out (as if its checks failed)"
                            : "clear weight/drain/disable: checks decide again");
    sub->add_option("VS", opVs, "virtual server: config name or VIP:port[/proto]")->required();
    sub->add_option("RS", opRs, "real server: address:port")->required();
    if (n == "weight") {
      sub->add_option("N", opWeight, "weight 0..65535")->required()->check(CLI::Range(0, 65535));
    }
    sub->add_flag("--json", json, "print the raw JSON data object");
    operatorCmds.push_back(sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  lvsd::ctl::Json args = lvsd::ctl::Json::object();
  std::string cmd;
  if (status->parsed()) {
    cmd = "status";
    if (!json) {
      args["brief"] = true;  // the text needs no engine reports: answered without the checker
    }
  } else if (reload->parsed()) {
    cmd = "reload";
  } else if (vrrp->parsed()) {
    cmd = "vrrp";
  } else if (ipvs->parsed()) {
    cmd = "ipvs";
    args["mode"] = ipvsStats ? "stats" : ipvsRate ? "rate" : "list";
    args["exact"] = ipvsExact;
  } else if (checks->parsed()) {
    cmd = "checks";
  } else if (check->parsed()) {
    cmd = "check-config";
    std::error_code ec;
    const auto abs = std::filesystem::absolute(file, ec);
    args["path"] = ec ? file : abs.string();
  } else {
    cmd = "version";
  }
  for (auto* sub : operatorCmds) {
    if (sub->parsed()) {
      cmd = sub->get_name();
      args["vs"] = opVs;
      args["rs"] = opRs;
      if (cmd == "weight") {
        args["weight"] = opWeight;
      }
    }
  }
  return run(socket, timeoutMs, cmd, args, json);
}
