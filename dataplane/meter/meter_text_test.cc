#include "meter/meter_text.h"

#include <gtest/gtest.h>

namespace vswitch::meter {
namespace {

MeterSpec Parse(const std::string& text) {
  MeterSpec s;
  Status st = ParseMeter(text, &s);
  EXPECT_TRUE(st.ok()) << text << ": " << st.message();
  return s;
}

std::string Error(const std::string& text) {
  MeterSpec s;
  Status st = ParseMeter(text, &s);
  EXPECT_FALSE(st.ok()) << text << " parsed";
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  return st.message();
}

TEST(MeterText, ParsesTheOvsOfctlExamples) {
  MeterSpec a = Parse("meter=1,pktps,burst,stats,bands=type=drop,rate=1000,burst_size=100");
  EXPECT_EQ(a.id, 1u);
  EXPECT_EQ(a.unit, MeterUnit::kPktps);
  EXPECT_TRUE(a.burst);
  EXPECT_TRUE(a.stats);
  EXPECT_EQ(a.rate, 1000u);
  EXPECT_EQ(a.burst_size, 100u);
  EXPECT_EQ(a.EffectiveBurst(), 100u);

  MeterSpec b = Parse("meter=2,kbps,bands=type=drop,rate=10000");
  EXPECT_EQ(b.id, 2u);
  EXPECT_EQ(b.unit, MeterUnit::kKbps);
  EXPECT_FALSE(b.burst);
  EXPECT_FALSE(b.stats);
  EXPECT_EQ(b.rate, 10000u);
  EXPECT_EQ(b.burst_size, 0u);
  EXPECT_EQ(b.EffectiveBurst(), 10000u) << "without the burst flag the bucket holds one second, as in OVS";
}

TEST(MeterText, AcceptsWhitespaceSeparatorsHexAndBandAlias) {
  // ovs-ofctl's own dump-meters form separates with spaces.
  EXPECT_EQ(Parse("meter=7 kbps burst bands=type=drop rate=0x10 burst_size=20"),
            Parse("meter=7,kbps,burst,bands=type=drop,rate=16,burst_size=20"));
  EXPECT_EQ(Parse("  meter=7,pktps, band=type=drop ,rate=5\n"), Parse("meter=7,pktps,bands=type=drop,rate=5"));
  EXPECT_EQ(Parse("meter=65535,pktps,bands= type=drop,rate=1").id, 65535u);
  // Flags in any order before bands=.
  EXPECT_EQ(Parse("stats,burst,meter=3,pktps,bands=type=drop,rate=9,burst_size=1"),
            Parse("meter=3,pktps,burst,stats,bands=type=drop,rate=9,burst_size=1"));
}

TEST(MeterText, FormatRoundTrips) {
  for (const char* text : {"meter=1,pktps,burst,stats,bands=type=drop,rate=1000,burst_size=100",
                           "meter=2,kbps,bands=type=drop,rate=10000", "meter=65535,kbps,stats,bands=type=drop,rate=4294967295",
                           "meter=9,pktps,burst,bands=type=drop,rate=1,burst_size=4294967295"}) {
    MeterSpec s = Parse(text);
    EXPECT_EQ(FormatMeter(s), text);
    EXPECT_EQ(Parse(FormatMeter(s)), s);
  }
}

TEST(MeterText, ErrorsNameTheToken) {
  EXPECT_EQ(Error("meter=0,pktps,bands=type=drop,rate=1"), "token 1 'meter=0' at column 1: meter id must be 1-65535");
  EXPECT_NE(Error("meter=65536,pktps,bands=type=drop,rate=1").find("'meter=65536'"), std::string::npos);
  EXPECT_NE(Error("meter=all,pktps,bands=type=drop,rate=1").find("a meter id 1-65535 is needed"), std::string::npos);
  EXPECT_EQ(Error("meter=1,kbps,pktps,bands=type=drop,rate=1"),
            "token 3 'pktps' at column 14: kbps and pktps are exclusive: give one unit");
  EXPECT_NE(Error("meter=1,kbps,kbps,bands=type=drop,rate=1").find("unit given twice"), std::string::npos);
  EXPECT_EQ(Error("meter=1,bands=type=drop,rate=1"), "missing unit: give kbps or pktps");
  EXPECT_EQ(Error("pktps,bands=type=drop,rate=1"), "missing meter=ID");
  EXPECT_EQ(Error("meter=1,pktps"), "missing bands=type=drop,rate=N");
  EXPECT_EQ(Error("meter=1,pktps,bands="), "missing bands=type=drop,rate=N");
  EXPECT_EQ(Error("meter=1,pktps,bands=type=drop"), "band: missing rate=N");
  EXPECT_EQ(Error("meter=1,pktps,bands=type=drop,rate=0"), "token 4 'rate=0' at column 31: the band rate must be at least 1");
  EXPECT_EQ(Error("meter=1,pktps,burst,bands=type=drop,rate=5"), "the 'burst' flag needs burst_size=N in the band");
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=5,burst_size=10").find("'burst_size=10'"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=5,burst_size=10").find("only with the 'burst' flag"),
            std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,burst,bands=type=drop,rate=5,burst_size=0").find("at least 1"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=dscp_remark,rate=5,prec_level=1").find("dscp_remark bands are not supported"),
            std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=police,rate=5").find("unknown band type"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=5,type=drop,rate=10").find("only one band per meter"),
            std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=5,prec_level=2").find("prec_level"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,fast,bands=type=drop,rate=5").find("token 3 'fast'"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,color=red,bands=type=drop,rate=5").find("unknown field 'color'"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=rate=5,type=drop").find("a band must start with type=drop"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=5,stats").find("meter flags go before bands="), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=5,rate=6").find("rate= given twice"), std::string::npos);
  EXPECT_NE(Error("meter=1,meter=2,pktps,bands=type=drop,rate=5").find("meter= given twice"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=1k").find("'1k' is not a number"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=4294967296").find("larger than 4294967295"), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,rate=5,bands=type=drop").find("band fields go after bands="), std::string::npos);
  EXPECT_NE(Error("meter=1,pktps,bands=type=drop,rate=5,bands=type=drop").find("bands= given twice"),
            std::string::npos);
  EXPECT_EQ(Error(""), "missing meter=ID");
}

TEST(MeterText, Selector) {
  uint32_t id = 99;
  ASSERT_TRUE(ParseMeterSelector("", &id).ok());
  EXPECT_EQ(id, kAllMeters);
  ASSERT_TRUE(ParseMeterSelector("meter=all", &id).ok());
  EXPECT_EQ(id, kAllMeters);
  ASSERT_TRUE(ParseMeterSelector("meter=42", &id).ok());
  EXPECT_EQ(id, 42u);
  EXPECT_NE(ParseMeterSelector("meter=0", &id).message().find("meter id must be 1-65535"), std::string::npos);
  EXPECT_NE(ParseMeterSelector("42", &id).message().find("expected meter=ID or meter=all"), std::string::npos);
  EXPECT_NE(ParseMeterSelector("meter=1,meter=2", &id).message().find("token 2 'meter=2'"), std::string::npos);
}

TEST(MeterText, StatsLine) {
  MeterEntry e;
  e.spec = Parse("meter=1,pktps,bands=type=drop,rate=10");
  e.stats = {10, 640, 3, 192};
  e.flow_count = 2;
  e.duration_seconds = 1.5;
  EXPECT_EQ(FormatMeterStats(e),
            "meter:1 flow_count:2 packet_in_count:10 byte_in_count:640 duration:1.500s bands: 0: packet_count:3 "
            "byte_count:192");
}

}  // namespace
}  // namespace vswitch::meter
