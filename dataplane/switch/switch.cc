#include "switch/switch.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>
#include <rte_version.h>

#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <set>
#include <mutex>
#include <thread>
#include <tuple>

#include "common/mac_address.h"
#include "flow/flow_table.h"
#include "flow/rule_formatter.h"
#include "flow/rule_parser.h"
#include "l2/mac_table.h"
#include "meter/meter_table.h"
#include "meter/meter_text.h"
#include "port/ethdev_port.h"
#include "port/port_devargs.h"
#include "neighbor/arp.h"
#include "vtep/tunnel_state.h"
#include "vtep/vtep_options.h"
#include "vxlan/vxlan_wire.h"
#include "worker/forwarding_state.h"
#include "worker/worker.h"

namespace vswitch {

namespace {

constexpr unsigned kLearnRingSize = 4096;
// The housekeeping thread drains the workers' learn rings every 1 ms while events come, and
// backs off (doubling) to 16 ms while none do. It shares the control core with whatever else
// runs there (a traffic generator, VMs' vCPUs): waking 1000 times a second for nothing cost
// the memif zero-loss benchmark half its rate (vsbench on that core was preempted each time,
// its pacing slipped and the rings overflowed). A new MAC still stops flooding within a
// millisecond or two of busy traffic, and the first event after a quiet spell waits <= 16 ms.
constexpr auto kHousekeepingMinPeriod = std::chrono::milliseconds(1);
constexpr auto kHousekeepingMaxPeriod = std::chrono::milliseconds(16);
std::atomic<unsigned> g_instance{0};

struct PortTotals {
  uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  uint64_t drops[kNumDropReasons] = {};
};

}  // namespace

struct PortEntry {
  PortConfig config;
  uint32_t port_no = 0;
  bool admin_up = true;
  std::unique_ptr<EthdevPort> dev;   // null for a vxlan port (no device of its own)
  tunnels::VtepOptions vtep;         // vxlan ports only
  PortTotals baseline;  // worker counters for this port number when the port was added
};

class SwitchImpl {
 public:
  SwitchOptions options;
  unsigned instance = 0;
  rte_mempool* pool = nullptr;
  rte_rcu_qsbr* qsbr = nullptr;
  std::unique_ptr<MacTable> macs;
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<rte_ring*> learn_rings;
  std::vector<rte_ring*> inject_rings;
  std::atomic<const ForwardingState*> state{nullptr};
  std::atomic<bool> stop_workers{false};
  bool started = false;
  // Kernel interfaces (by index) whose af-xdp port was closed in this process: DPDK 22.11's
  // net_af_xdp cannot bind an AF_XDP socket to them again until the process exits (the old
  // socket's buffer pool stays attached to the interface queue), so a re-add is refused
  // with that explanation instead of the driver's bare "rx queue setup failed". A recreated
  // interface (a container restarted with a new veth) has a new index and is fine.
  std::set<unsigned> af_xdp_closed_ifindexes;
  uint64_t tsc_hz = 0;
  uint64_t generation = 0;
  unsigned device_counter = 0;

  mutable std::mutex mu;  // the control lock: every API call and the housekeeping thread
  std::map<std::string, std::unique_ptr<PortEntry>> ports;
  // VXLAN: networks (VNI -> flood list), underlay neighbours and routes.
  struct Neighbor {
    std::array<uint8_t, 6> mac;
    bool is_static;
    uint32_t port_no;
    uint64_t seen_tsc;
  };
  std::map<uint32_t, std::vector<uint32_t>> vnis;
  std::map<uint32_t, Neighbor> neighbors;
  std::vector<tunnels::Route> routes;
  std::unique_ptr<flow::RuleCounters> rule_counters;
  std::unique_ptr<flow::FlowTable> flows;
  std::unique_ptr<meter::MeterTable> meters;
  std::map<uint32_t, uint64_t> meter_refs;  // meter id -> rules using it, recounted at each flow commit
  double ns_per_tsc = 0;
  uint64_t mac_learned_total = 0;
  uint64_t mac_learn_rejected = 0;

  std::thread housekeeping;
  std::mutex hk_mu;
  std::condition_variable hk_cv;
  bool hk_stop = false;

