#pragma once

#include <QString>
#include <QStringList>

namespace hostdeck::engine {

/// What editor a parameter gets, read from its annotation text (PROTOCOL.md §5): `str`, `int`,
/// `float`, `bool`, `bytes`, `list[...]`, `dict[...]`, `Literal[...]`, `Path`, `Text`, `Secret`,
/// `Optional[...]`; anything else (or no annotation) is edited as JSON.
struct ParamType
{
    enum class Kind
    {
        Str,
        Text,
        Int,
        Float,
        Bool,
        Bytes,
        List,
        Dict,
        Enum,
        Path,
        Secret,
        Json
    };

    Kind kind = Kind::Json;
    bool optional = false;     ///< Optional[...] or `... | None`: empty means null
    QStringList choices;       ///< for Enum
    Kind itemKind = Kind::Str; ///< for List: the element type

    static ParamType parse(const QString& annotation);
    static QString kindName(Kind kind);
};

} // namespace hostdeck::engine
