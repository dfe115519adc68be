// vsbench's command line: traffic, mode, the two switch ports it attaches to and its own EAL
// settings. Parsing and validation only; no DPDK.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "frame_spec.h"

namespace vswitch::vsbench {

struct VsbenchOptions {
  FrameSpec frame;
  // DPDK vdev arguments of the port vsbench sends into and the port it receives from, e.g.
  // "net_memif0,role=client,socket=/tmp/m0.sock,id=0" or
  // "net_virtio_user0,path=/tmp/vhost0.sock,queues=1". rx_dev empty = receive on tx_dev.
  std::string tx_dev;
  std::string rx_dev;

  // Fixed rate: one measured trial of duration_s at rate_mpps (0 = as fast as possible).
  // RFC 2544: binary search for the highest rate <= rate_mpps with loss <= loss_tolerance.
  double rate_mpps = 0.1;
  double duration_s = 5;
  double warmup_s = 1;
  bool rfc2544 = false;
  double trial_s = 2;
  double loss_tolerance = 0;
  double resolution_mpps = 0.01;
  int max_trials = 16;

  // Receive queues on the rx port. A switch that transmits on several queues (OVS uses one
  // per thread) sends on queues memif/virtio-user only has when the client asks for them.
  uint16_t rx_queues = 1;
  uint32_t burst = 32;
  uint32_t drain_ms = 200;         // keep receiving this long after a trial's last send
  double link_timeout_s = 10;
  size_t latency_samples = 1u << 20;

  // EAL: one lcore; a private prefix or --in-memory so vsbench never shares runtime files.
  unsigned lcore = 0;
  std::string file_prefix;
  bool in_memory = false;
  bool single_file_segments = false;  // virtio-user needs it ("Too many memory regions")
  unsigned memory_mb = 256;
  uint32_t mbufs = 8191;
  std::string log_level = "*:warning";

  bool json = false;
};

enum class ParseOutcome { kRun, kHelp, kError };

struct ParsedOptions {
  ParseOutcome outcome = ParseOutcome::kError;
  VsbenchOptions options;
  std::string message;  // the help text (kHelp) or the error naming the option (kError)
};

ParsedOptions ParseVsbenchOptions(int argc, const char* const argv[]);

// The EAL argument vector (argv[0] included) for these options.
std::vector<std::string> EalArguments(const VsbenchOptions& options);

// The device name of a vdev argument string: "net_memif0" for "net_memif0,role=client,...".
std::string VdevName(const std::string& devargs);

}  // namespace vswitch::vsbench
