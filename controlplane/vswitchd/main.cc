// vswitchd: the switch daemon. Start-up order matters for clear failures:
//   1. options and the config file are checked before DPDK starts, so a typo never costs an
//      EAL initialisation (and --help/--version need no hugepages or root);
//   2. the API socket is checked before DPDK too, so a second daemon fails fast;
//   3. EAL, Switch, config (all or nothing), saved state (best effort), workers, API.
// SIGINT/SIGTERM are blocked in every thread (the mask is set before any thread exists) and
// taken synchronously with sigwait in main, so shutdown runs in normal code, not a handler.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "config/config_apply.h"
#include "config/config_file.h"
#include "config/config_validate.h"
#include "config/state_store.h"
#include "convert/switch_convert.h"
#include "eal/eal.h"
#include "heap/heap_hugepages.h"
#include "service/flow_service.h"
#include "service/tunnel_service.h"
#include "service/unix_socket_server.h"
#include "service/vswitch_service.h"
#include "switch/switch.h"
#include "vswitchd/vswitchd_options.h"

namespace {

using namespace vswitch;
using namespace vswitch::controlplane;

int Fail(const std::string& message) {
  std::fprintf(stderr, "vswitchd: error: %s\n", message.c_str());
  return 1;
}

int Run(const VswitchdOptions& options) {
  v1::Config config;
  if (!options.config_file.empty()) {
    Status loaded = LoadConfigFile(options.config_file, &config);
    if (loaded.ok()) loaded = ValidateConfig(config).WithContext(options.config_file);
    if (!loaded.ok()) return Fail(loaded.message());
  }
  StateStore state(options.state_dir);
  if (Status prepared = state.Prepare(); !prepared.ok()) return Fail(prepared.message());
  v1::Config saved_state;
  bool have_state = false;
  std::vector<FlowBatch> journal;  // flow batches committed after the snapshot
  std::string journal_note;
  if (Status loaded = state.Load(&saved_state, &have_state, &journal, &journal_note); !loaded.ok()) {
    return Fail("state file: " + loaded.message() + " (fix or remove it, or start with --state-dir none)");
  }
  if (Status socket = PrepareUnixSocket(options.socket_path); !socket.ok()) return Fail(socket.message());

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (Status eal_status = eal::Init(options.eal); !eal_status.ok()) return Fail("EAL: " + eal_status.message());

  int rc = 0;
  {
    SwitchOptions switch_options = SwitchOptionsFromSettings(config.settings());
    if (options.mbufs != 0) switch_options.mbufs_per_socket = options.mbufs;
    switch_options.idle_sleep_us = options.idle_sleep_us;
    Status status;
    std::unique_ptr<Switch> sw = Switch::Create(switch_options, &status);
    if (!sw) {
      eal::Cleanup();
      return Fail("switch: " + status.message());
    }
    status = ApplyConfig(sw.get(), config);
    if (!status.ok()) status = status.WithContext(options.config_file);
    if (status.ok() && have_state) {
      RestoreResult restored = RestoreState(sw.get(), saved_state);
      for (const std::string& warning : restored.warnings) {
        std::fprintf(stderr, "vswitchd: warning: %s: not restored: %s\n", state.path().c_str(), warning.c_str());
      }
      std::fprintf(stderr, "vswitchd: restored %u ports, %u static MACs, %u meters and %u flows from %s\n",
                   restored.ports_restored, restored.macs_restored, restored.meters_restored,
                   restored.flows_restored, state.path().c_str());
      std::fprintf(stderr, "vswitchd: restored %u VNIs, %u static neighbours and %u routes from %s\n",
                   restored.vnis_restored, restored.neighbors_restored, restored.routes_restored,
                   state.path().c_str());
      if (!journal_note.empty()) std::fprintf(stderr, "vswitchd: warning: %s\n", journal_note.c_str());
      size_t replayed_mods = 0;
      for (size_t i = 0; i < journal.size(); ++i) {
        Status replayed = sw->ModifyFlows(journal[i]);
        if (replayed.ok()) {
          replayed_mods += journal[i].size();
        } else {
          std::fprintf(stderr, "vswitchd: warning: %s: batch %zu not restored: %s\n", state.journal_path().c_str(), i + 1,
                       replayed.message().c_str());
        }
      }
      if (!journal.empty()) {
        std::fprintf(stderr, "vswitchd: replayed %zu flow batches (%zu flow-mods) from %s\n", journal.size(), replayed_mods,
                     state.journal_path().c_str());
      }
    }
    if (status.ok()) status = sw->Start();

    VswitchService service(sw.get(), state.enabled() ? &state : nullptr);
    FlowService flow_service(sw.get(), state.enabled() ? &state : nullptr);
    TunnelService tunnel_service(sw.get(), state.enabled() ? &state : nullptr);
    std::unique_ptr<grpc::Server> server;
    if (status.ok()) {
      status = StartUnixSocketServer(options.socket_path, {&service, &flow_service, &tunnel_service}, &server);
    }
    if (status.ok()) {
      // Record the start-up result (config + restored state) so the file matches reality.
      if (Status saved = state.Save(*sw); !saved.ok()) {
        std::fprintf(stderr, "vswitchd: warning: state not saved: %s\n", saved.message().c_str());
      }
      std::printf("vswitchd: ready on unix:%s\n", options.socket_path.c_str());
      std::fflush(stdout);
      int signal_number = 0;
      sigwait(&stop_signals, &signal_number);
      std::fprintf(stderr, "vswitchd: %s received, shutting down\n", strsignal(signal_number));
      // In-flight RPCs get a moment to finish; new ones are refused.
      server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
      server->Wait();
      ::unlink(options.socket_path.c_str());
    } else {
      rc = Fail(status.message());
    }
    sw->Stop();
  }
  eal::Cleanup();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  VswitchdOptions options;
  Status parsed = ParseVswitchdOptions(std::vector<std::string>(argv, argv + argc), &options);
  if (!parsed.ok()) {
    std::fprintf(stderr, "vswitchd: error: %s (see vswitchd --help)\n", parsed.message().c_str());
    return 2;
  }
  if (options.help) {
    std::printf("%s", options.help_text.c_str());
    return 0;
  }
  if (options.version) {
    std::printf("vswitchd %s\n", vswitch::VersionString().c_str());
    return 0;
  }
  // Before anything starts (no thread, socket or EAL yet): exec keeps the pid and argv.
  ReexecWithHugepageHeap("vswitchd", argv);
  return Run(options);
}
