#include "ui/results/ResultText.h"

#include "ui/results/SummaryRules.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace hostdeck::ui {

using engine::ErrorKind;

ResultText::Status ResultText::status(const engine::HostResult& result)
{
    switch (result.status) {
    case engine::HostStatus::Ok:
        return Status::Ok;
    case engine::HostStatus::Changed:
        return Status::Changed;
    case engine::HostStatus::Failed:
        return Status::Failed;
    case engine::HostStatus::Unreachable:
        return Status::Unreachable;
    case engine::HostStatus::Skipped:
        return Status::Skipped;
    case engine::HostStatus::TimedOut:
        return Status::TimedOut;
    case engine::HostStatus::Cancelled:
        return Status::Cancelled;
    }
    return Status::Failed;
}

ResultText::Status ResultText::status(engine::HostPhase phase)
{
    switch (phase) {
    case engine::HostPhase::Pending:
        return Status::Pending;
    case engine::HostPhase::Connecting:
        return Status::Connecting;
    case engine::HostPhase::Running:
    case engine::HostPhase::Done:
        break;
    }
    return Status::Running;
}

bool ResultText::isFailure(Status status)
{
    return status == Status::Failed || status == Status::Unreachable || status == Status::TimedOut;
}

QString ResultText::statusName(Status status, bool check)
{
    switch (status) {
    case Status::Pending:
        return QStringLiteral("pending");
    case Status::Connecting:
        return QStringLiteral("connecting");
    case Status::Running:
        return QStringLiteral("running");
    case Status::Ok:
        return QStringLiteral("ok");
    case Status::Changed:
        return check ? QStringLiteral("would change") : QStringLiteral("changed");
    case Status::Failed:
        return QStringLiteral("failed");
    case Status::Unreachable:
        return QStringLiteral("unreachable");
    case Status::Skipped:
        return QStringLiteral("skipped");
    case Status::TimedOut:
        return QStringLiteral("timed out");
    case Status::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QColor ResultText::statusColor(Status status, bool darkPalette)
{
    switch (status) {
    case Status::Ok:
        return darkPalette ? QColor(0x6c, 0xcb, 0x6c) : QColor(0x1b, 0x7a, 0x1b);
    case Status::Changed:
        return darkPalette ? QColor(0xe8, 0xc0, 0x4a) : QColor(0x9a, 0x6a, 0x00);
    case Status::Failed:
        return darkPalette ? QColor(0xff, 0x7b, 0x7b) : QColor(0xb0, 0x1e, 0x1e);
    case Status::Unreachable:
    case Status::TimedOut:
        return darkPalette ? QColor(0xd0, 0x8c, 0xff) : QColor(0x7a, 0x2e, 0xa8);
    case Status::Cancelled:
    case Status::Skipped:
    case Status::Pending:
    case Status::Connecting:
    case Status::Running:
        return {};
    }
    return {};
}

QString ResultText::summary(const engine::HostResult& result, const QString& toolMethod,
                            int maxLength)
{
    const QString tool = toolMethod.section(QLatin1Char('.'), 0, 0);
    const QString method = toolMethod.section(QLatin1Char('.'), 1);
    const QString format = result.ok && !toolMethod.isEmpty()
                               ? SummaryRules::builtIn().formatFor(tool, method)
                               : QString();
    if (format.isEmpty())
        return summary(result, maxLength);
    QString text = SummaryRules::apply(format, result.value).simplified();
    if (text.size() > maxLength)
        text = text.left(maxLength - 1) + QChar(0x2026);
    return text;
}

QString ResultText::summary(const engine::HostResult& result, int maxLength)
{
    QString text;
    if (!result.ok) {
        text = engine::errorKindName(result.error.kind);
        if (!result.error.type.isEmpty() && result.error.type != text)
            text += QLatin1Char(' ') + result.error.type;
        text += QStringLiteral(": ") + result.error.message;
    } else if (result.value.isObject() &&
               result.value.toObject().value(QStringLiteral("stdout")).isString()) {
        const QJsonObject value = result.value.toObject();
        const QString out = value.value(QStringLiteral("stdout")).toString().trimmed();
        text = out.section(QLatin1Char('\n'), 0, 0);
        if (value.contains(QStringLiteral("rc")))
            text =
                QStringLiteral("rc=%1 %2").arg(value.value(QStringLiteral("rc")).toInt()).arg(text);
    } else if (result.value.isString()) {
        text = result.value.toString().section(QLatin1Char('\n'), 0, 0);
    } else if (result.value.isNull() || result.value.isUndefined()) {
        text = QStringLiteral("null");
    } else if (const QJsonObject value = result.value.toObject();
               value.value(QStringLiteral("message")).isString() ||
               value.value(QStringLiteral("msg")).isString()) {
        text = value.value(QStringLiteral("message"))
                   .toString(value.value(QStringLiteral("msg")).toString());
    } else if (value.value(QStringLiteral("path")).isString()) {
        text = value.value(QStringLiteral("path")).toString() + QStringLiteral(": ") +
               (value.value(QStringLiteral("changed")).toBool() ? QStringLiteral("changed")
                                                                : QStringLiteral("no change"));
    } else {
        text = QString::fromUtf8(QJsonDocument::fromVariant(QVariantList{result.value.toVariant()})
                                     .toJson(QJsonDocument::Compact))
                   .mid(1)
                   .chopped(1);
    }
    text = text.simplified();
    if (text.size() > maxLength)
        text = text.left(maxLength - 1) + QChar(0x2026);
    return text;
}

namespace {

/// The value without timings (a `duration` key at any depth): they differ between otherwise
/// identical results.
QJsonValue withoutTimings(const QJsonValue& value)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        object.remove(QStringLiteral("duration"));
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = withoutTimings(it.value());
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = withoutTimings(*it);
        return array;
    }
    return value;
}

} // namespace