  ~SwitchImpl();
  PortTotals SumCounters(uint32_t port_no) const;
  void Publish();
  uint32_t AllocatePortNumber() const;
  PortEntry* FindPort(const std::string& name) const;
  void FillPortInfo(const PortEntry& p, PortInfo* info) const;
  void DrainLearnRings();
  void SendArpRequest(uint32_t target_ip, uint32_t uplink_port);
  std::shared_ptr<const tunnels::TunnelState> BuildTunnelState() const;
  PortEntry* FindPortByNumber(uint32_t port_no) const;
  void ExpireFlows();
  void RecountMeterRefs();
  void HousekeepingLoop();
  uint64_t NowNs() const { return static_cast<uint64_t>(static_cast<double>(rte_rdtsc()) * ns_per_tsc); }
  flow::PortResolver Resolver() const;
  flow::PortNamer Namer() const;
};

SwitchImpl::~SwitchImpl() {
  const ForwardingState* st = state.exchange(nullptr);
  delete st;
  ports.clear();
  macs.reset();
  for (rte_ring* r : learn_rings) rte_ring_free(r);
  for (rte_ring* r : inject_rings) {
    rte_mbuf* m;
    while (rte_ring_dequeue(r, reinterpret_cast<void**>(&m)) == 0) rte_pktmbuf_free(m);
    rte_ring_free(r);
  }
  if (qsbr) rte_free(qsbr);
  if (pool) rte_mempool_free(pool);
}

PortTotals SwitchImpl::SumCounters(uint32_t port_no) const {
  PortTotals t;
  for (const auto& w : workers) {
    const PortCounterBlock& c = w->port_counters(port_no);
    t.rx_packets += CounterRead(c.rx_packets);
    t.rx_bytes += CounterRead(c.rx_bytes);
    t.tx_packets += CounterRead(c.tx_packets);
    t.tx_bytes += CounterRead(c.tx_bytes);
    for (int i = 0; i < kNumDropReasons; ++i) t.drops[i] += CounterRead(c.drops[i]);
  }
  return t;
}

uint32_t SwitchImpl::AllocatePortNumber() const {
  std::vector<bool> used(kMaxPorts, false);
  for (const auto& [name, p] : ports) used[p->port_no] = true;
  for (uint32_t n = 1; n < kMaxPorts; ++n)
    if (!used[n]) return n;
  return 0;
}

PortEntry* SwitchImpl::FindPort(const std::string& name) const {
  auto it = ports.find(name);
  return it == ports.end() ? nullptr : it->second.get();
}

// Builds the next ForwardingState from the port map, publishes it, and frees the previous
// one after an RCU grace period. Called with `mu` held.
void SwitchImpl::Publish() {
  auto* next = new ForwardingState();
  next->generation = ++generation;
  next->macs = macs.get();
  next->rx_by_worker.resize(workers.size());
  std::vector<const PortEntry*> by_number;
  for (const auto& [name, p] : ports) by_number.push_back(p.get());
  std::sort(by_number.begin(), by_number.end(), [](auto* a, auto* b) { return a->port_no < b->port_no; });
  unsigned next_worker = 0;
  for (const PortEntry* p : by_number) {
    PortRuntime& r = next->ports[p->port_no];
    r.present = true;
    r.admin_up = p->admin_up;
    r.domain = p->config.vni;
    if (p->dev == nullptr) {  // vxlan: output means encapsulate towards the uplink
      r.is_tunnel = true;
      continue;
    }
    r.dpdk_port = p->dev->port_id();
    r.tx_queues = p->dev->tx_queues();
    r.tx_shared = p->dev->tx_queues() < workers.size();
    r.tx_locks = p->dev->tx_locks();
    if (p->admin_up) {
      if (p->config.vni == 0) next->flood_ports.push_back(p->port_no);
      next->flood_by_domain[p->config.vni].push_back(p->port_no);
    }
    // Rx queues are dealt round-robin over workers, continuing across ports, so N single-queue
    // ports spread over N workers.
    for (uint16_t q = 0; q < p->dev->rx_queues(); ++q) {
      next->rx_by_worker[next_worker].push_back({p->dev->port_id(), q, p->port_no});
      next_worker = (next_worker + 1) % workers.size();
    }
  }
  next->pipeline = flows->pipeline();
  next->rule_counters = rule_counters.get();
  next->tunnels = BuildTunnelState();
  next->meters = meters->snapshot();
  const ForwardingState* old = state.exchange(next, std::memory_order_acq_rel);
  // Wait until every online worker has finished any iteration that may still use `old`.
  rte_rcu_qsbr_synchronize(qsbr, RTE_QSBR_THRID_INVALID);
  delete old;
  // Only the pipeline just published can still be in use: rule ids retired by older
  // snapshots are free again.
  flows->RecycleRetiredIds(next->pipeline->generation());
  meters->RecycleRetiredSlots(next->meters->generation());
}

void SwitchImpl::RecountMeterRefs() {
  meter_refs.clear();
  if (meters->size() == 0) return;  // no meter, no rule can use one: skip the scan
  for (const flow::InstalledRule* ir : flows->Select(flow::FlowFilter()))
    for (const flow::Action& a : ir->rule.actions)
      if (a.type == flow::ActionType::kMeter) ++meter_refs[a.u32];
}

PortEntry* SwitchImpl::FindPortByNumber(uint32_t port_no) const {
  for (const auto& [name, p] : ports)
    if (p->port_no == port_no) return p.get();
  return nullptr;
}

std::shared_ptr<const tunnels::TunnelState> SwitchImpl::BuildTunnelState() const {
  auto t = std::make_shared<tunnels::TunnelState>();
  for (const auto& [name, p] : ports) {
    if (p->dev != nullptr) continue;
    const PortEntry* uplink = FindPort(p->vtep.uplink);
    if (uplink == nullptr || uplink->dev == nullptr) continue;
    tunnels::VtepRuntime v;
    v.tunnel_port = p->port_no;
    v.uplink_port = uplink->port_no;
    v.local_ip = p->vtep.local_ip;
    v.udp_port = p->vtep.udp_port;
    v.ttl = p->vtep.ttl;
    auto mac = MacAddress::Parse(uplink->dev->MacAddressString());
    if (mac) std::copy(mac->bytes.begin(), mac->bytes.end(), v.mac);
    v.ip_mtu = uplink->config.mtu ? uplink->config.mtu : 1500;
    v.remote_ip = p->vtep.remote_ip;
    v.vni = p->vtep.vni;
    t->vtep_by_tunnel[v.tunnel_port] = static_cast<int16_t>(t->vteps.size());
    t->vtep_by_uplink[v.uplink_port] = static_cast<int16_t>(t->vteps.size());
    t->vteps.push_back(v);
  }
  for (const auto& [vni, remotes] : vnis) t->vni_remotes[vni] = remotes;
  for (const auto& [ip, n] : neighbors) t->neighbors[ip] = n.mac;
  t->routes = routes;
  return t;
}

void SwitchImpl::SendArpRequest(uint32_t target_ip, uint32_t uplink_port) {
  const ForwardingState* st = state.load();
  const tunnels::VtepRuntime* v = st ? st->tunnels->VtepForUplink(uplink_port) : nullptr;
  if (v == nullptr || inject_rings.empty()) return;
  rte_mbuf* m = rte_pktmbuf_alloc(pool);
  if (m == nullptr) return;
  uint8_t* data = reinterpret_cast<uint8_t*>(rte_pktmbuf_append(m, tunnels::kArpFrameBytes));
  tunnels::WriteArpRequest(data, v->mac, v->local_ip, target_ip);
  m->port = static_cast<uint16_t>(uplink_port);
  if (rte_ring_enqueue(inject_rings[0], m) != 0) rte_pktmbuf_free(m);
}

flow::PortResolver SwitchImpl::Resolver() const {
  return [this](std::string_view name) -> std::optional<uint32_t> {
    auto it = ports.find(std::string(name));
    if (it == ports.end()) return std::nullopt;
    return it->second->port_no;
  };
}

flow::PortNamer SwitchImpl::Namer() const {
  return [this](uint32_t port_no) -> std::optional<std::string> {
    for (const auto& [name, p] : ports)
      if (p->port_no == port_no) return name;
    return std::nullopt;
  };
}

void SwitchImpl::ExpireFlows() {
  std::vector<flow::FlowMod> expired = flows->ExpiredRules(NowNs(), rule_counters.get());
  if (expired.empty()) return;
  if (flows->Commit(std::move(expired), NowNs()).ok()) {
    RecountMeterRefs();
    Publish();
  }
}

void SwitchImpl::FillPortInfo(const PortEntry& p, PortInfo* info) const {
  info->config = p.config;
  info->config.admin_up = p.admin_up;
  info->port_no = p.port_no;
  if (p.dev != nullptr) {
    info->dpdk_port_id = p.dev->port_id();
    info->devargs = p.dev->devargs();
    info->mac = p.dev->MacAddressString();
    info->link_up = p.dev->LinkUp(&info->link_speed_mbps);
  } else {
    const PortEntry* uplink = FindPort(p.vtep.uplink);
    info->devargs = "vxlan: local-ip " + tunnels::FormatIpv4(p.vtep.local_ip) + " over " + p.vtep.uplink;
    info->link_up = uplink != nullptr && uplink->dev != nullptr && uplink->dev->LinkUp(nullptr);
    if (uplink != nullptr && uplink->dev != nullptr) info->mac = uplink->dev->MacAddressString();
  }
  PortTotals now = SumCounters(p.port_no);
  PortCounters& c = info->counters;
  c.rx_packets = now.rx_packets - p.baseline.rx_packets;
  c.rx_bytes = now.rx_bytes - p.baseline.rx_bytes;
  c.tx_packets = now.tx_packets - p.baseline.tx_packets;
  c.tx_bytes = now.tx_bytes - p.baseline.tx_bytes;
  c.drops.clear();
  for (int i = 0; i < kNumDropReasons; ++i) c.drops.push_back({kDropReasonNames[i], now.drops[i] - p.baseline.drops[i]});
  DeviceCounters d = p.dev != nullptr ? p.dev->ReadDeviceCounters() : DeviceCounters();
  c.drops.push_back({"rx_missed", d.rx_missed});
  c.drops.push_back({"rx_nombuf", d.rx_nombuf});
  c.drops.push_back({"rx_errors", d.rx_errors});
  c.drops.push_back({"tx_errors", d.tx_errors});
}

void SwitchImpl::DrainLearnRings() {
  bool republish = false;
  LearnEvent events[64];
  const uint64_t now = rte_rdtsc();
  for (rte_ring* ring : learn_rings) {
    unsigned n;
    while ((n = rte_ring_sc_dequeue_burst_elem(ring, events, sizeof(LearnEvent), 64, nullptr)) > 0) {
      for (unsigned i = 0; i < n; ++i) {
        const LearnEvent& ev = events[i];
        const PortEntry* port = FindPortByNumber(ev.port_no);
        if (port == nullptr) continue;  // the port went away after the packet arrived
        if (ev.type == LearnEvent::kMac) {
          LearnResult r = macs->Learn(ev.key, ev.port_no, now, port->config.mac_learning_limit, ev.ip);
          if (r == LearnResult::kLearned || r == LearnResult::kMoved) ++mac_learned_total;
          if (r == LearnResult::kPortLimit || r == LearnResult::kTableFull) ++mac_learn_rejected;
        } else if (ev.type == LearnEvent::kNeighbor) {
          auto it = neighbors.find(ev.ip);
          if (it != neighbors.end() && it->second.is_static) continue;
          std::array<uint8_t, 6> mac;
          std::copy(ev.mac, ev.mac + 6, mac.begin());
          bool changed = it == neighbors.end() || it->second.mac != mac;
          neighbors[ev.ip] = {mac, false, ev.port_no, now};
          if (changed) republish = true;
        } else if (ev.type == LearnEvent::kResolve) {
          SendArpRequest(ev.ip, ev.port_no);
        }
      }
    }
  }
  if (republish) Publish();  // a resolved neighbour: waiting tunnel traffic can go now
}

void SwitchImpl::HousekeepingLoop() {
  uint64_t last_age = rte_rdtsc();
  std::chrono::milliseconds period = kHousekeepingMinPeriod;
  std::unique_lock<std::mutex> hk(hk_mu);
  while (!hk_stop) {
    hk_cv.wait_for(hk, period);
    if (hk_stop) break;
    // Ring counts are read without the switch lock (learn_rings is fixed once workers run).
    bool pending = false;
    for (rte_ring* ring : learn_rings) pending = pending || rte_ring_count(ring) != 0;
    period = pending ? kHousekeepingMinPeriod : std::min(period * 2, kHousekeepingMaxPeriod);
    uint64_t now = rte_rdtsc();
    const bool age_due = now - last_age > tsc_hz;
    if (!pending && !age_due) continue;
    std::lock_guard<std::mutex> lock(mu);
    if (pending) DrainLearnRings();
    if (age_due) {
      macs->Age(now, static_cast<uint64_t>(options.mac_aging_seconds) * tsc_hz);
      ExpireFlows();
      last_age = now;
    }
  }
}

// ---------------------------------------------------------------------------------------

Switch::Switch(std::unique_ptr<SwitchImpl> impl) : impl_(std::move(impl)) {}

Switch::~Switch() { Stop(); }

std::unique_ptr<Switch> Switch::Create(const SwitchOptions& options, Status* status) {
  auto impl = std::make_unique<SwitchImpl>();
  impl->options = options;
  impl->instance = g_instance.fetch_add(1);
  impl->tsc_hz = rte_get_tsc_hz();
  unsigned n_workers = rte_lcore_count() - 1;
  if (n_workers == 0) {
    *status = Status::InvalidArgument("no worker lcore: give the EAL at least two lcores (the main one runs control)");
    return nullptr;
  }
  if (n_workers > kMaxWorkers) {
    *status = Status::InvalidArgument("at most " + std::to_string(kMaxWorkers) + " workers are supported");
    return nullptr;
  }
  if (options.mbufs_per_socket < 1024) {
    *status = Status::InvalidArgument("mbufs: at least 1024 are needed, got " + std::to_string(options.mbufs_per_socket));
    return nullptr;
  }
  std::string tag = std::to_string(impl->instance);
  impl->pool = rte_pktmbuf_pool_create(("vs_mbuf" + tag).c_str(), options.mbufs_per_socket, 256, 0,
                                       RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
  if (impl->pool == nullptr) {
    *status = Status::ResourceExhausted("cannot allocate " + std::to_string(options.mbufs_per_socket) +
                                        " packet buffers: " + rte_strerror(rte_errno) + " (raise --memory or lower --mbufs)");
    return nullptr;
  }
  size_t qsbr_size = rte_rcu_qsbr_get_memsize(n_workers);
  impl->qsbr = static_cast<rte_rcu_qsbr*>(rte_zmalloc("vs_qsbr", qsbr_size, RTE_CACHE_LINE_SIZE));
  if (impl->qsbr == nullptr || rte_rcu_qsbr_init(impl->qsbr, n_workers) != 0) {
    *status = Status::ResourceExhausted("cannot allocate the RCU state");
    return nullptr;
  }
  if (Status s = MacTable::Create(options.mac_table_size, impl->qsbr, ("vs_fdb" + tag).c_str(), &impl->macs); !s.ok()) {
    *status = s;
    return nullptr;
  }
  impl->ns_per_tsc = 1e9 / static_cast<double>(impl->tsc_hz);
  impl->rule_counters = std::make_unique<flow::RuleCounters>(n_workers);
  impl->flows = std::make_unique<flow::FlowTable>(impl->rule_counters.get());
  if (Status s = meter::MeterTable::Create({impl->tsc_hz, n_workers, 4096}, &impl->meters); !s.ok()) {
    *status = s;
    return nullptr;
  }
  SwitchImpl* raw_impl = impl.get();
  impl->meters->SetFlowCounter([raw_impl](uint32_t id) -> uint64_t {
    auto it = raw_impl->meter_refs.find(id);
    return it == raw_impl->meter_refs.end() ? 0 : it->second;
  });
  unsigned index = 0;
  unsigned lcore;
  RTE_LCORE_FOREACH_WORKER(lcore) {
    rte_ring* ring = rte_ring_create_elem(("vs_learn" + tag + "_" + std::to_string(index)).c_str(), sizeof(LearnEvent),
                                          kLearnRingSize, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (ring == nullptr) {
      *status = Status::ResourceExhausted("cannot create the learning ring");
      return nullptr;
    }
    impl->learn_rings.push_back(ring);
    rte_ring* inject = rte_ring_create(("vs_inject" + tag + "_" + std::to_string(index)).c_str(), 256,
                                       static_cast<int>(rte_socket_id()), RING_F_SC_DEQ);
    if (inject == nullptr) {
      *status = Status::ResourceExhausted("cannot create the inject ring");
      return nullptr;
    }
    impl->inject_rings.push_back(inject);
    WorkerConfig wc;
    wc.index = index;
    wc.lcore = lcore;
    wc.qsbr = impl->qsbr;
    wc.state = &impl->state;
    wc.stop = &impl->stop_workers;
    wc.learn_ring = ring;
    wc.pool = impl->pool;
    wc.inject_ring = inject;
    wc.meters = &impl->meters->worker_state(index);
    wc.tsc_hz = impl->tsc_hz;
    wc.idle_sleep_us = options.idle_sleep_us;
    impl->workers.push_back(std::make_unique<Worker>(wc));
    ++index;
  }
  {
    std::lock_guard<std::mutex> lock(impl->mu);
    impl->Publish();
  }
  *status = Status::Ok();
  return std::unique_ptr<Switch>(new Switch(std::move(impl)));
}

namespace {
int WorkerMain(void* arg) {
  static_cast<Worker*>(arg)->Run();
  return 0;
}
}  // namespace

Status Switch::Start() {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.started) return Status::Ok();
  s.stop_workers.store(false);
  for (auto& w : s.workers) {
    int rc = rte_eal_remote_launch(WorkerMain, w.get(), w->config().lcore);
    if (rc != 0) {
      s.stop_workers.store(true);
      rte_eal_mp_wait_lcore();
      return Status::Unavailable("cannot launch worker on lcore " + std::to_string(w->config().lcore) + ": it is busy");
    }
  }
  {
    std::lock_guard<std::mutex> hk(s.hk_mu);
    s.hk_stop = false;
  }
  s.housekeeping = std::thread([&s] { s.HousekeepingLoop(); });
  s.started = true;
  return Status::Ok();
}

void Switch::Stop() {
  SwitchImpl& s = *impl_;
  {
    std::lock_guard<std::mutex> hk(s.hk_mu);
    s.hk_stop = true;
  }
  s.hk_cv.notify_all();
  if (s.housekeeping.joinable()) s.housekeeping.join();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.started) {
    s.stop_workers.store(true);
    rte_eal_mp_wait_lcore();
    s.started = false;
  }
  if (!s.ports.empty()) {
    s.ports.clear();  // closes every device
    s.Publish();
  }
}

Status Switch::AddPort(const PortConfig& config, PortInfo* info) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  const std::string ctx = "port '" + config.name + "'";
  if (Status st = ValidatePortName(config.name); !st.ok()) return st;
  if (s.FindPort(config.name) != nullptr) return Status::AlreadyExists(ctx + " already exists");
  if (!config.mac.empty() && !MacAddress::Parse(config.mac))
    return Status::InvalidArgument(ctx + ": mac '" + config.mac + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
  if (config.mtu != 0 && (config.mtu < 68 || config.mtu > 9600))
    return Status::InvalidArgument(ctx + ": mtu must be 68-9600, got " + std::to_string(config.mtu));
  if (config.rx_queues < 1 || config.rx_queues > 64)
    return Status::InvalidArgument(ctx + ": rx queues must be 1-64, got " + std::to_string(config.rx_queues));
  for (const auto& [name, p] : s.ports) {
    // Two ports on one kernel interface or socket would steal each other's packets.
    for (const char* key : {"iface", "path", "socket", "rx-pcap", "addr"}) {
      auto a = config.options.find(key);
      auto b = p->config.options.find(key);
      if (a != config.options.end() && b != p->config.options.end() && a->second == b->second && config.type == p->config.type)
        return Status::AlreadyExists(ctx + ": " + key + "=" + a->second + " is already used by port '" + name + "'");
    }
  }
  if (config.type == "af-packet" || config.type == "af-xdp" || (config.type == "pcap" && config.options.count("iface"))) {
    const std::string& iface = config.options.count("iface") ? config.options.at("iface") : std::string();
    const unsigned ifindex = iface.empty() ? 0 : if_nametoindex(iface.c_str());
    if (!iface.empty() && ifindex == 0)
      return Status::NotFound(ctx + ": kernel interface '" + iface + "' does not exist");
    if (config.type == "af-xdp" && s.af_xdp_closed_ifindexes.count(ifindex))
      return Status::Unavailable(ctx + ": interface '" + iface + "' had an af-xdp port earlier in this vswitchd process, and DPDK 22.11's "
                                 "net_af_xdp cannot bind AF_XDP to it again in the same process: add it as type af-packet, "
                                 "or restart vswitchd (ports come back from the state directory)");
  }
  if (config.vni > tunnels::kMaxVni) return Status::InvalidArgument(ctx + ": vni must be 0-16777215, got " + std::to_string(config.vni));
  uint32_t port_no = s.AllocatePortNumber();
  if (port_no == 0) return Status::ResourceExhausted(ctx + ": the switch already has the maximum of " + std::to_string(kMaxPorts - 1) + " ports");
  if (config.type == "vxlan") {
    // A VTEP: no device of its own; it sends and receives through its uplink port.
    auto entry = std::make_unique<PortEntry>();
    if (Status st = tunnels::ParseVtepOptions(config.options, &entry->vtep); !st.ok()) return st.WithContext(ctx);
    const PortEntry* uplink = s.FindPort(entry->vtep.uplink);
    if (uplink == nullptr) return Status::NotFound(ctx + ": uplink port '" + entry->vtep.uplink + "' does not exist");
    if (uplink->dev == nullptr) return Status::InvalidArgument(ctx + ": uplink '" + entry->vtep.uplink + "' is itself a vxlan port");
    for (const auto& [name, p] : s.ports)
      if (p->dev == nullptr && p->vtep.uplink == entry->vtep.uplink)
        return Status::AlreadyExists(ctx + ": uplink '" + entry->vtep.uplink + "' already carries vxlan port '" + name + "'");
    if (config.vni != 0) return Status::InvalidArgument(ctx + ": a vxlan port carries every VNI; use option key=VNI to fix one");
    entry->config = config;
    entry->port_no = port_no;
    entry->admin_up = config.admin_up;
    entry->baseline = s.SumCounters(port_no);
    PortEntry* raw = entry.get();
    s.ports.emplace(config.name, std::move(entry));
    s.Publish();
    if (info) s.FillPortInfo(*raw, info);
    return Status::Ok();
  }
  PortDevargs devargs;
  if (Status st = BuildPortDevargs(config, std::to_string(s.instance) + "_" + std::to_string(++s.device_counter), &devargs); !st.ok()) return st;

  EthdevPortOptions eo;
  eo.rx_queues = config.rx_queues;
  eo.tx_queues = static_cast<uint16_t>(s.workers.size());
  eo.rx_descriptors = s.options.rx_descriptors;
  eo.tx_descriptors = s.options.tx_descriptors;
  eo.mtu = config.mtu;
  eo.mac = config.mac;
  auto entry = std::make_unique<PortEntry>();
  if (Status st = EthdevPort::Open(devargs, eo, s.pool, &entry->dev); !st.ok()) return st.WithContext(ctx);
  entry->config = config;
  entry->port_no = port_no;
  entry->admin_up = config.admin_up;
  entry->baseline = s.SumCounters(port_no);
  PortEntry* raw = entry.get();
  s.ports.emplace(config.name, std::move(entry));
  s.Publish();
  if (info) s.FillPortInfo(*raw, info);
  return Status::Ok();
}

Status Switch::DeletePort(const std::string& name) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  auto it = s.ports.find(name);
  if (it == s.ports.end()) return Status::NotFound("port '" + name + "' does not exist");
  for (const auto& [other, p] : s.ports)
    if (p->dev == nullptr && p->vtep.uplink == name)
      return Status::InvalidArgument("port '" + name + "' is the uplink of vxlan port '" + other + "': delete that first");
  std::unique_ptr<PortEntry> victim = std::move(it->second);
  s.ports.erase(it);
  if (victim->config.type == "af-xdp" && victim->config.options.count("iface"))
    if (unsigned ifindex = if_nametoindex(victim->config.options.at("iface").c_str()); ifindex != 0)
      s.af_xdp_closed_ifindexes.insert(ifindex);
  s.Publish();  // after this no worker polls or sends to the device
  s.macs->FlushPort(victim->port_no, /*include_static=*/true);
  victim.reset();  // stops, closes and detaches the device
  return Status::Ok();
}

