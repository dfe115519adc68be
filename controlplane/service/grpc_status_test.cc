#include "service/grpc_status.h"

#include <gtest/gtest.h>

namespace vswitch::controlplane {
namespace {

TEST(GrpcStatus, CodesMapOneToOneAndMessagesAreKept) {
  struct Case {
    Status status;
    grpc::StatusCode code;
  };
  const Case cases[] = {
      {Status::InvalidArgument("port 'a': bad"), grpc::StatusCode::INVALID_ARGUMENT},
      {Status::NotFound("port 'a' not found"), grpc::StatusCode::NOT_FOUND},
      {Status::AlreadyExists("port 'a' exists"), grpc::StatusCode::ALREADY_EXISTS},
      {Status::Unavailable("device busy"), grpc::StatusCode::UNAVAILABLE},
      {Status::ResourceExhausted("no mbufs"), grpc::StatusCode::RESOURCE_EXHAUSTED},
      {Status::Internal("bug"), grpc::StatusCode::INTERNAL},
  };
  for (const Case& c : cases) {
    grpc::Status converted = ToGrpcStatus(c.status);
    EXPECT_EQ(converted.error_code(), c.code) << c.status.message();
    EXPECT_EQ(converted.error_message(), c.status.message());
  }
  EXPECT_TRUE(ToGrpcStatus(Status::Ok()).ok());
}

}  // namespace
}  // namespace vswitch::controlplane
