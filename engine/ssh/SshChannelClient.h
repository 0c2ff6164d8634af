#pragma once

#include "engine/transport/Transport.h"
#include "engine/util/Result.h"

#include <QByteArray>

namespace hostdeck::engine {

/// Receives what happens on one SshChannel. Calls come from SshConnection's event dispatch, never
/// from inside a call the client made, so a client may write, abort or delete itself in them
/// (deleting must call SshConnection::releaseChannel first).
class SshChannelClient
{
public:
    virtual ~SshChannelClient() = default;
    virtual void channelOpened() = 0;
    virtual void channelStdout(const QByteArray& data) = 0;
    virtual void channelStderr(const QByteArray& data) = 0;
    /// Queued input went below the low-water mark: a producer may write more.
    virtual void channelDrained() {}
    /// The far end sent EOF on its output (no more channelStdout).
    virtual void channelEof() {}
    virtual void channelFinished(const TransportExit& exit) = 0;
    virtual void channelFailed(const Error& error) = 0;
};

} // namespace hostdeck::engine
