// IncrementalLoader: the incremental path (one element re-parsed), every fallback to a full load,
// and the differential property load(path) == loadFile(path) over thousands of random edits.
#include "config/incremental.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "config/loader.h"
#include "config/scan.h"

/// libconfig 1.5 (Debian 12) leaks the buffer of a string left open by a syntax error
/// (strbuf_append) and the strings its lexer allocated before a syntax error (libconfig_yylex); the
/// random edits below make such errors. Those leaks are the library's, not lvsd's.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:strbuf_append\nleak:libconfig_yylex\n";
}

namespace lvsd::config {
namespace {

class TempDir {
public:
  TempDir() {
    // tmpfs when there is one: thousands of rewrites of one file should not wait for a disk
    std::string tmpl = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    tmpl += "/lvsd-incremental-XXXXXX";
    const char* d = mkdtemp(tmpl.data());
    dir_ = d != nullptr ? d : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string path(const std::string& name) const { return dir_ + "/" + name; }

private:
  std::string dir_;
};

void write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
}

std::string diagnostics(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.errors) {
    s += d.toString() + "\n";
  }
  return s;
}

/// Empty when @p got equals @p want (model, diagnostics text/order/count, unreadable).
std::string difference(const LoadResult& got, const LoadResult& want) {
  if (got.unreadable != want.unreadable) {
    return "unreadable differs";
  }
  if (got.config.has_value() != want.config.has_value()) {
    return "one has a model, the other not: got\n" + diagnostics(got) + "want\n" +
           diagnostics(want);
  }
  if (got.config && !(*got.config == *want.config)) {
    return "models differ";
  }
  if (diagnostics(got) != diagnostics(want)) {
    return "diagnostics differ: got\n" + diagnostics(got) + "want\n" + diagnostics(want);
  }
  return "";
}

/// Loads @p path with @p loader and with loadFile(); fails the test when they differ.
const IncrementalLoader::Stats& loadBoth(IncrementalLoader& loader, const std::string& path) {
  const LoadResult got = loader.load(path);
  const LoadResult want = loadFile(path);
  const std::string d = difference(got, want);
  EXPECT_EQ(d, "");
  return loader.lastStats();
}

/// A config with the features that carry state between elements: check scripts referenced by
/// script checks (one without a user), named and unnamed services, VRRP instances in a sync
/// group, and comments and strings that hold braces, quotes and comment markers.
std::string generate(int services, int reals) {
  std::string out =
      "# lvsd test config { ( \" \n"
      "global = { router_id = \"r1\"; };\n"
      "check_scripts = (\n"
      "  { name = \"s1\"; path = \"/bin/true\"; args = ( \"-x\" ); user = \"nobody\"; },\n"
      "  { name = \"s2\"; path = \"/bin/false\"; }\n"
      ");\n"
      "vrrp_instances = (\n";
  for (int i = 0; i < 3; ++i) {
    out += "  { name = \"VI_" + std::to_string(i) +
           "\"; interface = \"eth0\"; vrid = " + std::to_string(10 + i) +
           "; priority = 100; virtual_ipaddresses = ( \"192.168.1." + std::to_string(i + 1) +
           "/24\" ); }" + (i < 2 ? ",\n" : "\n");
  }
  out +=
      ");\n"
      "vrrp_sync_groups = ( { name = \"G\"; members = ( \"VI_0\", \"VI_1\" ); } );\n"
      "virtual_servers = ( /* list ( { */\n";
  for (int s = 0; s < services; ++s) {
    out += "{ address = \"10.0." + std::to_string(s / 250) + "." + std::to_string(s % 250 + 1) +
           "\"; port = 80;";
    if (s % 3 == 1) {
      out += " name = \"svc-" + std::to_string(s) + "\"; # name { \"\n";
    }
    if (s % 4 == 2) {
      out += " quorum_up = \"/bin/echo \\\"}\\\" // { /*\";";
    }
    out += " real_servers = (\n";
    for (int r = 1; r <= reals; ++r) {
      out += "  { address = \"172.16.0." + std::to_string(r) + "\"; weight = 1;";
      if ((s + r) % 5 == 0) {
        out += " checks = ( { type = \"script\"; script = \"s" + std::to_string(1 + r % 2) +
               "\"; } );";
      } else if ((s + r) % 5 == 1) {
        out += " checks = ( { type = \"tcp\"; interval = 2; } );";
      }
      out += std::string(" }") + (r < reals ? "," : "") + ((s + r) % 5 == 1 ? " // tcp }\n" : "\n");
    }
    out += std::string(") }") + (s + 1 < services ? ", /* } */" : "") + "\n";
  }
  return out + ");\n";
}

/// Replaces the first occurrence of @p from at or after the @p nth occurrence of @p anchor.
std::string replaceAfter(std::string text, const std::string& anchor, int nth,
                         const std::string& from, const std::string& to) {
  size_t pos = 0;
  for (int i = 0; i <= nth; ++i) {
    pos = text.find(anchor, i == 0 ? 0 : pos + 1);
    if (pos == std::string::npos) {
      ADD_FAILURE() << "no occurrence " << nth << " of " << anchor;
      return text;
    }
  }
  const size_t at = text.find(from, pos);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no " << from << " after " << anchor;
    return text;
  }
  return text.replace(at, from.size(), to);
}

