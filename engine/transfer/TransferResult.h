#pragma once

#include "engine/util/Result.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace hostdeck::engine {

/// How a file transfer ended. On failure `error` names the file (local and remote) and why.
struct TransferResult
{
    bool ok = false;
    bool skipped = false; ///< upload: the destination already had this content (no data sent)
    bool changed = false; ///< the remote file (content or attributes) was changed
    qint64 size = 0;      ///< bytes of the file
    qint64 bytesSent = 0; ///< bytes that actually travelled (0 when skipped)
    QString sha256;       ///< lower-case hex of the file's content
    QJsonObject remote;   ///< the agent's last reply (path, backup, attributes, ...)
    Error error;

    QJsonObject toJson() const;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::TransferResult)
