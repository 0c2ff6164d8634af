#include "engine/transfer/TransferResult.h"

namespace hostdeck::engine {

QJsonObject TransferResult::toJson() const
{
    if (!ok)
        return {{QStringLiteral("ok"), false},
                {QStringLiteral("error"),
                 QJsonObject{{QStringLiteral("kind"), errorKindName(error.kind)},
                             {QStringLiteral("message"), error.message}}}};
    return {{QStringLiteral("ok"), true},
            {QStringLiteral("skipped"), skipped},
            {QStringLiteral("changed"), changed},
            {QStringLiteral("size"), size},
            {QStringLiteral("bytes_sent"), bytesSent},
            {QStringLiteral("sha256"), sha256},
            {QStringLiteral("remote"), remote}};
}

} // namespace hostdeck::engine
