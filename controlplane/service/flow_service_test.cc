// The FlowTables service end to end in one process: a real Switch, the real server on a unix
// socket, a real client stub, and the state file it persists.
#include "service/flow_service.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "service/unix_socket_server.h"

namespace vswitch::controlplane {
namespace {

class FlowServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "vs-flowsvc-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    SwitchOptions options;
    options.mbufs_per_socket = 4096;
    options.mac_table_size = 1024;
    Status status;
    switch_ = Switch::Create(options, &status);
    ASSERT_NE(switch_, nullptr) << status.message();
    for (const char* name : {"p1", "p2", "p3"}) {
      PortConfig port;
      port.name = name;
      port.type = "null";
      ASSERT_TRUE(switch_->AddPort(port).ok());
    }
    state_ = std::make_unique<StateStore>(dir_ + "/state");
    ASSERT_TRUE(state_->Prepare().ok());
    service_ = std::make_unique<FlowService>(switch_.get(), state_.get());
    std::string socket = dir_ + "/api.sock";
    status = StartUnixSocketServer(socket, {service_.get()}, &server_);
    ASSERT_TRUE(status.ok()) << status.message();
    stub_ = v1::FlowTables::NewStub(grpc::CreateChannel("unix:" + socket, grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    switch_.reset();
    std::filesystem::remove_all(dir_);
  }

  grpc::Status Modify(const std::vector<std::pair<v1::FlowMod::Command, std::string>>& mods,
                      v1::ModifyFlowsResponse* response = nullptr) {
    v1::ModifyFlowsRequest request;
    for (const auto& [command, text] : mods) {
      v1::FlowMod* mod = request.add_mods();
      mod->set_command(command);
      mod->set_text(text);
    }
    v1::ModifyFlowsResponse local;
    grpc::ClientContext context;
    return stub_->ModifyFlows(&context, request, response ? response : &local);
  }

  std::vector<std::string> Dump(const std::string& filter = "") {
    v1::DumpFlowsRequest request;
    request.set_filter(filter);
    v1::DumpFlowsResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub_->DumpFlows(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> texts;
    for (const v1::FlowEntry& flow : response.flows()) texts.push_back(flow.text());
    return texts;
  }

  grpc::Status AddMeter(const std::string& text) {
    v1::AddMeterRequest request;
    request.set_text(text);
    v1::AddMeterResponse response;
    grpc::ClientContext context;
    return stub_->AddMeter(&context, request, &response);
  }

  grpc::Status DeleteMeters(const std::string& selector) {
    v1::DeleteMetersRequest request;
    request.set_selector(selector);
    v1::DeleteMetersResponse response;
    grpc::ClientContext context;
    return stub_->DeleteMeters(&context, request, &response);
  }

  // The flow batches journaled after the snapshot (what a restart replays).
  std::vector<FlowBatch> Journal() {
    v1::Config config;
    bool found = false;
    std::vector<FlowBatch> batches;
    EXPECT_TRUE(state_->Load(&config, &found, &batches).ok());
    return batches;
  }

  v1::Config SavedState() {
    v1::Config config;
    bool found = false;
    EXPECT_TRUE(state_->Load(&config, &found).ok());
    EXPECT_TRUE(found);
    return config;
  }

  std::string dir_;
  std::unique_ptr<Switch> switch_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<FlowService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::FlowTables::Stub> stub_;
};

TEST_F(FlowServiceTest, BatchAddDumpAndPersist) {
  v1::ModifyFlowsResponse response;
  grpc::Status status = Modify({{v1::FlowMod::ADD, "priority=100,in_port=p1,actions=output:p2"},
                                {v1::FlowMod::ADD, "table=1,priority=5,cookie=0x7,ip,nw_dst=10.0.0.0/24,actions=drop"}},
                               &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.mods(), 2u);
  EXPECT_EQ(response.rules_after(), 2u);

  EXPECT_EQ(Dump(), (std::vector<std::string>{"table=0, priority=100,in_port=p1 actions=output:p2",
                                             "cookie=0x7, table=1, priority=5,ip,nw_dst=10.0.0.0/24 actions=drop"}));
  EXPECT_EQ(Dump("table=1"), (std::vector<std::string>{"cookie=0x7, table=1, priority=5,ip,nw_dst=10.0.0.0/24 actions=drop"}));
  EXPECT_EQ(Dump("cookie=0x7/-1").size(), 1u);

  v1::Config saved = SavedState();
  ASSERT_EQ(saved.flows_size(), 2);
  EXPECT_EQ(saved.flows(0), "table=0, priority=100,in_port=p1 actions=output:p2");

  v1::GetTableStatsResponse tables;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->GetTableStats(&context, v1::GetTableStatsRequest(), &tables).ok());
  ASSERT_EQ(tables.tables_size(), 2);
  EXPECT_EQ(tables.tables(0).table(), 0u);
  EXPECT_EQ(tables.tables(0).rules(), 1u);
  EXPECT_EQ(tables.tables(1).table(), 1u);
  EXPECT_EQ(tables.tables(1).rules(), 1u);
}

TEST_F(FlowServiceTest, FlowChangesAreJournaledThenFoldedIntoTheSnapshot) {
  ASSERT_TRUE(Modify({{v1::FlowMod::ADD, "priority=1,in_port=p1,actions=output:p2"}}).ok());
  ASSERT_EQ(SavedState().flows_size(), 1);  // no snapshot yet: the first change writes one
  const uint64_t generation = state_->generation();
  ASSERT_TRUE(Modify({{v1::FlowMod::ADD, "priority=2,in_port=p2,actions=output:p1"},
                      {v1::FlowMod::DELETE_STRICT, "priority=1,in_port=p1"}})
                  .ok());
  EXPECT_EQ(SavedState().flows_size(), 1);  // the snapshot is untouched
  EXPECT_TRUE(std::filesystem::exists(state_->journal_path()));
  std::vector<FlowBatch> journal = Journal();
  ASSERT_EQ(journal.size(), 1u);
  ASSERT_EQ(journal[0].size(), 2u);
  EXPECT_EQ(journal[0][1].command, FlowModRequest::Command::kDeleteStrict);
  EXPECT_EQ(journal[0][1].text, "priority=1,in_port=p1");

  // A crash while appending: the cut batch is not replayed, and says so.
  { std::ofstream(state_->journal_path(), std::ios::app) << "add priority=9,actions=drop\n"; }
  v1::Config config;
  bool found = false;
  std::string note;
  ASSERT_TRUE(state_->Load(&config, &found, &journal, &note).ok());
  EXPECT_EQ(journal.size(), 1u);
  EXPECT_NE(note.find("incomplete"), std::string::npos) << note;

  // A full save writes the next generation with the current flows and drops the journal.
  std::string old_journal = state_->journal_path();
  ASSERT_TRUE(state_->Save(*switch_).ok());
  EXPECT_EQ(state_->generation(), generation + 1);
  EXPECT_FALSE(std::filesystem::exists(old_journal));
  v1::Config saved = SavedState();
  ASSERT_EQ(saved.flows_size(), 1);
  EXPECT_EQ(saved.flows(0), "table=0, priority=2,in_port=p2 actions=output:p1");
  EXPECT_TRUE(Journal().empty());
}

TEST_F(FlowServiceTest, BadRuleRejectsTheWholeBatchWithItsIndex) {
  ASSERT_TRUE(Modify({{v1::FlowMod::ADD, "priority=1,actions=normal"}}).ok());
  v1::Config before = SavedState();

  grpc::Status status = Modify({{v1::FlowMod::ADD, "priority=10,in_port=p1,actions=output:p2"},
                                {v1::FlowMod::ADD, "priority=20,tp_dst=80x,actions=drop"},
                                {v1::FlowMod::DELETE, ""}});
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("flow-mod 1"), std::string::npos) << status.error_message();
  EXPECT_NE(status.error_message().find("tp_dst=80x"), std::string::npos) << status.error_message();
  v1::FlowModError error;
  ASSERT_TRUE(error.ParseFromString(status.error_details()));
  EXPECT_EQ(error.index(), 1u);
  EXPECT_EQ(error.message(), status.error_message());

