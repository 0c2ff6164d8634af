#include "app/cli/CliSupport.h"

#include "engine/util/RemoteText.h"
#include "engine/wire/DataCodec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace hostdeck::cli {

using namespace hostdeck::engine;

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

Result<QJsonObject> parseCallArgs(const QStringList& pairs)
{
    QJsonObject args;
    for (const QString& pair : pairs) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return makeError(ErrorKind::Usage,
                             QStringLiteral("--arg '%1': expected NAME=VALUE").arg(pair));
        const QString name = pair.left(eq);
        const QString text = pair.mid(eq + 1);
        auto parsed = wire::decodeValue(text.toUtf8());
        args.insert(name, parsed ? *parsed : QJsonValue(text));
    }
    return args;
}

Result<std::pair<QString, QString>> parseToolMethod(const QString& text)
{
    const qsizetype dot = text.lastIndexOf(QLatin1Char('.'));
    if (dot <= 0 || dot == text.size() - 1)
        return makeError(ErrorKind::Usage,
                         QStringLiteral("'%1': expected TOOL.METHOD, e.g. Exec.run").arg(text));
    return std::pair{text.left(dot), text.mid(dot + 1)};
}

void printJson(const QJsonValue& value)
{
    // Values come from hosts: C1 and bidi controls in their strings go out as \u escapes.
    if (value.isObject())
        out() << terminalSafeJson(QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented));
    else if (value.isArray())
        out() << terminalSafeJson(QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented));
    else
        out() << terminalSafeJson(wire::encodeValue(value)) << '\n';
    out().flush();
}

} // namespace hostdeck::cli
