#include "common/mac_address.h"

#include <gtest/gtest.h>

namespace vswitch {
namespace {

TEST(MacAddress, ParsesColonAndDashForms) {
  auto a = MacAddress::Parse("02:00:0a:0B:ff:01");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ToString(), "02:00:0a:0b:ff:01");
  auto b = MacAddress::Parse("02-00-0a-0b-ff-01");
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
}

TEST(MacAddress, RejectsMalformed) {
  for (const char* bad : {"", "02:00:0a:0b:ff", "02:00:0a:0b:ff:0g", "0200.0a0b.ff01", "02:00:0a:0b:ff:011", "02:00:0a:0b:ff:1"})
    EXPECT_FALSE(MacAddress::Parse(bad)) << bad;
}

TEST(MacAddress, Classifies) {
  EXPECT_TRUE(MacAddress::Parse("ff:ff:ff:ff:ff:ff")->IsBroadcast());
  EXPECT_TRUE(MacAddress::Parse("01:00:5e:00:00:01")->IsMulticast());
  EXPECT_FALSE(MacAddress::Parse("02:00:00:00:00:01")->IsMulticast());
  EXPECT_TRUE(MacAddress::Parse("00:00:00:00:00:00")->IsZero());
}

}  // namespace
}  // namespace vswitch
