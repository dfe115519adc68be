#include "flow/action.h"

namespace vswitch::flow {

void ApplyActionToKey(const Action& a, FlowKey* key) {
  switch (a.type) {
    case ActionType::kSetEthSrc:
      a.Mac(key->eth_src);
      break;
    case ActionType::kSetEthDst:
      a.Mac(key->eth_dst);
      break;
    case ActionType::kSetIpv4Src:
      key->nw_src = a.u32;
      break;
    case ActionType::kSetIpv4Dst:
      key->nw_dst = a.u32;
      break;
    case ActionType::kSetTpSrc:
      key->tp_src = a.u16;
      break;
    case ActionType::kSetTpDst:
      key->tp_dst = a.u16;
      break;
    case ActionType::kSetVlanVid:
      // Keeps the PCP of an existing tag; an untagged frame gets a tag with PCP 0.
      key->vlan_tci = static_cast<uint16_t>((key->vlan_tci & 0xe000) | kVlanPresent | (a.u16 & 0x0fff));
      break;
    case ActionType::kSetDscp:
      key->nw_tos = static_cast<uint8_t>((key->nw_tos & 0x03) | (a.u16 << 2));
      break;
    case ActionType::kPushVlan:
      // The new outer tag copies VID/PCP of the current outer tag, or is 0 (OpenFlow 1.1+).
      key->vlan_tci = static_cast<uint16_t>(key->vlan_tci | kVlanPresent);
      break;
    case ActionType::kPopVlan:
      // The parser sees one tag only, so after a pop the key reads "untagged".
      key->vlan_tci = 0;
      break;
    case ActionType::kSetRegister:
      key->regs[a.reg] = (key->regs[a.reg] & ~static_cast<uint32_t>(a.u64)) | a.u32;
      break;
    case ActionType::kSetTunnel:
      key->tun_id = a.u64;
      break;
    default:
      break;
  }
}

}  // namespace vswitch::flow
