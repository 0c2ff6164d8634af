#pragma once

#include "engine/util/Result.h"

#include <QJsonValue>
#include <QList>
#include <QString>

namespace hostdeck::ui {

/// How a tool method's result reads in one line, as data: each rule names a method (`Tool.method`
/// or `Tool.*`) and a format over the result value (ui/results/summary-rules.json documents the
/// syntax: `{path}`, `{path:filter}`, `{cond?then|else}`). The first matching rule applies.
class SummaryRules
{
public:
    /// The rules built into the application (the JSON resource).
    static const SummaryRules& builtIn();
    /// Rules from their JSON text; the error names the rule that does not parse.
    static engine::Result<SummaryRules> parse(const QByteArray& json);

    /// The format that applies to `tool`.`method`; empty when no rule names it.
    QString formatFor(const QString& tool, const QString& method) const;
    bool hasRule(const QString& tool, const QString& method) const
    {
        return !formatFor(tool, method).isEmpty();
    }
    /// `format` over `value` (see the syntax above).
    static QString apply(const QString& format, const QJsonValue& value);
    /// A value as one short piece of text (lists and objects abbreviated).
    static QString text(const QJsonValue& value);

private:
    struct Rule
    {
        QString match;
        QString format;
    };
    QList<Rule> m_rules;
};

} // namespace hostdeck::ui
