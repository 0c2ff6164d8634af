#pragma once

#include <QString>
#include <QVariant>

#include <optional>

namespace hostdeck::engine {

/// The values Ansible's INI inventory gives `key=value` text: Python's ast.literal_eval, and the
/// text itself when that fails. Numbers (`0x1f`, `1_000`, `1e3`; `010` is not one), strings in any
/// quotes with escapes (bytes become text), True/False/None, lists, tuples (as lists), dicts,
/// sets (as lists), comments after `#`. Complex numbers stay text (Ansible cannot print them).
class PythonLiteral
{
public:
    static QVariant valueOf(const QString& text);
    /// nullopt when literal_eval would raise.
    static std::optional<QVariant> evaluate(const QString& text);
};

} // namespace hostdeck::engine
