#include "ui/results/ResultExport.h"

#include "ui/results/ResultText.h"
#include "ui/results/RunResultsModel.h"

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

QString compact(const QJsonValue& value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

} // namespace

QJsonObject ResultExport::runMetadata(const RunResultsModel& model, const QString& shown,
                                      int exported)
{
    const QJsonObject& info = model.runInfo();
    const QJsonObject plan = info.value(QStringLiteral("plan")).toObject();
    QJsonObject run{
        {QStringLiteral("tool"), plan.value(QStringLiteral("tool"))},
        {QStringLiteral("method"), plan.value(QStringLiteral("method"))},
        {QStringLiteral("args"), plan.value(QStringLiteral("args"))},
        {QStringLiteral("targets"), info.value(QStringLiteral("targets"))},
        {QStringLiteral("pattern"), info.value(QStringLiteral("pattern"))},
        {QStringLiteral("inventory"), info.value(QStringLiteral("inventory"))},
        {QStringLiteral("origin"), info.value(QStringLiteral("origin"))},
        {QStringLiteral("mode"), model.isCheck() ? QStringLiteral("check") : QStringLiteral("run")},
        {QStringLiteral("options"), info.value(QStringLiteral("options"))},
        {QStringLiteral("shown"), shown},
        {QStringLiteral("hosts_exported"), exported},
        {QStringLiteral("hosts_total"), model.rowCount()}};
    if (model.startedAt().isValid())
        run.insert(QStringLiteral("started"), model.startedAt().toString(Qt::ISODateWithMs));
    if (plan.value(QStringLiteral("kind")).toString() != QLatin1String("call"))
        run.insert(QStringLiteral("plan"), plan);
    for (auto it = run.begin(); it != run.end();) {
        if (it.value().isUndefined())
            it = run.erase(it);
        else
            ++it;
    }
    return run;
}

QByteArray ResultExport::toJson(const QList<engine::HostResult>& results, const QJsonObject& run)
{
    QJsonArray list;
    for (const engine::HostResult& result : results)
        list.append(result.toJson());
    return QJsonDocument(
               QJsonObject{{QStringLiteral("run"), run}, {QStringLiteral("results"), list}})
        .toJson(QJsonDocument::Indented);
}

QByteArray ResultExport::toCsv(const QList<engine::HostResult>& results, const QJsonObject& run)
{
    QString text;
    for (auto it = run.begin(); it != run.end(); ++it)
        text +=
            QStringLiteral("# %1: %2\r\n")
                .arg(it.key(), it.value().isString() ? it.value().toString() : compact(it.value()));
    const QString toolMethod = run.value(QStringLiteral("tool")).toString() + QLatin1Char('.') +
                               run.value(QStringLiteral("method")).toString();
    const bool check = run.value(QStringLiteral("mode")).toString() == QLatin1String("check");
    text += QStringLiteral("host,status,changed,duration_s,summary,value,error\r\n");
    for (const engine::HostResult& result : results) {
        const QString value = result.ok ? compact(result.value) : QString();
        const QString error = result.ok ? QString() : result.error.message;
        text +=
            QStringList{csvField(result.host),
                        ResultText::statusName(ResultText::status(result), check || result.check),
                        result.changed ? QStringLiteral("true") : QStringLiteral("false"),
                        QString::number(double(result.durationMs) / 1000.0, 'f', 3),
                        csvField(run.isEmpty() ? ResultText::summary(result, 500)
                                               : ResultText::summary(result, toolMethod, 500)),
                        csvField(value),
                        csvField(error)}
                .join(QLatin1Char(',')) +
            QStringLiteral("\r\n");
    }
    return text.toUtf8();
}

engine::Status ResultExport::write(const QList<engine::HostResult>& results, const QString& path,
                                   const QJsonObject& run)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return engine::makeError(
            engine::ErrorKind::Io,
            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive) ? toCsv(results, run)
                                                                          : toJson(results, run));
    if (!file.commit())
        return engine::makeError(
            engine::ErrorKind::Io,
            QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return engine::Ok{};
}

} // namespace hostdeck::ui