class Incremental : public ::testing::Test {
protected:
  void SetUp() override {
    base_ = generate(12, 3);
    write(path_, base_);
    const auto& st = loadBoth(loader_, path_);
    ASSERT_TRUE(st.full);
    ASSERT_TRUE(loadFile(path_).config.has_value()) << diagnostics(loadFile(path_));
  }
  /// Writes @p text and loads it both ways; the loader's stats.
  IncrementalLoader::Stats edit(const std::string& text) {
    write(path_, text);
    return loadBoth(loader_, path_);
  }

  TempDir dir_;
  std::string path_ = dir_.path("lvsd.conf");
  std::string base_;
  IncrementalLoader loader_;
};

TEST_F(Incremental, SameTextReturnsTheCachedModel) {
  const auto st = edit(base_);
  EXPECT_FALSE(st.full);
  EXPECT_EQ(st.reparsed, 0U);
}

TEST_F(Incremental, OneWeightReparsesOneElement) {
  const auto st = edit(replaceAfter(base_, "10.0.0.6\"", 0, "weight = 1", "weight = 7"));
  EXPECT_FALSE(st.full);
  EXPECT_EQ(st.reparsed, 1U);
  const LoadResult r = loader_.load(path_);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->virtual_servers[5].real_servers[0].weight, 7U);
}

TEST_F(Incremental, TwoElementsReparsed) {
  std::string text = replaceAfter(base_, "10.0.0.2\"", 0, "weight = 1", "weight = 3");
  text = replaceAfter(text, "10.0.0.11\"", 0, "weight = 1", "weight = 4");
  const auto st = edit(text);
  EXPECT_FALSE(st.full);
  EXPECT_EQ(st.reparsed, 2U);
}

TEST_F(Incremental, RealServerAddedToOneElement) {
  const auto st = edit(replaceAfter(base_, "10.0.0.4\"", 0, "real_servers = (\n",
                                    "real_servers = (\n  { address = \"172.16.1.9\"; },\n"));
  EXPECT_FALSE(st.full);
  EXPECT_EQ(st.reparsed, 1U);
  EXPECT_EQ(loader_.load(path_).config->virtual_servers[3].real_servers.size(), 4U);
}

TEST_F(Incremental, ScriptChecksStayResolvedInUntouchedElements) {
  // service 4 has a script check on s1 (r=1): edit another one, then this one
  auto st = edit(replaceAfter(base_, "10.0.0.1\"", 0, "weight = 1", "weight = 2"));
  EXPECT_FALSE(st.full);
  st = edit(replaceAfter(base_, "10.0.0.5\"", 0, "weight = 1", "weight = 2"));
  EXPECT_FALSE(st.full);
  const LoadResult r = loader_.load(path_);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->virtual_servers[4].real_servers[0].checks[0].script.path, "/bin/false");
}

TEST_F(Incremental, VrrpInstanceEditKeepsSyncGroups) {
  const auto st = edit(replaceAfter(base_, "\"VI_1\"", 0, "priority = 100", "priority = 90"));
  EXPECT_FALSE(st.full);
  EXPECT_EQ(st.reparsed, 1U);
  const LoadResult r = loader_.load(path_);
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->vrrp_instances[1].sync_group, "G");
  EXPECT_EQ(r.config->vrrp_instances[1].priority, 90U);
}

