#include "meter/meter_spec.h"

#include <string>

namespace vswitch::meter {

Status ValidateMeterSpec(const MeterSpec& spec) {
  if (spec.id == 0 || spec.id > kMaxMeterId)
    return Status::InvalidArgument("meter=" + std::to_string(spec.id) + ": meter id must be 1-" +
                                   std::to_string(kMaxMeterId));
  std::string where = "meter " + std::to_string(spec.id) + ": ";
  if (spec.unit != MeterUnit::kPktps && spec.unit != MeterUnit::kKbps)
    return Status::InvalidArgument(where + "unit must be kbps or pktps");
  if (spec.rate == 0) return Status::InvalidArgument(where + "rate=0: the band rate must be at least 1");
  if (spec.burst && spec.burst_size == 0)
    return Status::InvalidArgument(where + "the 'burst' flag needs a nonzero burst_size in the band");
  if (!spec.burst && spec.burst_size != 0)
    return Status::InvalidArgument(where + "burst_size=" + std::to_string(spec.burst_size) +
                                   ": burst_size is allowed only with the 'burst' flag");
  return Status::Ok();
}

}  // namespace vswitch::meter
