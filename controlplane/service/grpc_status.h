// Maps the dataplane's Status onto gRPC status codes, keeping the message word for word
// (it names the field and the reason; clients print it as is).
#pragma once

#include <grpcpp/support/status.h>

#include "common/status.h"

namespace vswitch::controlplane {

grpc::StatusCode ToGrpcCode(Status::Code code);
grpc::Status ToGrpcStatus(const Status& status);

}  // namespace vswitch::controlplane