TEST_F(Incremental, ErrorGivesLoadFileDiagnosticsThenFixLoadsInFull) {
  auto st = edit(replaceAfter(base_, "10.0.0.3\"", 0, "weight = 1", "weight = 70000"));
  EXPECT_TRUE(st.full);
  EXPECT_NE(diagnostics(loader_.load(path_)).find("out of range"), std::string::npos);
  st = edit(base_);  // the previous load failed: full
  EXPECT_TRUE(st.full);
  st = edit(replaceAfter(base_, "10.0.0.3\"", 0, "weight = 1", "weight = 5"));
  EXPECT_FALSE(st.full);
}

TEST_F(Incremental, CrossElementErrorsComeFromLoadFile) {
  // a duplicate service, a renamed sync group member, a dangling script name
  for (const std::string& text :
       {replaceAfter(base_, "10.0.0.8\"", 0, "10.0.0.8", "10.0.0.7"),
        replaceAfter(base_, "\"VI_1\"", 0, "VI_1", "VI_9"),
        replaceAfter(base_, "10.0.0.5\"", 0, "script = \"s1\"", "script = \"nope\""),
        replaceAfter(base_, "10.0.0.5\"", 0, "port = 80;", "port = 80; name = \"svc-1\";")}) {
    const auto st = edit(text);
    EXPECT_TRUE(st.full);
    EXPECT_FALSE(loadFile(path_).errors.empty());
    edit(base_);
    ASSERT_TRUE(loader_.lastStats().full);
  }
}

TEST_F(Incremental, FallsBackToFullLoads) {
  const std::string cases[] = {
      // outside list elements
      replaceAfter(base_, "router_id", 0, "r1", "r2"),
      // element count changed
      replaceAfter(base_, "virtual_servers = (", 0, "/* list ( { */\n",
                   "/* list ( { */\n{ address = \"10.9.9.9\"; port = 80; },\n"),
      // a comment opened in one element and closed in the next
      replaceAfter(replaceAfter(base_, "10.0.0.2\"", 0, "weight = 1;", "weight = 1; /*"),
                   "10.0.0.3\"", 0, "port = 80;", "*/ port = 80;"),
      // a string that swallows the end of its element
      replaceAfter(base_, "10.0.0.2\"", 0, "weight = 1;", "weight = 1; notify_up = \"}"),
      // a separator between elements
      replaceAfter(base_, "/* } */", 0, "/* } */", "/* ) */"),
      // the element's own braces
      replaceAfter(base_, "10.0.0.2\"", 0, ") }", ") } , { address = \"10.9.9.8\"; port = 80; }"),
      // elements of two lists at once
      replaceAfter(replaceAfter(base_, "\"VI_1\"", 0, "priority = 100", "priority = 90"),
                   "10.0.0.3\"", 0, "weight = 1", "weight = 2"),
      // @include inside an element
      replaceAfter(base_, "10.0.0.2\"", 0, "weight = 1;", "weight = 1;\n@include \"x.conf\"\n"),
  };
  for (const auto& text : cases) {
    const auto st = edit(text);
    EXPECT_TRUE(st.full) << text;
    edit(base_);
  }
}

TEST_F(Incremental, IncludeFilesAreNeverCached) {
  write(dir_.path("part.conf"), "virtual_servers = ( { address = \"10.1.1.1\"; port = 80; } );\n");
  write(path_, "global = { router_id = \"x\"; };\n@include \"part.conf\"\n");
  EXPECT_TRUE(loadBoth(loader_, path_).full);
  EXPECT_TRUE(loadBoth(loader_, path_).full);
  write(dir_.path("part.conf"), "virtual_servers = ( { address = \"10.1.1.2\"; port = 80; } );\n");
  EXPECT_TRUE(loadBoth(loader_, path_).full);
}

TEST_F(Incremental, ForgetAndOtherPathsLoadInFull) {
  loader_.forget();
  EXPECT_TRUE(edit(base_).full);
  EXPECT_FALSE(edit(base_).full);
  const std::string other = dir_.path("other.conf");
  write(other, base_);
  EXPECT_TRUE(loadBoth(loader_, other).full);
  EXPECT_TRUE(loadBoth(loader_, dir_.path("missing.conf")).full);
  EXPECT_TRUE(loader_.load(dir_.path("missing.conf")).unreadable);
  std::filesystem::create_directory(dir_.path("sub"));
  EXPECT_TRUE(loadBoth(loader_, dir_.path("sub")).full);
  EXPECT_TRUE(edit(base_).full);
}

