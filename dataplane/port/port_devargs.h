// PortDevargs: turns a PortConfig (type + key=value options) into the DPDK device string
// that opens it. Pure logic with no EAL, so every option rule is unit-tested.
//
// Port types and their options (defaults in brackets):
//   vhost-user   path=SOCKET  mode=client|server [client]  queues=N [1]
//                client mode reconnects to the VM's socket (the VM survives a switch restart)
//   virtio-user  path=SOCKET|/dev/vhost-net  server=0|1 [0]  queues=N [1]  iface=TAPNAME
//   af-xdp       iface=IF  start-queue=N [0]  queues=N [1]
//   af-packet    iface=IF  queues=N [1]
//   tap          iface=NAME [port name]
//   pcap         rx-pcap=FILE  tx-pcap=FILE  infinite-rx=0|1 [0]  iface=IF (live capture)
//   null         no-rx=0|1 [1]  size=BYTES [64]
//   ring         (none)  a loopback ring: what is sent comes back
//   memif        socket=PATH  role=server|client [server]  id=N [0]
//   pci          addr=DOMAIN:BUS:DEV.FN
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "port/port_config.h"

namespace vswitch {

struct PortDevargs {
  std::string device_name;  // unique DPDK name, e.g. "net_tap_vs3" or a PCI address
  std::string devargs;      // full string for rte_dev_probe(), e.g. "net_tap_vs3,iface=tap0"
  bool is_pci = false;
  // af-packet only: the kernel interface its sockets bind to. Those sockets must be told to
  // ignore frames the host itself transmits there (see port/packet_socket.h).
  std::string af_packet_iface;
};

// The port types this build knows, in the order `vsctl --help` lists them.
const std::vector<std::string>& SupportedPortTypes();

// Validates config.name, config.type and every option; `unique_suffix` makes the DPDK
// device name unique within the process (the caller passes a never-reused counter).
Status BuildPortDevargs(const PortConfig& config, const std::string& unique_suffix, PortDevargs* out);

// Checks a port name: 1-32 characters from [A-Za-z0-9_.-].
Status ValidatePortName(const std::string& name);

}  // namespace vswitch