  // Nothing of the batch was applied (not even the delete-all at the end), nothing persisted.
  EXPECT_EQ(Dump(), (std::vector<std::string>{"table=0, priority=1 actions=NORMAL"}));
  EXPECT_EQ(SavedState().SerializeAsString(), before.SerializeAsString());

  // An unknown port is refused the same way, naming it.
  status = Modify({{v1::FlowMod::ADD, "in_port=nosuch,actions=drop"}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("nosuch"), std::string::npos) << status.error_message();

  // A command number from a newer client.
  v1::ModifyFlowsRequest request;
  request.add_mods()->set_text("actions=drop");
  request.add_mods()->set_command(static_cast<v1::FlowMod::Command>(42));
  v1::ModifyFlowsResponse response;
  grpc::ClientContext context;
  status = stub_->ModifyFlows(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "mods[1].command: unknown command 42");
  ASSERT_TRUE(error.ParseFromString(status.error_details()));
  EXPECT_EQ(error.index(), 1u);
  EXPECT_EQ(Dump(), (std::vector<std::string>{"table=0, priority=1 actions=NORMAL"}));
}

// add_lines (what vsctl add-flows sends): one ADD per line after the mods, in the same
// transaction; a bad line is refused with its index counted after the mods.
TEST_F(FlowServiceTest, PackedAddLinesFollowTheModsInOneTransaction) {
  v1::ModifyFlowsRequest request;
  v1::FlowMod* mod = request.add_mods();
  mod->set_command(v1::FlowMod::ADD);
  mod->set_text("priority=5,arp,actions=normal");
  request.set_add_lines("priority=10,ip,actions=output:p1\npriority=20,ip,actions=output:p2");  // no final '\n'
  v1::ModifyFlowsResponse response;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->ModifyFlows(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(response.mods(), 3u);
  EXPECT_EQ(Dump(), (std::vector<std::string>{"table=0, priority=20,ip actions=output:p2",
                                             "table=0, priority=10,ip actions=output:p1",
                                             "table=0, priority=5,arp actions=NORMAL"}));

  // Line 2 (batch index 2, after the one mod) is bad: nothing of the batch is applied.
  request.set_add_lines("priority=30,ip,actions=drop\npriority=31,ip,bogus=1,actions=drop\n");
  request.mutable_mods(0)->set_text("priority=6,arp,actions=normal");
  grpc::ClientContext context;
  grpc::Status status = stub_->ModifyFlows(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::FlowModError error;
  ASSERT_TRUE(error.ParseFromString(status.error_details()));
  EXPECT_EQ(error.index(), 2u) << status.error_message();
  EXPECT_NE(status.error_message().find("bogus"), std::string::npos) << status.error_message();
  EXPECT_EQ(Dump().size(), 3u);

  // An empty line is an empty rule, refused like any bad one.
  request.set_add_lines("priority=30,ip,actions=drop\n\n");
  grpc::ClientContext again;
  status = stub_->ModifyFlows(&again, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(error.ParseFromString(status.error_details()));
  EXPECT_EQ(error.index(), 2u) << status.error_message();
  EXPECT_EQ(Dump().size(), 3u);
}

TEST_F(FlowServiceTest, ModifyAndDeleteStrictAndNonStrict) {
  ASSERT_TRUE(Modify({{v1::FlowMod::ADD, "priority=10,ip,actions=output:p1"},
                      {v1::FlowMod::ADD, "priority=20,ip,actions=output:p1"},
                      {v1::FlowMod::ADD, "priority=10,arp,actions=normal"}})
                  .ok());
  // Strict: only the priority-20 rule.
  ASSERT_TRUE(Modify({{v1::FlowMod::MODIFY_STRICT, "priority=20,ip,actions=output:p3"}}).ok());
  EXPECT_EQ(Dump("ip"), (std::vector<std::string>{"table=0, priority=20,ip actions=output:p3",
                                                 "table=0, priority=10,ip actions=output:p1"}));
  // Non-strict: every ip rule.
  ASSERT_TRUE(Modify({{v1::FlowMod::MODIFY, "ip,actions=output:p2"}}).ok());
  EXPECT_EQ(Dump("ip"), (std::vector<std::string>{"table=0, priority=20,ip actions=output:p2",
                                                 "table=0, priority=10,ip actions=output:p2"}));
  ASSERT_TRUE(Modify({{v1::FlowMod::DELETE_STRICT, "priority=10,ip"}}).ok());
  EXPECT_EQ(Dump().size(), 2u);
  ASSERT_TRUE(Modify({{v1::FlowMod::DELETE, "ip"}}).ok());
  EXPECT_EQ(Dump(), (std::vector<std::string>{"table=0, priority=10,arp actions=NORMAL"}));
  // The first batch made the snapshot; the later ones are journaled, in commit order.
  EXPECT_EQ(SavedState().flows_size(), 3);
  std::vector<FlowBatch> journal = Journal();
  ASSERT_EQ(journal.size(), 4u);
  EXPECT_EQ(journal[3][0].command, FlowModRequest::Command::kDelete);
  EXPECT_EQ(journal[3][0].text, "ip");
  ASSERT_TRUE(Modify({{v1::FlowMod::DELETE, ""}}).ok());
  EXPECT_TRUE(Dump().empty());
  journal = Journal();
  ASSERT_EQ(journal.size(), 5u);
  EXPECT_EQ(journal[4][0].text, "");
  // Folded into a snapshot: the journal starts over.
  ASSERT_TRUE(state_->Save(*switch_).ok());
  EXPECT_EQ(SavedState().flows_size(), 0);
  EXPECT_TRUE(Journal().empty());

  v1::DumpFlowsRequest bad;
  bad.set_filter("tabel=1");
  v1::DumpFlowsResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->DumpFlows(&context, bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("filter: ", 0), 0u) << status.error_message();
  EXPECT_NE(status.error_message().find("tabel"), std::string::npos) << status.error_message();
}

TEST_F(FlowServiceTest, TraceNamesTableRuleAndFate) {
  ASSERT_TRUE(Modify({{v1::FlowMod::ADD, "priority=100,in_port=p1,tcp,tp_dst=80,actions=output:p2"},
                      {v1::FlowMod::ADD, "priority=0,actions=drop"}})
                  .ok());
  v1::TraceRequest request;
  request.set_flow("in_port=p1,tcp,nw_dst=10.0.0.2,tp_dst=80");
  v1::TraceResponse response;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->Trace(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_NE(response.report().find("table 0"), std::string::npos) << response.report();
  EXPECT_NE(response.report().find("priority=100"), std::string::npos) << response.report();
  EXPECT_NE(response.report().find("output:p2"), std::string::npos) << response.report();

  request.set_flow("in_port=p1,udp,tp_dst=53");
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->Trace(&context, request, &response).ok());
  }
  EXPECT_NE(response.report().find("priority=0 actions=drop"), std::string::npos) << response.report();

  request.set_flow("in_port=p1,tp_dst=80");  // tp_dst without a protocol
  grpc::ClientContext context;
  grpc::Status status = stub_->Trace(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("flow: ", 0), 0u) << status.error_message();
}

TEST_F(FlowServiceTest, MetersUsedByRulesPersistAndGuardDeletion) {
  ASSERT_TRUE(AddMeter("meter=1,pktps,bands=type=drop,rate=1000").ok());
  grpc::Status duplicate = AddMeter("meter=1,pktps,bands=type=drop,rate=5");
  EXPECT_EQ(duplicate.error_code(), grpc::StatusCode::ALREADY_EXISTS) << duplicate.error_message();
  grpc::Status bad = AddMeter("meter=2,pktps,bands=type=dscp_remark,rate=5");
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("dscp_remark"), std::string::npos) << bad.error_message();

  // A rule may use only an existing meter.
  grpc::Status missing = Modify({{v1::FlowMod::ADD, "priority=5,in_port=p1,actions=meter:9,output:p2"}});
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(missing.error_message().find("meter:9"), std::string::npos) << missing.error_message();
  ASSERT_TRUE(Modify({{v1::FlowMod::ADD, "priority=5,in_port=p1,actions=meter:1,output:p2"}}).ok());

  v1::ModifyMeterRequest modify;
  modify.set_text("meter=1,kbps,burst,bands=type=drop,rate=2000,burst_size=100");
  v1::ModifyMeterResponse modified;
  {
    grpc::ClientContext context;
    grpc::Status status = stub_->ModifyMeter(&context, modify, &modified);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  v1::DumpMetersResponse meters;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->DumpMeters(&context, v1::DumpMetersRequest(), &meters).ok());
  }
  ASSERT_EQ(meters.meters_size(), 1);
  EXPECT_EQ(meters.meters(0).id(), 1u);
  EXPECT_EQ(meters.meters(0).text(), "meter=1,kbps,burst,bands=type=drop,rate=2000,burst_size=100");
  EXPECT_EQ(meters.meters(0).flow_count(), 1u);
  EXPECT_NE(meters.meters(0).stats_text().find("meter:1"), std::string::npos) << meters.meters(0).stats_text();

  v1::Config saved = SavedState();
  ASSERT_EQ(saved.meters_size(), 1);
  EXPECT_EQ(saved.meters(0), "meter=1,kbps,burst,bands=type=drop,rate=2000,burst_size=100");
  ASSERT_EQ(saved.flows_size(), 1);

  grpc::Status in_use = DeleteMeters("meter=1");
  EXPECT_FALSE(in_use.ok());
  EXPECT_NE(in_use.error_message().find("1"), std::string::npos) << in_use.error_message();
  EXPECT_EQ(SavedState().meters_size(), 1);

  ASSERT_TRUE(Modify({{v1::FlowMod::DELETE, ""}}).ok());
  ASSERT_TRUE(DeleteMeters("meter=1").ok());
  EXPECT_EQ(SavedState().meters_size(), 0);
  grpc::Status gone = DeleteMeters("meter=1");
  EXPECT_EQ(gone.error_code(), grpc::StatusCode::NOT_FOUND) << gone.error_message();

  v1::DumpMetersRequest unknown;
  unknown.set_selector("meter=77");
  grpc::ClientContext context;
  EXPECT_EQ(stub_->DumpMeters(&context, unknown, &meters).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace vswitch::controlplane
