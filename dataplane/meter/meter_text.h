// The meter syntax ovs-ofctl users type (add-meter / mod-meter / del-meter / meter-stats):
//
//   meter=1,pktps,burst,stats,bands=type=drop,rate=1000,burst_size=100
//   meter=2,kbps,bands=type=drop,rate=10000
//
// Fields are separated by commas or white space (ovs-ofctl accepts both). Before `bands=` come
// `meter=ID` and the flags kbps | pktps (exactly one), burst, stats; after it, the band's
// `type=drop`, `rate=N` and, with the burst flag, `burst_size=N`. Errors name the token, its
// number and column, and the reason. Unsupported OpenFlow features (dscp_remark bands,
// prec_level, several bands, meter=all/controller/slowpath on add) are errors, never ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "meter/meter_spec.h"
#include "meter/meter_stats.h"

namespace vswitch::meter {

// add-meter / mod-meter text -> spec. On success the spec passes ValidateMeterSpec.
Status ParseMeter(std::string_view text, MeterSpec* out);

// The canonical text of a spec; ParseMeter(FormatMeter(s)) == s for every valid s.
std::string FormatMeter(const MeterSpec& spec);

// del-meter / dump-meter / meter-stats argument: `meter=ID` or `meter=all` (*id = 0 for all);
// empty text also means all, like `ovs-ofctl meter-stats br0`.
Status ParseMeterSelector(std::string_view text, uint32_t* id);

// One meter's counters in ovs-ofctl meter-stats style, on one line:
//   meter:1 flow_count:2 packet_in_count:10 byte_in_count:640 duration:1.500s bands: 0: packet_count:3 byte_count:192
std::string FormatMeterStats(const MeterEntry& entry);

}  // namespace vswitch::meter
