#include "ui/tools/ParamHelp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace hostdeck::ui {

QStringList ParamHelp::sentencesNaming(const QString& doc, const QString& word)
{
    // Paragraphs are joined: a docstring wraps its sentences over lines.
    const QString text = QString(doc).replace(QLatin1Char('\n'), QLatin1Char(' ')).simplified();
    static const QRegularExpression boundary(QStringLiteral("(?<=[.!?;])\\s+(?=[A-Za-z(])"));
    const QRegularExpression named(
        QStringLiteral("(?<![\\w.])%1(?![\\w(])").arg(QRegularExpression::escape(word)));
    QStringList found;
    for (const QString& sentence : text.split(boundary, Qt::SkipEmptyParts)) {
        if (named.match(sentence).hasMatch())
            found << sentence.trimmed();
    }
    return found;
}

QString ParamHelp::text(const engine::MethodInfo& method, const engine::ParamInfo& param)
{
    QStringList parts = sentencesNaming(method.doc, param.name);
    if (param.type.kind == engine::ParamType::Kind::Enum && !param.type.choices.isEmpty())
        parts << QObject::tr("One of: %1.").arg(param.type.choices.join(QStringLiteral(", ")));
    if (param.hasDefault && param.type.kind != engine::ParamType::Kind::Secret &&
        !param.defaultValue.isNull())
        parts << QObject::tr("Default: %1.")
                     .arg(QString::fromUtf8(QJsonDocument(QJsonArray{param.defaultValue})
                                                .toJson(QJsonDocument::Compact))
                              .mid(1)
                              .chopped(1));
    if (param.type.kind == engine::ParamType::Kind::Secret)
        parts << QObject::tr("A secret: sent to the host for this run only, never stored.");
    return parts.join(QLatin1Char(' '));
}

} // namespace hostdeck::ui
