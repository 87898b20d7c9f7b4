#include "common/command_line.h"

#include <gtest/gtest.h>

namespace lvsd {
namespace {

using Argv = std::vector<std::string>;

TEST(CommandLine, BlanksSplitQuotesGroup) {
  EXPECT_EQ(splitCommandLine("/bin/x a  'b c' \"d\""), (Argv{"/bin/x", "a", "b c", "d"}));
  EXPECT_EQ(splitCommandLine("\t/bin/y\targ "), (Argv{"/bin/y", "arg"}));
  EXPECT_EQ(splitCommandLine("a'b c'd \"it's\""), (Argv{"ab cd", "it's"}));
}

TEST(CommandLine, EmptyAndQuotedEmpty) {
  EXPECT_TRUE(splitCommandLine("").empty());
  EXPECT_TRUE(splitCommandLine("   ").empty());
  EXPECT_EQ(splitCommandLine("x '' y"), (Argv{"x", "", "y"}));
}

}  // namespace
}  // namespace lvsd
