#pragma once

#include <QVariant>

#include <optional>

#include <yaml-cpp/yaml.h>

namespace hostdeck::engine::detail {

/// YAML <-> QVariant with the YAML 1.1 scalar rules Ansible's loader (PyYAML) applies to plain
/// scalars: `yes`/`on`/`true` booleans, `010` octal, `0x1f` hex, `0b101` binary, `1_000`,
/// `1:30` base 60, floats only with a dot (`1.5e3` stays a string, `1.5e+3` is a float), `.inf`,
/// `.nan`, `~`/`null`/empty null. Dates (`2001-12-14`) stay strings here but are written quoted.
/// Quoted scalars stay strings. Strings that would read back as something else are written
/// quoted, and floats are written so that they read back as floats, so a save round-trips through
/// Ansible.
QVariant toVariant(const YAML::Node& node); ///< throws YAML::Exception past 1,000,000 values
QVariant plainScalar(const QString& text);
/// The value a scalar with an explicit tag (`!!int "010"`, `!!str 1`) has; nullopt for a tag
/// Ansible's loader does not construct.
std::optional<QVariant> taggedScalar(const std::string& tag, const QString& text);
/// True when `text`, written plain, would read back as the same string.
bool isPlainSafe(const QString& text);
QString floatText(double value);   ///< as YAML 1.1 reads it back: 1000.0, 1.0e+20, .inf, .nan
QString pythonFloat(double value); ///< Python's repr: 1000.0, 1e+20, inf, nan
/// Python's str() of a scalar ("True", "1000.0"); empty for null, lists and mappings.
QString pythonText(const QVariant& value);
/// Python's int() of a value (1.9 -> 1, True -> 1, " 22 " -> 22); nullopt where it raises.
std::optional<qlonglong> pythonInt(const QVariant& value);
void emitVariant(YAML::Emitter& out, const QVariant& value);
void emitString(YAML::Emitter& out, const QString& text);
/// A mapping key (YAML::Key, then the text; explicit `? key` when it could not read back).
void emitKey(YAML::Emitter& out, const QString& text);
int lineOf(const YAML::Node& node); ///< 1-based, 0 when unknown

} // namespace hostdeck::engine::detail