Status Switch::SetPortAdmin(const std::string& name, bool up) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  PortEntry* p = s.FindPort(name);
  if (p == nullptr) return Status::NotFound("port '" + name + "' does not exist");
  if (p->admin_up == up) return Status::Ok();
  p->admin_up = up;
  p->config.admin_up = up;
  s.Publish();
  return Status::Ok();
}

Status Switch::GetPort(const std::string& name, PortInfo* info) const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  PortEntry* p = s.FindPort(name);
  if (p == nullptr) return Status::NotFound("port '" + name + "' does not exist");
  s.FillPortInfo(*p, info);
  return Status::Ok();
}

std::vector<PortInfo> Switch::ListPorts() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<PortInfo> out;
  for (const auto& [name, p] : s.ports) {
    out.emplace_back();
    s.FillPortInfo(*p, &out.back());
  }
  std::sort(out.begin(), out.end(), [](const PortInfo& a, const PortInfo& b) { return a.port_no < b.port_no; });
  return out;
}

namespace {
Status ParseMacKey(uint16_t vlan, const std::string& mac_text, uint32_t vni, MacKey* key) {
  if (vlan > 4095) return Status::InvalidArgument("vlan must be 0-4095, got " + std::to_string(vlan));
  if (vni > tunnels::kMaxVni) return Status::InvalidArgument("vni must be 0-16777215, got " + std::to_string(vni));
  auto mac = MacAddress::Parse(mac_text);
  if (!mac) return Status::InvalidArgument("mac '" + mac_text + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
  if (mac->IsMulticast()) return Status::InvalidArgument("mac " + mac_text + " is a multicast/broadcast address");
  key->vlan = vlan;
  key->domain = vni;
  std::copy(mac->bytes.begin(), mac->bytes.end(), key->mac);
  return Status::Ok();
}
}  // namespace

Status Switch::AddStaticMac(uint16_t vlan, const std::string& mac, const std::string& port, uint32_t vni,
                            const std::string& remote_ip) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  MacKey key;
  if (Status st = ParseMacKey(vlan, mac, vni, &key); !st.ok()) return st;
  PortEntry* p = s.FindPort(port);
  if (p == nullptr) return Status::NotFound("port '" + port + "' does not exist");
  uint32_t remote = 0;
  if (p->dev == nullptr) {
    if (vni == 0) return Status::InvalidArgument("a MAC behind vxlan port '" + port + "' needs its vni");
    if (!tunnels::ParseIpv4(remote_ip, &remote) || remote == 0)
      return Status::InvalidArgument("a MAC behind vxlan port '" + port + "' needs remote_ip (the remote VTEP), got '" + remote_ip + "'");
  } else {
    if (!remote_ip.empty()) return Status::InvalidArgument("remote_ip is only for MACs behind a vxlan port");
    if (vni != p->config.vni)
      return Status::InvalidArgument("port '" + port + "' is in vni " + std::to_string(p->config.vni) + ", not " + std::to_string(vni));
  }
  return s.macs->AddStatic(key, p->port_no, remote);
}

