#pragma once

#include <QVariant>

#include <yaml-cpp/yaml.h>

namespace hostdeck::engine::detail {

/// YAML <-> QVariant with the YAML 1.1 scalar rules Ansible (PyYAML) applies: plain `yes`/`true`
/// are booleans, plain digits integers, `~`/`null`/empty null; quoted scalars stay strings.
/// Strings that would read back as something else are written quoted, so types survive a round
/// trip. toVariant throws std::runtime_error for values nested too deep or too many (aliases).
QVariant toVariant(const YAML::Node& node);
QVariant plainScalar(const QString& text);
void emitVariant(YAML::Emitter& out, const QVariant& value);
void emitString(YAML::Emitter& out, const QString& text);
/// A mapping key (YAML::Key, then the text; explicit `? key` when it could not read back).
void emitKey(YAML::Emitter& out, const QString& text);
int lineOf(const YAML::Node& node); ///< 1-based, 0 when unknown

} // namespace hostdeck::engine::detail