/// tests/kernel/ipvs/daemon_large.sh's file: 1,000 services x 10 real servers, no checks.
std::string generateLarge(int weight) {
  std::string out = "global = { log_target = \"stderr\"; };\nvirtual_servers = (\n";
  for (int s = 0; s < 1000; ++s) {
    out += "{ address = \"10.100." + std::to_string(s / 256) + "." + std::to_string(s % 256) +
           "\"; port = 80; scheduler = \"wrr\"; real_servers = (";
    for (int r = 1; r <= 10; ++r) {
      out += std::string(r > 1 ? "," : "") + "{ address = \"172.16.0." + std::to_string(r) +
             "\"; weight = " + std::to_string(s == 500 && r == 1 ? weight : 1) + "; }";
    }
    out += std::string("); }") + (s + 1 < 1000 ? "," : "") + "\n";
  }
  return out + ");\n";
}

TEST(IncrementalLarge, OneWeightOfTheGuestFileIsOneElement) {
  TempDir dir;
  const std::string path = dir.path("large.conf");
  IncrementalLoader loader;
  write(path, generateLarge(1));
  EXPECT_TRUE(loadBoth(loader, path).full);
  for (int w : {2, 3, 0}) {
    write(path, generateLarge(w));
    const auto& st = loadBoth(loader, path);
    EXPECT_FALSE(st.full);
    EXPECT_EQ(st.reparsed, 1U);
    EXPECT_EQ(loader.load(path).config->virtual_servers[500].real_servers[0].weight,
              static_cast<uint32_t>(w));
  }
}

/// Random edits, each loaded both ways. Most edits are semantic (weights, addresses, names,
/// added servers: the incremental path); the rest are lexical noise (braces, quotes, comment
/// markers, NUL, @include) that must fall back without changing the result.
TEST(IncrementalDifferential, RandomEditsEqualLoadFile) {
  TempDir dir;
  const std::string path = dir.path("lvsd.conf");
  std::mt19937 rng(20261123);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const std::string noise[] = {"{",
                               "}",
                               "(",
                               ")",
                               "\"",
                               "#",
                               "//",
                               "/*",
                               "*/",
                               "\\",
                               "\n",
                               ",",
                               ";",
                               " ",
                               "x",
                               "1",
                               "@include \"y\"\n",
                               std::string(1, '\0'),
                               "\"}\"",
                               "/* } */",
                               "# {\n"};
  int incremental = 0;
  int reparsed = 0;
  constexpr int kEdits = 3000;
  for (int round = 0; round < 6; ++round) {
    const std::string base = generate(8 + round * 3, 1 + round % 3);
    std::string text = base;
    IncrementalLoader loader;
    for (int i = 0; i < kEdits / 6; ++i) {
      const size_t op = pick(20);  // 0..14 mostly valid edits
      auto nthOf = [&](const std::string& needle) {
        std::vector<size_t> at;
        for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) {
          at.push_back(p);
        }
        return at;
      };
      if (op < 8) {  // a weight
        const auto at = nthOf("weight = ");
        if (!at.empty()) {
          const size_t p = at[pick(at.size())] + 9;
          const size_t e = text.find_first_not_of("0123456789", p);
          text.replace(p, e - p, std::to_string(pick(20) == 0 ? 70000 : pick(300)));
        }
      } else if (op < 10) {  // a real server
        const auto at = nthOf("real_servers = (\n");
        if (!at.empty()) {
          text.insert(at[pick(at.size())] + 17,
                      "  { address = \"172.16.2." + std::to_string(1 + pick(3)) + "\"; },\n");
        }
      } else if (op < 12) {  // an address (duplicates happen)
        const auto at = nthOf("\"10.0.0.");
        if (!at.empty()) {
          const size_t p = at[pick(at.size())] + 8;
          const size_t e = text.find('"', p);
          text.replace(p, e - p, std::to_string(1 + pick(30)));
        }
      } else if (op < 13) {  // an instance name or priority
        const auto at = nthOf(pick(2) == 0 ? "\"VI_" : "priority = 1");
        if (!at.empty()) {
          text.insert(at[pick(at.size())] + 4, std::to_string(pick(3)));
        }
      } else if (op < 15) {  // a comment or a string with brackets, between two settings
        const auto at = nthOf("; ");
        const std::string_view valid[] = {" /* } ( */ ", " # }\n", " // { \"\n",
                                          " notify_up = \"\\\"}\"; ", " /* ) */ /**/ "};
        if (!at.empty()) {
          text.insert(at[pick(at.size())] + 2, valid[pick(std::size(valid))]);
        }
      } else if (op < 17) {  // lexical noise
        text.insert(pick(text.size() + 1), noise[pick(std::size(noise))]);
      } else if (op < 19) {  // delete a few characters
        const size_t p = pick(text.size());
        text.erase(p, 1 + pick(4));
      } else {
        text = base;
      }
      write(path, text);
      const LoadResult got = loader.load(path);
      const LoadResult want = loadFile(path);
      const std::string d = difference(got, want);
      ASSERT_EQ(d, "") << "round " << round << " edit " << i << "\n" << text;
      if (!loader.lastStats().full) {
        ++incremental;
        reparsed += static_cast<int>(loader.lastStats().reparsed);
      }
      if (!want.config && pick(3) == 0) {
        text = base;  // keep most of the run on valid configs
      }
    }
  }
  // The incremental path is exercised, not only the fallbacks.
  EXPECT_GT(incremental, kEdits / 5);
  EXPECT_GT(reparsed, kEdits / 10);
  std::printf("%d of %d loads incremental, %d elements re-parsed\n", incremental, kEdits, reparsed);
}