Status Switch::DeleteMac(uint16_t vlan, const std::string& mac, uint32_t vni) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  MacKey key;
  if (Status st = ParseMacKey(vlan, mac, vni, &key); !st.ok()) return st;
  if (!s.macs->Delete(key)) return Status::NotFound("no FDB entry for " + mac + " on VLAN " + std::to_string(vlan));
  return Status::Ok();
}

Status Switch::FlushMacs(const std::string& port) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  uint32_t port_no = 0;
  if (!port.empty()) {
    PortEntry* p = s.FindPort(port);
    if (p == nullptr) return Status::NotFound("port '" + port + "' does not exist");
    port_no = p->port_no;
  }
  s.macs->FlushPort(port_no, /*include_static=*/false);
  return Status::Ok();
}

std::vector<MacEntry> Switch::ListMacs() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<std::string> names(kMaxPorts);
  for (const auto& [name, p] : s.ports) names[p->port_no] = name;
  const uint64_t now = rte_rdtsc();
  std::vector<MacEntry> out;
  for (const MacTableEntryView& v : s.macs->Snapshot()) {
    if (v.port_no == MacTable::kNoPort || v.port_no >= kMaxPorts) continue;
    MacEntry e;
    e.vlan = v.key.vlan;
    e.vni = v.key.domain;
    if (v.remote_ip != 0) e.remote_ip = tunnels::FormatIpv4(v.remote_ip);
    MacAddress mac;
    std::copy(v.key.mac, v.key.mac + 6, mac.bytes.begin());
    e.mac = mac.ToString();
    e.port = names[v.port_no];
    e.is_static = v.is_static;
    e.age_seconds = v.is_static || now < v.last_seen_tsc ? 0 : static_cast<uint32_t>((now - v.last_seen_tsc) / s.tsc_hz);
    out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const MacEntry& a, const MacEntry& b) {
    return std::tie(a.port, a.vni, a.vlan, a.mac) < std::tie(b.port, b.vni, b.vlan, b.mac);
  });
  return out;
}

