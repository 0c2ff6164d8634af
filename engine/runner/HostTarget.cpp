#include "runner/HostTarget.h"

#include <QJsonDocument>

namespace hostdeck::engine {

HostTarget HostTarget::local(const QString& name)
{
    HostTarget target;
    target.name = name;
    target.kind = Kind::Local;
    return target;
}

QString becomeMethodName(BecomeMethod method)
{
    return method == BecomeMethod::Su ? QStringLiteral("su") : QStringLiteral("sudo");
}

QString HostTarget::connectionKey() const
{
    if (kind == Kind::Local)
        return QStringLiteral("local");
    return ssh.connectionKey() + QLatin1Char('\x1e') + ssh.inventoryId;
}

QString HostTarget::sessionKey() const
{
    const QString becomeKey =
        become ? becomeMethodName(becomeMethod) + QLatin1Char(':') + becomeUser : QString();
    return QStringList{name, connectionKey(), interpreter.join(QLatin1Char('\x1f')), becomeKey,
                       QString::fromUtf8(QJsonDocument(environment).toJson(QJsonDocument::Compact))}
        .join(QLatin1Char('\x1d'));
}

} // namespace hostdeck::engine
