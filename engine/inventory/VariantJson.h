#pragma once

#include <QByteArray>
#include <QVariant>

namespace hostdeck::engine {

/// JSON text for a QVariant that keeps what QJsonDocument loses: a float stays a float (1000.0),
/// infinities and NaN are written as Python's json module writes them (Infinity, NaN), and 64-bit
/// integers stay exact. Used where inventory values are shown, so they compare with Ansible's.
class VariantJson
{
public:
    static QByteArray write(const QVariant& value, int indent = 2);
};

} // namespace hostdeck::engine