namespace {

flow::FlowModCommand ToFlowCommand(FlowModRequest::Command c) {
  switch (c) {
    case FlowModRequest::Command::kAdd: return flow::FlowModCommand::kAdd;
    case FlowModRequest::Command::kModify: return flow::FlowModCommand::kModify;
    case FlowModRequest::Command::kModifyStrict: return flow::FlowModCommand::kModifyStrict;
    case FlowModRequest::Command::kDelete: return flow::FlowModCommand::kDelete;
    case FlowModRequest::Command::kDeleteStrict: return flow::FlowModCommand::kDeleteStrict;
  }
  return flow::FlowModCommand::kAdd;
}

double SecondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

std::vector<FlowModView> ViewsOf(const std::vector<FlowModRequest>& mods) {
  std::vector<FlowModView> views;
  views.reserve(mods.size());
  for (const FlowModRequest& m : mods) views.push_back({m.command, m.text});
  return views;
}

Status Switch::ModifyFlows(const std::vector<FlowModRequest>& requests, FlowModResult* result) {
  const std::vector<FlowModView> views = ViewsOf(requests);
  return ModifyFlows(std::span<const FlowModView>(views), result);
}

Status Switch::ModifyFlows(std::span<const FlowModView> requests, FlowModResult* result) {
  SwitchImpl& s = *impl_;
  FlowModResult local;
  FlowModResult& r = result ? *result : local;
  r = FlowModResult();
  std::lock_guard<std::mutex> lock(s.mu);
  auto t0 = std::chrono::steady_clock::now();
  // Each text is parsed and checked just before the flow table applies it (a million parsed
  // mods never sit in memory at once); a bad mod anywhere still rejects the whole batch, the
  // table's undo log taking back what was applied before it.
  flow::PortResolver resolver = s.Resolver();
  size_t adds = 0;
  for (const FlowModView& m : requests) adds += m.command == FlowModRequest::Command::kAdd;
  uint64_t parse_cycles = 0;
  auto parse = [&](size_t i, flow::FlowMod* mod) -> Status {
    uint64_t start = rte_rdtsc();
    Status st = flow::ParseFlowMod(requests[i].text, ToFlowCommand(requests[i].command), resolver, mod);
    if (st.ok()) {
      for (const flow::Action& a : mod->rule.actions) {
        if (a.type == flow::ActionType::kMeter && !s.meters->Contains(a.u32))
          st = Status::InvalidArgument("actions: meter:" + std::to_string(a.u32) + ": no such meter (add it with add-meter first)");
        if (a.type == flow::ActionType::kOutput && (a.u32 == 0 || a.u32 >= kMaxPorts))
          st = Status::InvalidArgument("actions: output:" + std::to_string(a.u32) + ": port numbers are 1-" + std::to_string(kMaxPorts - 1));
      }
    }
    parse_cycles += rte_rdtsc() - start;
    return st.ok() ? st : st.WithContext("flow-mod " + std::to_string(i));
  };
  flow::BundleError err;
  Status committed = s.flows->Commit(requests.size(), adds, parse, s.NowNs(), &err);
  if (!committed.ok()) {
    r.error_index = err.index;
    return committed;
  }
  r.parse_seconds = static_cast<double>(parse_cycles) / static_cast<double>(rte_get_tsc_hz());
  s.RecountMeterRefs();
  s.Publish();
  r.commit_seconds = SecondsSince(t0) - r.parse_seconds;
  r.mods = requests.size();
  r.rules_after = s.flows->size();
  return Status::Ok();
}

Status Switch::DumpFlows(const std::string& filter_text, std::vector<FlowEntry>* out) const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  flow::FlowFilter filter;
  if (Status st = flow::ParseFlowFilter(filter_text, s.Resolver(), &filter); !st.ok()) return st;
  const uint64_t now = s.NowNs();
  flow::PortNamer namer = s.Namer();
  out->clear();
  for (const flow::InstalledRule* ir : s.flows->Select(filter)) {
    flow::RuleStats stats = s.rule_counters->Read(ir->id);
    FlowEntry e;
    e.text = flow::FormatRule(ir->rule.ToRule(), namer);
    e.table = ir->rule.table;
    e.priority = ir->rule.priority;
    e.cookie = ir->rule.cookie;
    e.packets = stats.packets;
    e.bytes = stats.bytes;
    e.duration_ms = now > ir->created_ns ? (now - ir->created_ns) / 1'000'000 : 0;
    uint64_t last = std::max(ir->created_ns, stats.last_hit);
    e.idle_age_ms = now > last ? (now - last) / 1'000'000 : 0;
    e.idle_timeout = ir->rule.idle_timeout;
    e.hard_timeout = ir->rule.hard_timeout;
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

std::vector<TableStats> Switch::GetTableStats() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::map<uint8_t, TableStats> tables;
  tables[0].table = 0;  // table 0 always exists
  for (const flow::InstalledRule* ir : s.flows->Select(flow::FlowFilter())) {
    TableStats& t = tables[ir->rule.table];
    t.table = ir->rule.table;
    ++t.rules;
    t.matched_packets += s.rule_counters->Read(ir->id).packets;
  }
  std::vector<TableStats> out;
  for (auto& [id, t] : tables) out.push_back(t);
  return out;
}

Status Switch::Trace(const std::string& flow_text, std::string* report) const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  FlowKey key;
  if (Status st = flow::ParseTraceFlow(flow_text, s.Resolver(), &key); !st.ok()) return st;
  if (key.in_port != 0 && s.Namer()(key.in_port) == std::nullopt)
    return Status::NotFound("in_port " + std::to_string(key.in_port) + " is not a port of this switch");
  *report = s.flows->Trace(key, s.Namer());
  // What NORMAL would do with this packet right now, from the live FDB.
  const flow::FlowPipeline& pipeline = *s.flows->pipeline();
  flow::PipelineResult result;
  pipeline.Walk(key, &result);
  bool uses_normal = false;
  pipeline.ForEachAction(result, [&](const flow::Action& a) { uses_normal |= a.type == flow::ActionType::kNormal; });
  if (uses_normal) {
    MacAddress dst;
    std::copy(key.eth_dst, key.eth_dst + 6, dst.bytes.begin());
    std::string line = "normal: ";
    if (dst.IsMulticast()) {
      line += "destination " + dst.ToString() + " is multicast/broadcast: flood";
    } else {
      MacKey mk;
      mk.vlan = key.vlan_tci & 0x0fff;
      std::copy(key.eth_dst, key.eth_dst + 6, mk.mac);
      const MacKey* ptrs[1] = {&mk};
      int32_t slot;
      s.macs->LookupBurst(ptrs, 1, &slot);
      uint32_t port = slot < 0 ? MacTable::kNoPort : s.macs->PortOf(slot);
      auto name = s.Namer()(port);
      if (port == MacTable::kNoPort || !name) {
        line += "destination " + dst.ToString() + " not learned on VLAN " + std::to_string(mk.vlan) + ": flood";
      } else if (port == key.in_port) {
        line += "destination " + dst.ToString() + " is on the input port: drop (same_port)";
      } else {
        line += "destination " + dst.ToString() + " learned on " + *name + ": output:" + *name;
      }
    }
    *report += line + "\n";
  }
  return Status::Ok();
}

