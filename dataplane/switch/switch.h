// Switch: the dataplane library's public C++ API.
//
// vswitchd, the gRPC service, the config loader and the tests all drive the dataplane only
// through this class. It is thread-safe for the control path: every call takes the control
// lock, validates the whole request first, and then applies it completely or not at all.
// Workers never take that lock: they read state published with RCU (see docs/ARCHITECTURE.md).
//
// Lifecycle: eal::Init() -> Switch::Create() -> AddPort()... -> Start() -> ... -> Stop().
// Ports can be added and removed before or after Start(); traffic on other ports continues.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "port/port_config.h"

namespace vswitch {

struct SwitchOptions {
  uint32_t mbufs_per_socket = 32768;   // packet buffers in the shared pool
  uint16_t rx_descriptors = 1024;
  uint16_t tx_descriptors = 1024;
  uint32_t mac_table_size = 65536;     // FDB capacity (entries)
  uint32_t mac_aging_seconds = 300;    // learned entries idle longer than this are removed
  uint32_t idle_sleep_us = 0;          // workers sleep this long when idle; 0 = pure polling
};

// One drop reason with its count, e.g. {"tx_ring_full", 12}.
struct NamedCounter {
  std::string name;
  uint64_t value = 0;
};

struct PortCounters {
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
  std::vector<NamedCounter> drops;  // every reason, zero counts included, stable order
};

struct PortInfo {
  PortConfig config;
  uint32_t port_no = 0;        // stable switch port number (OVS "ofport"), used in flows
  uint16_t dpdk_port_id = 0;
  std::string devargs;
  std::string mac;             // the address in use
  bool link_up = false;
  uint32_t link_speed_mbps = 0;
  PortCounters counters;
};

struct MacEntry {
  uint16_t vlan = 0;           // 802.1Q VLAN id, 0 = untagged
  uint32_t vni = 0;            // L2 domain (0, or a VXLAN VNI)
  std::string mac;
  std::string port;            // port name
  std::string remote_ip;       // remote VTEP, for entries on a vxlan port
  bool is_static = false;
  uint32_t age_seconds = 0;    // since last seen (0 for static)
};

// A VXLAN network (a tenant's logical switch) and the remote VTEPs that receive its
// broadcast and unknown unicast (head-end replication).
struct VniInfo {
  uint32_t vni = 0;
  std::vector<std::string> remotes;  // IPv4 addresses
  std::vector<std::string> ports;    // local ports in this VNI's L2 domain
};

struct NeighborInfo {
  std::string ip;
  std::string mac;
  std::string port;        // the uplink it was learned on ("" for static)
  bool is_static = false;
  uint32_t age_seconds = 0;
};

struct RouteInfo {
  std::string prefix;      // "10.2.0.0/16"
  std::string gateway;
};

struct WorkerStats {
  unsigned worker_index = 0;
  unsigned lcore = 0;
  uint64_t busy_cycles = 0;    // TSC cycles spent in iterations that received packets
  uint64_t idle_cycles = 0;    // TSC cycles spent polling empty queues
  uint64_t rx_packets = 0;
  uint64_t tx_packets = 0;
  uint64_t iterations = 0;
  double cycles_per_packet = 0;  // busy_cycles / rx_packets
  std::vector<std::string> rx_queues;  // "port:queue" assigned to this worker
};

// One flow-mod of a batch, in the rule syntax ovs-ofctl users type
// ("table=0,priority=100,in_port=vm1,ip,nw_dst=10.0.0.0/24,actions=output:vm2").
struct FlowModRequest {
  enum class Command { kAdd, kModify, kModifyStrict, kDelete, kDeleteStrict };
  Command command = Command::kAdd;
  std::string text;

  bool operator==(const FlowModRequest&) const = default;
};

// The same, borrowing the text (the caller keeps it alive during the call): how the API hands
// over a batch it already holds, without copying a million rule strings.
struct FlowModView {
  FlowModRequest::Command command = FlowModRequest::Command::kAdd;
  std::string_view text;
};

// Views of `mods` (which must outlive them), for the span form of Switch::ModifyFlows.
std::vector<FlowModView> ViewsOf(const std::vector<FlowModRequest>& mods);

// A rule as dump-flows shows it: `text` is in the same syntax add-flow accepts.
struct FlowEntry {
  std::string text;            // "table=0, priority=100, ... actions=output:2" (no statistics)
  uint8_t table = 0;
  uint16_t priority = 0;
  uint64_t cookie = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t duration_ms = 0;
  uint64_t idle_age_ms = 0;    // since the last hit (or since creation if never hit)
  uint16_t idle_timeout = 0;
  uint16_t hard_timeout = 0;
};

struct TableStats {
  uint8_t table = 0;
  uint64_t rules = 0;
  uint64_t matched_packets = 0;  // packets that hit a rule of this table
};

struct FlowModResult {
  size_t mods = 0;               // flow-mods applied
  size_t rules_after = 0;        // rules installed after the batch
  double parse_seconds = 0;       // parsing the texts (done mod by mod, between the applies)
  double commit_seconds = 0;     // the rest: check + apply + compile + publish
  size_t error_index = 0;        // on failure: the first bad flow-mod
};

// A meter as `vsctl dump-meters` shows it.
struct MeterInfo {
  uint32_t id = 0;
  std::string text;           // "meter=1,pktps,burst,bands=type=drop,rate=1000,burst_size=100"
  std::string stats_text;     // one line like ovs-ofctl meter-stats
  uint64_t packets_in = 0;
  uint64_t bytes_in = 0;
  uint64_t packets_dropped = 0;
  uint64_t bytes_dropped = 0;
  uint64_t flow_count = 0;    // rules using it
  double duration_seconds = 0;
};

struct SwitchStats {
  uint64_t tsc_hz = 0;
  uint64_t mac_entries = 0;
  uint64_t mac_learned_total = 0;
  uint64_t mac_learn_dropped = 0;  // learning events lost (queue full, table full, port limit)
};

class SwitchImpl;

class Switch {
 public:
  // Requires an initialised EAL (eal::Init). Uses every worker lcore the EAL was given.
  static std::unique_ptr<Switch> Create(const SwitchOptions& options, Status* status);
  ~Switch();

  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;