QString ResultText::signature(const engine::HostResult& result)
{
    const QJsonValue shown = withoutTimings(result.value);
    const QString value =
        result.ok
            ? QString::fromUtf8(QJsonDocument::fromVariant(QVariantList{shown.toVariant()})
                                    .toJson(QJsonDocument::Compact))
            : engine::errorKindName(result.error.kind) + QLatin1Char(':') + result.error.message;
    return statusName(status(result)) + QLatin1Char('\x1f') + value;
}

QString ResultText::duration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 2);
}

QString ResultText::diffs(const QJsonValue& value, const QString& key)
{
    if (value.isString()) {
        const QString text = value.toString();
        const bool looksLikeDiff =
            text.startsWith(QStringLiteral("--- ")) && text.contains(QStringLiteral("\n+++ "));
        return (key == QStringLiteral("diff") && !text.isEmpty()) || looksLikeDiff ? text
                                                                                   : QString();
    }
    QString found;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            found += diffs(it.value(), it.key());
    } else if (value.isArray()) {
        for (const QJsonValue& item : value.toArray())
            found += diffs(item);
    }
    return found;
}

QString ResultText::errorText(const engine::CallError& error)
{
    QString text;
    for (const QJsonValue& frame : error.traceback) {
        const QJsonObject f = frame.toObject();
        text += QStringLiteral("  %1:%2 in %3\n")
                    .arg(f.value(QStringLiteral("file")).toString())
                    .arg(f.value(QStringLiteral("line")).toInt())
                    .arg(f.value(QStringLiteral("function")).toString());
        const QString code = f.value(QStringLiteral("code")).toString();
        if (!code.isEmpty())
            text += QStringLiteral("    ") + code.trimmed() + QLatin1Char('\n');
    }
    QString head = engine::errorKindName(error.kind);
    if (!error.type.isEmpty())
        head += QStringLiteral(" (") + error.type + QLatin1Char(')');
    head += QStringLiteral(": ") + error.message + QLatin1Char('\n');
    if (!text.isEmpty())
        head += QStringLiteral("\nRemote traceback (innermost last):\n") + text;
    if (!error.details.isEmpty())
        head += QStringLiteral("\nDetails:\n") +
                QString::fromUtf8(QJsonDocument(error.details).toJson(QJsonDocument::Indented));
    return head;
}

} // namespace hostdeck::ui