// ---- meters ----

Status Switch::AddMeter(const std::string& text) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  meter::MeterSpec spec;
  if (Status st = meter::ParseMeter(text, &spec); !st.ok()) return st;
  if (Status st = s.meters->Add(spec, rte_rdtsc()); !st.ok()) return st;
  s.Publish();
  return Status::Ok();
}

Status Switch::ModifyMeter(const std::string& text) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  meter::MeterSpec spec;
  if (Status st = meter::ParseMeter(text, &spec); !st.ok()) return st;
  if (Status st = s.meters->Modify(spec, rte_rdtsc()); !st.ok()) return st;
  s.Publish();
  return Status::Ok();
}

Status Switch::DeleteMeter(const std::string& selector) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  uint32_t id;
  if (Status st = meter::ParseMeterSelector(selector, &id); !st.ok()) return st;
  if (Status st = s.meters->Delete(id); !st.ok()) return st;
  s.Publish();
  return Status::Ok();
}

Status Switch::ListMeters(const std::string& selector, std::vector<MeterInfo>* out) const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  uint32_t id;
  if (Status st = meter::ParseMeterSelector(selector, &id); !st.ok()) return st;
  std::vector<meter::MeterEntry> entries;
  if (Status st = s.meters->List(id, rte_rdtsc(), &entries); !st.ok()) return st;
  out->clear();
  for (const meter::MeterEntry& e : entries) {
    MeterInfo m;
    m.id = e.spec.id;
    m.text = meter::FormatMeter(e.spec);
    m.stats_text = meter::FormatMeterStats(e);
    m.packets_in = e.stats.packets_in;
    m.bytes_in = e.stats.bytes_in;
    m.packets_dropped = e.stats.packets_dropped;
    m.bytes_dropped = e.stats.bytes_dropped;
    m.flow_count = e.flow_count;
    m.duration_seconds = e.duration_seconds;
    out->push_back(m);
  }
  return Status::Ok();
}

