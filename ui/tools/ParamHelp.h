#pragma once

#include "engine/agent/ToolCatalog.h"

namespace hostdeck::ui {

/// Help for one parameter of a tool method, from the method's description: the sentences of
/// its doc that name the parameter, its choices and its default.
class ParamHelp
{
public:
    /// One short paragraph (empty when the description says nothing about it).
    static QString text(const engine::MethodInfo& method, const engine::ParamInfo& param);
    /// The sentences of `doc` that name `word` as a word of its own.
    static QStringList sentencesNaming(const QString& doc, const QString& word);
};

} // namespace hostdeck::ui
