#include "ctl/format.h"

#include <gtest/gtest.h>

namespace lvsd::ctl {
namespace {

TEST(FormatDuration, Units) {
  EXPECT_EQ(formatDuration(0), "0s");
  EXPECT_EQ(formatDuration(59), "59s");
  EXPECT_EQ(formatDuration(61), "1m 01s");
  EXPECT_EQ(formatDuration(3723), "1h 02m 03s");
  EXPECT_EQ(formatDuration(-5), "0s");
}

TEST(FormatStatus, ShowsEverySection) {
  Json data = Json::parse(R"J({
    "daemon": {"version": "0.1.0", "pid": 42, "uptime_s": 65},
    "config": {"file": "/etc/lvsd/lvsd.conf", "generation": 3},
    "last_reload": {"ok": false, "time": "2026-01-01T00:00:00Z",
                    "errors": ["/etc/lvsd/lvsd.conf:7: global: syntax error"]},
    "children": [{"name": "vrrp", "pid": 43, "state": "running", "restarts": 1,
                  "last_exit": "killed by signal 9 (KILL)"},
                 {"name": "checker", "pid": null, "state": "backoff", "restarts": 0,
                  "last_exit": null}],
    "counts": {"vrrp_instances": 2, "virtual_servers": 5}})J");
  const std::string s = formatStatus(data);
  EXPECT_NE(s.find("lvsd 0.1.0, pid 42, up 1m 05s"), std::string::npos) << s;
  EXPECT_NE(s.find("config: /etc/lvsd/lvsd.conf (generation 3)"), std::string::npos) << s;
  EXPECT_NE(s.find("last reload: FAILED at 2026-01-01T00:00:00Z"), std::string::npos) << s;
  EXPECT_NE(s.find("  /etc/lvsd/lvsd.conf:7: global: syntax error"), std::string::npos) << s;
  EXPECT_NE(s.find("killed by signal 9 (KILL)"), std::string::npos) << s;
  EXPECT_NE(s.find("checker   -        backoff"), std::string::npos) << s;
  EXPECT_NE(s.find("vrrp instances: 2, virtual servers: 5"), std::string::npos) << s;
}

TEST(FormatStatus, ToleratesMissingAndMistypedFields) {
  for (const char* text : {"{}", "null", "[]", R"({"daemon":[],"children":{"x":1}})",
                           R"({"daemon":{"pid":"x","uptime_s":"y"},"last_reload":5})"}) {
    EXPECT_NO_THROW((void)formatStatus(Json::parse(text))) << text;
  }
  EXPECT_NE(formatStatus(Json::object()).find("last reload: none"), std::string::npos);
}

TEST(FormatReload, OkAndFailed) {
  EXPECT_EQ(formatReload(Json{{"ok", true}, {"file", "/f"}, {"generation", 4}}),
            "reloaded /f: generation 4\n");
  const std::string failed = formatReload(
      Json{{"ok", false}, {"generation", 3}, {"errors", Json::array({"/f:2: x: bad"})}});
  EXPECT_EQ(failed, "reload FAILED, still running generation 3:\n  /f:2: x: bad\n");
}

TEST(FormatCheckConfig, ValidAndInvalid) {
  EXPECT_EQ(formatCheckConfig(Json{{"valid", true}, {"file", "/f"}}), "/f: valid\n");
  EXPECT_EQ(formatCheckConfig(Json{{"valid", false}, {"errors", Json::array({"a:1: m", "b"})}}),
            "a:1: m\nb\n");
}

}  // namespace
}  // namespace lvsd::ctl
