#include "ui/template/TemplateOutcome.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace hostdeck::ui {

QString TemplateOutcome::stateText() const
{
    const auto tr = [](const char* text) {
        return QCoreApplication::translate("hostdeck::ui::TemplateOutcome", text);
    };
    switch (state) {
    case State::Pending:
        return tr("pending");
    case State::Created:
        return check ? tr("new file") : tr("created");
    case State::Changed:
        return tr("changed");
    case State::Unchanged:
        return check ? tr("no change") : tr("unchanged");
    case State::Failed:
        return tr("failed");
    }
    return {};
}

TemplateOutcome TemplateOutcome::fromRecord(const engine::HostResult& record, bool check)
{
    const auto tr = [](const char* text) {
        return QCoreApplication::translate("hostdeck::ui::TemplateOutcome", text);
    };
    TemplateOutcome outcome;
    outcome.host = record.host;
    outcome.check = check;
    outcome.durationMs = record.durationMs;
    if (!record.ok) {
        outcome.state = State::Failed;
        const bool factsFailed =
            !record.steps.isEmpty() && record.steps.constLast().step == QStringLiteral("facts");
        outcome.message =
            factsFailed ? tr("facts: %1").arg(record.error.message) : record.error.message;
        return outcome;
    }
    const QJsonObject value = record.value.toObject();
    outcome.diff = value.value(QStringLiteral("diff")).toString();
    if (value.value(QStringLiteral("created")).toBool())
        outcome.state = State::Created;
    else if (value.value(QStringLiteral("changed")).toBool())
        outcome.state = State::Changed;
    else
        outcome.state = State::Unchanged;
    outcome.message = value.value(QStringLiteral("backup")).toString();
    if (const QJsonValue attrs = value.value(QStringLiteral("attributes")); attrs.isObject()) {
        QStringList parts;
        const QJsonObject drift = attrs.toObject();
        for (auto it = drift.begin(); it != drift.end(); ++it)
            parts << it.key();
        outcome.message = tr("attributes differ: %1").arg(parts.join(QStringLiteral(", ")));
    }
    return outcome;
}

} // namespace hostdeck::ui
