#pragma once

#include "engine/agent/BecomeMethod.h"
#include "engine/ssh/SshSettings.h"

#include <QJsonObject>
#include <QMetaType>
#include <QStringList>
#include <QVariantMap>

namespace hostdeck::engine {

/// One resolved host (RUN-MODEL "Target"): its inventory name (the identity everywhere), how to
/// reach it (a local process, or SSH with its jump chain), the interpreter argv, become, and its
/// variables after precedence. A plain value without secrets: a become or SSH password is looked
/// up by (inventoryId, name) through the CredentialProvider when it is needed. Made by
/// TargetFactory only.
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
        QStringLiteral("python3")}; ///< argv prefix, e.g. {"/usr/bin/env","python3"}
    bool become = false;            ///< run the agent as another user
    BecomeMethod becomeMethod = BecomeMethod::Sudo;
    QString becomeUser;      ///< empty = root
    QString inventoryId;     ///< for credential lookup, may be empty
    QJsonObject environment; ///< variables for every command the tools start (string values)
    QVariantMap vars;        ///< the host's variables after precedence (templates, recipes)

    static HostTarget local(const QString& name = QStringLiteral("localhost"));
    /// A key that changes when anything that needs a new agent changes.
    QString sessionKey() const;
    /// A key that changes when anything that needs a new SSH connection changes.
    QString connectionKey() const;
    /// What the target connects to, as JSON (diagnostics and tests; no secret is in a target):
    /// name, kind, interpreter, become, environment, and for SSH user, host, port, identities,
    /// known_hosts files, host-key policy and the jump chain.
    QJsonObject toJson() const;
};

QString becomeMethodName(BecomeMethod method);

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::HostTarget)
