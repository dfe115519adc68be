#include "convert/tunnel_convert.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

google::protobuf::RepeatedPtrField<std::string> List(std::initializer_list<const char*> items) {
  google::protobuf::RepeatedPtrField<std::string> out;
  for (const char* item : items) *out.Add() = item;
  return out;
}

TEST(TunnelConvert, InfoToProtoKeepsEveryField) {
  v1::Vni vni = VniToProto(VniInfo{100, {"192.168.1.2", "192.168.1.3"}, {"c1"}});
  EXPECT_EQ(vni.vni(), 100u);
  ASSERT_EQ(vni.remotes_size(), 2);
  EXPECT_EQ(vni.remotes(1), "192.168.1.3");
  ASSERT_EQ(vni.ports_size(), 1);
  EXPECT_EQ(vni.ports(0), "c1");

  v1::Neighbor neighbor = NeighborToProto(NeighborInfo{"192.168.1.2", "02:00:00:00:00:02", "up0", false, 7});
  EXPECT_EQ(neighbor.ip(), "192.168.1.2");
  EXPECT_EQ(neighbor.mac(), "02:00:00:00:00:02");
  EXPECT_EQ(neighbor.port(), "up0");
  EXPECT_FALSE(neighbor.is_static());
  EXPECT_EQ(neighbor.age_seconds(), 7u);

  v1::Route route = RouteToProto(RouteInfo{"10.2.0.0/16", "192.168.1.1"});
  EXPECT_EQ(route.prefix(), "10.2.0.0/16");
  EXPECT_EQ(route.gateway(), "192.168.1.1");
}

TEST(TunnelConvert, VniNumberRange) {
  EXPECT_TRUE(CheckVniNumber(1).ok());
  EXPECT_TRUE(CheckVniNumber(16777215).ok());
  EXPECT_EQ(CheckVniNumber(0).message(), "vni: 0 is out of range 1..16777215");
  EXPECT_EQ(CheckVniNumber(16777216).message(), "vni: 16777216 is out of range 1..16777215");
}

TEST(TunnelConvert, RemotesMustBeDistinctAddresses) {
  EXPECT_TRUE(CheckVniRemotes(List({})).ok());
  EXPECT_TRUE(CheckVniRemotes(List({"10.0.0.1", "10.0.0.2"})).ok());
  EXPECT_EQ(CheckVniRemotes(List({"10.0.0.1", "10.0.0.300"})).message(),
            "remotes[1]: '10.0.0.300' is not an IPv4 address");
  EXPECT_EQ(CheckVniRemotes(List({"10.0.0.1", "10.0.0.1"})).message(), "remotes[1]: 10.0.0.1 is listed twice");
  EXPECT_EQ(CheckVniRemotes(List({"0.0.0.0"})).message(), "remotes[0]: 0.0.0.0 is not a usable address");
  EXPECT_EQ(CheckVniRemotes(List({""})).message(), "remotes[0]: is required (an IPv4 address)");
  // inet_pton's strict form only: no "10.1" shorthand, no hostnames.
  EXPECT_FALSE(CheckVniRemotes(List({"10.1"})).ok());
  EXPECT_FALSE(CheckVniRemotes(List({"vtep2.example"})).ok());
}

TEST(TunnelConvert, NeighborNeedsAddressAndUnicastMac) {
  EXPECT_TRUE(CheckNeighborFields("192.168.1.2", "02:00:00:00:00:02").ok());
  EXPECT_EQ(CheckNeighborFields("192.168.1", "02:00:00:00:00:02").message(), "ip: '192.168.1' is not an IPv4 address");
  EXPECT_EQ(CheckNeighborFields("192.168.1.2", "02:00:00:00:00").message(),
            "mac: '02:00:00:00:00' is not a MAC address (expected aa:bb:cc:dd:ee:ff)");
  EXPECT_EQ(CheckNeighborFields("192.168.1.2", "ff:ff:ff:ff:ff:ff").message(),
            "mac: 'ff:ff:ff:ff:ff:ff' is not a unicast address");
  EXPECT_FALSE(CheckNeighborFields("192.168.1.2", "00:00:00:00:00:00").ok());
}

TEST(TunnelConvert, RoutePrefixWithoutHostBits) {
  EXPECT_TRUE(CheckRouteFields("10.2.0.0/16", "192.168.1.1").ok());
  EXPECT_TRUE(CheckRouteFields("0.0.0.0/0", "192.168.1.1").ok());
  EXPECT_TRUE(CheckRouteFields("10.2.3.4/32", "192.168.1.1").ok());
  EXPECT_EQ(CheckRouteFields("10.2.0.1/16", "192.168.1.1").message(),
            "prefix: '10.2.0.1/16' has host bits set (did you mean 10.2.0.0/16?)");
  EXPECT_EQ(CheckRouteFields("10.2.0.0", "192.168.1.1").message(),
            "prefix: '10.2.0.0' is not an IPv4 prefix (expected A.B.C.D/LEN, LEN 0..32)");
  EXPECT_FALSE(CheckRouteFields("10.2.0.0/33", "192.168.1.1").ok());
  EXPECT_FALSE(CheckRouteFields("10.2.0.0/", "192.168.1.1").ok());
  EXPECT_EQ(CheckRouteFields("10.2.0.0/16", "gw").message(), "gateway: 'gw' is not an IPv4 address");
  EXPECT_EQ(CheckRoutePrefix("10.2.0.0/16/1").code(), Status::Code::kInvalidArgument);
}

TEST(TunnelConvert, MacTunnelFields) {
  EXPECT_TRUE(CheckMacTunnelFields(0, "").ok());
  EXPECT_TRUE(CheckMacTunnelFields(100, "192.168.1.2").ok());
  EXPECT_EQ(CheckMacTunnelFields(1u << 24, "").message(), "vni: 16777216 is out of range 0..16777215");
  EXPECT_EQ(CheckMacTunnelFields(100, "vtep").message(), "remote_ip: 'vtep' is not an IPv4 address");
}

}  // namespace
}  // namespace vswitch::controlplane
