// The API endpoint: a gRPC server on a unix socket ("unix:PATH").
//
// A unix socket is the access control: only root and the socket's group (mode 0660) can
// reach it, as with Open vSwitch's db.sock. Start-up must not steal a live daemon's socket,
// and must not be blocked by the file a crashed daemon left behind; PrepareUnixSocket tells
// the two apart by trying to connect.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace vswitch::controlplane {

// Creates the parent directory; removes a stale socket file (nothing accepts on it);
// fails with "socket PATH is in use by another vswitchd" if something answers, and fails
// if PATH exists but is not a socket.
Status PrepareUnixSocket(const std::string& path);

// PrepareUnixSocket, then builds and starts a gRPC server with `services` on unix:PATH and
// sets the socket's mode to 0660.
Status StartUnixSocketServer(const std::string& path, const std::vector<grpc::Service*>& services,
                             std::unique_ptr<grpc::Server>* server);

}  // namespace vswitch::controlplane
