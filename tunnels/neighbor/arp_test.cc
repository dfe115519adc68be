#include "neighbor/arp.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

namespace vswitch::tunnels {
namespace {

TEST(Arp, RequestParsesAndTurnsIntoTheReply) {
  const uint8_t asker[6] = {0x02, 0, 0, 0, 0, 0x09}, me[6] = {0x02, 0, 0, 0, 0, 0x01};
  uint8_t f[kArpFrameBytes];
  ASSERT_EQ(WriteArpRequest(f, asker, inet_addr("192.168.1.9"), inet_addr("192.168.1.1")), kArpFrameBytes);
  ArpInfo info;
  ASSERT_TRUE(ParseArp(f, sizeof(f), &info));
  EXPECT_EQ(info.op, 1);
  EXPECT_EQ(info.target_ip, inet_addr("192.168.1.1"));
  EXPECT_EQ(info.sender_ip, inet_addr("192.168.1.9"));
  EXPECT_EQ(std::memcmp(f, "\xff\xff\xff\xff\xff\xff", 6), 0);

  TurnIntoArpReply(f, me, inet_addr("192.168.1.1"));
  ASSERT_TRUE(ParseArp(f, sizeof(f), &info));
  EXPECT_EQ(info.op, 2);
  EXPECT_EQ(std::memcmp(info.sender_mac, me, 6), 0);
  EXPECT_EQ(info.sender_ip, inet_addr("192.168.1.1"));
  EXPECT_EQ(info.target_ip, inet_addr("192.168.1.9"));
  EXPECT_EQ(std::memcmp(f, asker, 6), 0);      // back to the asker
  EXPECT_EQ(std::memcmp(f + 6, me, 6), 0);
  EXPECT_EQ(std::memcmp(f + 14 + 18, asker, 6), 0);  // target hardware address
}

TEST(Arp, RejectsOtherFrames) {
  uint8_t f[kArpFrameBytes] = {};
  ArpInfo info;
  EXPECT_FALSE(ParseArp(f, sizeof(f), &info));
  const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
  WriteArpRequest(f, mac, 1, 2);
  EXPECT_FALSE(ParseArp(f, 30, &info));  // truncated
  f[14 + 5] = 16;                        // IPv6-sized protocol address
  EXPECT_FALSE(ParseArp(f, sizeof(f), &info));
}

}  // namespace
}  // namespace vswitch::tunnels
