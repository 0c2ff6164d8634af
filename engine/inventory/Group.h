#pragma once

#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace hostdeck::engine {

/// A group of an inventory: the hosts and child groups listed directly in it, its variables,
/// and the keys of its YAML mapping that are neither hosts, children nor vars (kept verbatim so a
/// load/save round trip does not lose them).
struct Group
{
    QString name;
    QStringList children;
    QStringList hosts;
    QVariantMap vars;
    QVariantMap unknownKeys;

    friend bool operator==(const Group&, const Group&) = default;
};

} // namespace hostdeck::engine
