#include "engine/agent/ParamType.h"

#include <QRegularExpression>

namespace hostdeck::engine {

namespace {

/// `X[inner]` -> inner, when `text` has that shape.
bool unwrap(const QString& text, const QStringList& heads, QString* inner)
{
    for (const QString& head : heads) {
        if (text.startsWith(head + QLatin1Char('[')) && text.endsWith(QLatin1Char(']'))) {
            *inner = text.mid(head.size() + 1, text.size() - head.size() - 2).trimmed();
            return true;
        }
    }
    return false;
}

QStringList literalChoices(const QString& inner)
{
    QStringList choices;
    static const QRegularExpression quoted(QStringLiteral(R"(['"]([^'"]*)['"])"));
    for (auto it = quoted.globalMatch(inner); it.hasNext();)
        choices << it.next().captured(1);
    return choices;
}

ParamType::Kind scalarKind(QString name)
{
    // Annotations may be qualified (hostdeck.Path, typing.List, builtins.str).
    name = name.section(QLatin1Char('.'), -1);
    static const QHash<QString, ParamType::Kind> kinds{
        {QStringLiteral("str"), ParamType::Kind::Str},
        {QStringLiteral("int"), ParamType::Kind::Int},
        {QStringLiteral("float"), ParamType::Kind::Float},
        {QStringLiteral("bool"), ParamType::Kind::Bool},
        {QStringLiteral("bytes"), ParamType::Kind::Bytes},
        {QStringLiteral("Path"), ParamType::Kind::Path},
        {QStringLiteral("Text"), ParamType::Kind::Text},
        {QStringLiteral("Secret"), ParamType::Kind::Secret},
        {QStringLiteral("list"), ParamType::Kind::List},
        {QStringLiteral("List"), ParamType::Kind::List},
        {QStringLiteral("dict"), ParamType::Kind::Dict},
        {QStringLiteral("Dict"), ParamType::Kind::Dict},
    };
    return kinds.value(name, ParamType::Kind::Json);
}

} // namespace

ParamType ParamType::parse(const QString& annotation)
{
    ParamType type;
    QString text = annotation.trimmed();
    if ((text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"'))) ||
        (text.startsWith(QLatin1Char('\'')) && text.endsWith(QLatin1Char('\''))))
        text = text.mid(1, text.size() - 2).trimmed();
    QString inner;
    if (unwrap(text, {QStringLiteral("Optional"), QStringLiteral("typing.Optional")}, &inner)) {
        type = parse(inner);
        type.optional = true;
        return type;
    }
    // PEP 604 `X | None`
    const QStringList alternatives = text.split(QLatin1Char('|'));
    if (alternatives.size() == 2) {
        const QString a = alternatives.at(0).trimmed();
        const QString b = alternatives.at(1).trimmed();
        if (a == QStringLiteral("None") || b == QStringLiteral("None")) {
            type = parse(a == QStringLiteral("None") ? b : a);
            type.optional = true;
            return type;
        }
    }
    if (unwrap(text, {QStringLiteral("Literal"), QStringLiteral("typing.Literal")}, &inner)) {
        type.kind = Kind::Enum;
        type.choices = literalChoices(inner);
        return type;
    }
    if (unwrap(text,
               {QStringLiteral("list"), QStringLiteral("List"), QStringLiteral("typing.List")},
               &inner)) {
        type.kind = Kind::List;
        type.itemKind = scalarKind(inner);
        return type;
    }
    if (unwrap(text,
               {QStringLiteral("dict"), QStringLiteral("Dict"), QStringLiteral("typing.Dict")},
               &inner)) {
        // Only string-to-string maps get the key/value table; other dicts are edited as JSON.
        const QStringList parts = inner.split(QLatin1Char(','));
        const bool strings = parts.size() == 2 && scalarKind(parts.at(0).trimmed()) == Kind::Str &&
                             scalarKind(parts.at(1).trimmed()) == Kind::Str;
        type.kind = strings ? Kind::Dict : Kind::Json;
        return type;
    }
    type.kind = scalarKind(text);
    if (type.kind == Kind::Dict)
        type.kind = Kind::Json; // bare `dict`: any values
    if (type.kind == Kind::List)
        type.itemKind = Kind::Json; // bare `list`: any items
    return type;
}

QString ParamType::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Str:
        return QStringLiteral("text");
    case Kind::Text:
        return QStringLiteral("multi-line text");
    case Kind::Int:
        return QStringLiteral("integer");
    case Kind::Float:
        return QStringLiteral("number");
    case Kind::Bool:
        return QStringLiteral("yes/no");
    case Kind::Bytes:
        return QStringLiteral("bytes");
    case Kind::List:
        return QStringLiteral("list");
    case Kind::Dict:
        return QStringLiteral("key/value");
    case Kind::Enum:
        return QStringLiteral("choice");
    case Kind::Path:
        return QStringLiteral("path");
    case Kind::Secret:
        return QStringLiteral("secret");
    case Kind::Json:
        return QStringLiteral("JSON");
    }
    return {};
}

} // namespace hostdeck::engine