TEST(ScanLayout, FindsElementsOfTrackedLists) {
  const std::string t =
      "a = { virtual_servers = ( { } ); };\n"
      "virtual_servers : ( { x = \"}\"; } , /* { */ { y = ( 1 ); } );\n"
      "vrrp_instances = ( { # }\n } );\n";
  auto l = scan::mapText(t);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->virtual_servers, 2U);
  EXPECT_EQ(l->vrrp_instances, 1U);
  ASSERT_EQ(l->elements.size(), 3U);
  EXPECT_EQ(t[l->elements[0].open], '{');
  EXPECT_EQ(t.substr(l->elements[0].open, l->elements[0].close - l->elements[0].open + 1),
            "{ x = \"}\"; }");
  EXPECT_FALSE(scan::mapText("virtual_servers = ( { a = \"x } );"));
  EXPECT_FALSE(scan::mapText("virtual_servers = ( { } /* );"));
  EXPECT_FALSE(scan::mapText("virtual_servers = ( 1, { } );"));
  EXPECT_FALSE(scan::mapText("@include \"a\"\n"));
  EXPECT_FALSE(scan::mapText("# no newline at the end"));
}

TEST(ScanLayout, SplitGroups) {
  std::vector<std::pair<size_t, size_t>> g;
  EXPECT_TRUE(scan::splitGroups("{ a = \"\\\"}\"; }, { }", g));
  EXPECT_EQ(g.size(), 2U);
  EXPECT_FALSE(scan::splitGroups("{ a = 1; # }", g));
  EXPECT_FALSE(scan::splitGroups("{ } ) , ( { }", g));
  EXPECT_FALSE(scan::splitGroups(" { }", g));
  EXPECT_FALSE(scan::splitGroups("{ } ", g));
  EXPECT_FALSE(scan::splitGroups("{ \"a\\\" }", g));
}

TEST(ScanLayout, CommonPrefixAndSuffixAcrossBlocks) {
  std::string a(10000, 'x');
  std::string b = a;
  b[5000] = 'y';
  EXPECT_EQ(scan::commonPrefix(a, b), 5000U);
  EXPECT_EQ(scan::commonSuffix(a, b, a.size()), 4999U);
  EXPECT_EQ(scan::commonSuffix(a, b, 100), 100U);
  EXPECT_EQ(scan::commonPrefix(a, a + "z"), a.size());
  EXPECT_EQ(scan::commonSuffix("z" + a, a, a.size()), a.size());
}

}  // namespace
}  // namespace lvsd::config