  // Starts the worker poll loops and the housekeeping thread (learning, aging).
  Status Start();
  // Stops workers, then closes every port. Idempotent.
  void Stop();

  Status AddPort(const PortConfig& config, PortInfo* info = nullptr);
  Status DeletePort(const std::string& name);
  // Changes admin state (true = forward, false = drop everything on rx and tx).
  Status SetPortAdmin(const std::string& name, bool up);
  Status GetPort(const std::string& name, PortInfo* info) const;
  std::vector<PortInfo> ListPorts() const;

  // Static FDB entries never age and are not moved by learning. For a MAC behind a remote
  // VTEP, `port` is the vxlan port, `vni` its VNI and `remote_ip` the VTEP's address.
  Status AddStaticMac(uint16_t vlan, const std::string& mac, const std::string& port, uint32_t vni = 0,
                      const std::string& remote_ip = "");
  Status DeleteMac(uint16_t vlan, const std::string& mac, uint32_t vni = 0);
  // Removes learned entries (all ports when port is empty); static entries stay.
  Status FlushMacs(const std::string& port);
  std::vector<MacEntry> ListMacs() const;

  // Applies a batch of flow-mods atomically: each mod is parsed, validated and applied in
  // turn, and the batch is published in one RCU update, or none of it is (a bad mod takes back
  // the ones before it; the error names its index and field, result->error_index the index).
  Status ModifyFlows(std::span<const FlowModView> mods, FlowModResult* result = nullptr);
  Status ModifyFlows(const std::vector<FlowModRequest>& mods, FlowModResult* result = nullptr);
  // Rules selected by `filter` (dump-flows syntax: "table=1,cookie=0x5/-1,tcp"; "" = all).
  Status DumpFlows(const std::string& filter, std::vector<FlowEntry>* out) const;
  std::vector<TableStats> GetTableStats() const;
  // `vsctl trace`: walks a packet description ("in_port=vm1,tcp,nw_src=10.0.0.1,tp_dst=80")
  // through the live tables with the workers' own code and describes every step.
  Status Trace(const std::string& flow, std::string* report) const;

  // Meters in ovs-ofctl syntax ("meter=1,pktps,bands=type=drop,rate=1000"). A meter used by
  // flow rules cannot be deleted; a rule cannot use a meter that does not exist.
  Status AddMeter(const std::string& text);
  Status ModifyMeter(const std::string& text);
  Status DeleteMeter(const std::string& selector);  // "meter=N", "meter=all" or ""
  Status ListMeters(const std::string& selector, std::vector<MeterInfo>* out) const;

  // VXLAN networks. A VNI must exist before its frames are accepted from a tunnel; `remotes`
  // replaces the flood list when the VNI exists already.
  Status SetVni(uint32_t vni, const std::vector<std::string>& remotes);
  Status DeleteVni(uint32_t vni);
  std::vector<VniInfo> ListVnis() const;
  // Underlay neighbours (ARP cache of the uplinks) and static routes to remote VTEP subnets.
  Status AddNeighbor(const std::string& ip, const std::string& mac);
  Status DeleteNeighbor(const std::string& ip);
  std::vector<NeighborInfo> ListNeighbors() const;
  Status AddRoute(const std::string& prefix, const std::string& gateway);
  Status DeleteRoute(const std::string& prefix);
  std::vector<RouteInfo> ListRoutes() const;

  std::vector<WorkerStats> GetWorkerStats() const;
  SwitchStats GetStats() const;
  unsigned worker_count() const;

 private:
  explicit Switch(std::unique_ptr<SwitchImpl> impl);
  std::unique_ptr<SwitchImpl> impl_;
};

// Version string, e.g. "0.1.0 (DPDK 22.11.11)".
std::string VersionString();

}  // namespace vswitch