// ---- VXLAN networks, neighbours, routes ----

Status Switch::SetVni(uint32_t vni, const std::vector<std::string>& remotes) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (vni == 0 || vni > tunnels::kMaxVni) return Status::InvalidArgument("vni must be 1-16777215, got " + std::to_string(vni));
  std::vector<uint32_t> ips;
  for (const std::string& r : remotes) {
    uint32_t ip;
    if (!tunnels::ParseIpv4(r, &ip) || ip == 0) return Status::InvalidArgument("remote '" + r + "' is not an IPv4 address");
    if (std::find(ips.begin(), ips.end(), ip) != ips.end()) return Status::InvalidArgument("remote " + r + " is listed twice");
    ips.push_back(ip);
  }
  s.vnis[vni] = ips;
  s.Publish();
  return Status::Ok();
}

Status Switch::DeleteVni(uint32_t vni) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.vnis.erase(vni) == 0) return Status::NotFound("vni " + std::to_string(vni) + " does not exist");
  s.Publish();
  // Forget what was learned in that network: its frames are no longer accepted.
  for (const MacTableEntryView& v : s.macs->Snapshot())
    if (v.key.domain == vni && !v.is_static) s.macs->Delete(v.key);
  return Status::Ok();
}

std::vector<VniInfo> Switch::ListVnis() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<VniInfo> out;
  for (const auto& [vni, remotes] : s.vnis) {
    VniInfo v;
    v.vni = vni;
    for (uint32_t ip : remotes) v.remotes.push_back(tunnels::FormatIpv4(ip));
    for (const auto& [name, p] : s.ports)
      if (p->config.vni == vni) v.ports.push_back(name);
    out.push_back(v);
  }
  return out;
}

