#pragma once

#include "ssh/SshSettings.h"

#include <QJsonObject>
#include <QMetaType>
#include <QStringList>

namespace hostdeck::engine {

/// Where and how to start an agent: the local machine (a process) or an SSH host.
/// A plain value: no secrets inside (they come from the credential provider when needed).
struct HostTarget
{
    enum class Kind
    {
        Local,
        Ssh
    };

    QString name; ///< unique key in runs and results
    Kind kind = Kind::Local;
    SshSettings ssh; ///< for Kind::Ssh
    QStringList interpreter{
        QStringLiteral("python3")}; ///< argv prefix, e.g. {"chroot","/x","python3"}
    bool become = false;            ///< run the agent under sudo
    QString becomeUser;             ///< empty = root
    QString inventoryId;            ///< for credential lookup, may be empty

    static HostTarget local(const QString& name = QStringLiteral("localhost"));
    /// A key that changes when anything that needs a new agent changes.
    QString sessionKey() const;
};

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::HostTarget)
