#include "results/ResultExport.h"

#include "results/ResultText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace hostdeck::ui {

namespace {

QString csvField(QString text)
{
    // Quote everything that could split a field or start a spreadsheet formula.
    static const QString special = QStringLiteral(",\"\n\r");
    bool quote = false;
    for (QChar c : special)
        quote = quote || text.contains(c);
    if (!text.isEmpty() && QStringLiteral("=+-@").contains(text.at(0))) {
        text.prepend(QLatin1Char('\''));
        quote = true;
    }
    if (!quote)
        return text;
    text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + text + QLatin1Char('"');
}

} // namespace

QByteArray ResultExport::toJson(const QList<engine::HostResult>& results)
{
    QJsonArray list;
    for (const engine::HostResult& result : results)
        list.append(result.toJson());
    return QJsonDocument(list).toJson(QJsonDocument::Indented);
}

QByteArray ResultExport::toCsv(const QList<engine::HostResult>& results)
{
    QString text = QStringLiteral("host,status,changed,duration_s,summary,value,error\r\n");
    for (const engine::HostResult& result : results) {
        const QString value =
            result.ok ? QString::fromUtf8(
                            QJsonDocument(QJsonArray{result.value}).toJson(QJsonDocument::Compact))
                            .mid(1)
                            .chopped(1)
                      : QString();
        const QString error = result.ok ? QString() : result.error.message;
        text += QStringList{csvField(result.host),
                            ResultText::statusName(ResultText::status(result)),
                            result.changed ? QStringLiteral("true") : QStringLiteral("false"),
                            QString::number(double(result.durationMs) / 1000.0, 'f', 3),
                            csvField(ResultText::summary(result, 500)),
                            csvField(value),
                            csvField(error)}
                    .join(QLatin1Char(',')) +
                QStringLiteral("\r\n");
    }
    return text.toUtf8();
}

engine::Status ResultExport::write(const QList<engine::HostResult>& results, const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return engine::makeError(
            engine::ErrorKind::Io,
            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive) ? toCsv(results)
                                                                          : toJson(results));
    if (!file.commit())
        return engine::makeError(
            engine::ErrorKind::Io,
            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return engine::Ok{};
}

} // namespace hostdeck::ui