Status Switch::AddNeighbor(const std::string& ip_text, const std::string& mac_text) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  uint32_t ip;
  if (!tunnels::ParseIpv4(ip_text, &ip) || ip == 0) return Status::InvalidArgument("'" + ip_text + "' is not an IPv4 address");
  auto mac = MacAddress::Parse(mac_text);
  if (!mac || mac->IsMulticast() || mac->IsZero()) return Status::InvalidArgument("'" + mac_text + "' is not a unicast MAC address");
  SwitchImpl::Neighbor n;
  std::copy(mac->bytes.begin(), mac->bytes.end(), n.mac.begin());
  n.is_static = true;
  n.port_no = 0;
  n.seen_tsc = rte_rdtsc();
  s.neighbors[ip] = n;
  s.Publish();
  return Status::Ok();
}

Status Switch::DeleteNeighbor(const std::string& ip_text) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  uint32_t ip;
  if (!tunnels::ParseIpv4(ip_text, &ip)) return Status::InvalidArgument("'" + ip_text + "' is not an IPv4 address");
  if (s.neighbors.erase(ip) == 0) return Status::NotFound("no neighbour " + ip_text);
  s.Publish();
  return Status::Ok();
}

std::vector<NeighborInfo> Switch::ListNeighbors() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<NeighborInfo> out;
  const uint64_t now = rte_rdtsc();
  for (const auto& [ip, n] : s.neighbors) {
    NeighborInfo i;
    i.ip = tunnels::FormatIpv4(ip);
    MacAddress mac;
    mac.bytes = n.mac;
    i.mac = mac.ToString();
    i.is_static = n.is_static;
    const PortEntry* p = s.FindPortByNumber(n.port_no);
    if (p != nullptr && !n.is_static) i.port = p->config.name;
    i.age_seconds = n.is_static ? 0 : static_cast<uint32_t>((now - n.seen_tsc) / s.tsc_hz);
    out.push_back(i);
  }
  return out;
}

Status Switch::AddRoute(const std::string& prefix_text, const std::string& gateway_text) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  tunnels::Route r;
  if (!tunnels::ParseIpv4Prefix(prefix_text, &r.prefix, &r.length))
    return Status::InvalidArgument("'" + prefix_text + "' is not an IPv4 prefix (A.B.C.D/LEN)");
  if (!tunnels::ParseIpv4(gateway_text, &r.gateway) || r.gateway == 0)
    return Status::InvalidArgument("gateway '" + gateway_text + "' is not an IPv4 address");
  r.mask = r.length == 0 ? 0 : htonl(~0u << (32 - r.length));
  for (auto& existing : s.routes) {
    if (existing.prefix == r.prefix && existing.length == r.length) {
      existing.gateway = r.gateway;  // replace, like `ip route replace`
      s.Publish();
      return Status::Ok();
    }
  }
  s.routes.push_back(r);
  std::stable_sort(s.routes.begin(), s.routes.end(), [](const tunnels::Route& a, const tunnels::Route& b) { return a.length > b.length; });
  s.Publish();
  return Status::Ok();
}

Status Switch::DeleteRoute(const std::string& prefix_text) {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  uint32_t prefix;
  uint8_t length;
  if (!tunnels::ParseIpv4Prefix(prefix_text, &prefix, &length))
    return Status::InvalidArgument("'" + prefix_text + "' is not an IPv4 prefix (A.B.C.D/LEN)");
  auto it = std::find_if(s.routes.begin(), s.routes.end(), [&](const tunnels::Route& r) { return r.prefix == prefix && r.length == length; });
  if (it == s.routes.end()) return Status::NotFound("no route " + prefix_text);
  s.routes.erase(it);
  s.Publish();
  return Status::Ok();
}

std::vector<RouteInfo> Switch::ListRoutes() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<RouteInfo> out;
  for (const auto& r : s.routes) out.push_back({tunnels::FormatIpv4(r.prefix) + "/" + std::to_string(r.length), tunnels::FormatIpv4(r.gateway)});
  return out;
}

std::vector<WorkerStats> Switch::GetWorkerStats() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::vector<WorkerStats> out;
  const ForwardingState* st = s.state.load();
  for (const auto& w : s.workers) {
    WorkerStats ws;
    const WorkerCounters& c = w->counters();
    ws.worker_index = w->config().index;
    ws.lcore = w->config().lcore;
    ws.busy_cycles = CounterRead(c.busy_cycles);
    ws.idle_cycles = CounterRead(c.idle_cycles);
    ws.rx_packets = CounterRead(c.rx_packets);
    ws.tx_packets = CounterRead(c.tx_packets);
    ws.iterations = CounterRead(c.iterations);
    ws.cycles_per_packet = ws.rx_packets ? static_cast<double>(ws.busy_cycles) / ws.rx_packets : 0;
    if (st != nullptr && ws.worker_index < st->rx_by_worker.size()) {
      for (const RxAssignment& rx : st->rx_by_worker[ws.worker_index]) {
        std::string name = "?";
        for (const auto& [n, p] : s.ports)
          if (p->port_no == rx.port_no) name = n;
        ws.rx_queues.push_back(name + ":" + std::to_string(rx.queue));
      }
    }
    out.push_back(ws);
  }
  return out;
}

SwitchStats Switch::GetStats() const {
  SwitchImpl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  SwitchStats st;
  st.tsc_hz = s.tsc_hz;
  st.mac_entries = s.macs->size();
  st.mac_learned_total = s.mac_learned_total;
  st.mac_learn_dropped = s.mac_learn_rejected;
  for (const auto& w : s.workers) st.mac_learn_dropped += CounterRead(w->counters().learn_events_dropped);
  return st;
}

unsigned Switch::worker_count() const { return static_cast<unsigned>(impl_->workers.size()); }

std::string VersionString() { return std::string("0.1.0 (") + rte_version() + ")"; }

}  // namespace vswitch
