#pragma once

#include "engine/util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace hostdeck::engine::api {

/// The API's bearer token and the file that tells scripts where the server is and how to get
/// in: `{url, port, token, pid}`, readable by the user only (0600 in a 0700 folder), written
/// atomically, removed when the server stops.
class ApiToken
{
public:
    /// 32 random bytes from the system's generator, base64url without padding.
    static QByteArray generate();
    /// $XDG_RUNTIME_DIR/hostdeck/api.json, or the config folder's hostdeck/api.json without one.
    static QString defaultFile();
    static Status writeFile(const QString& path, const QJsonObject& content);
    /// Removes `path` if it still holds `token` (a newer server may have replaced it).
    static void removeFile(const QString& path, const QByteArray& token);
    /// Compares in time independent of where the first difference is.
    static bool equal(const QByteArray& a, const QByteArray& b);
};

} // namespace hostdeck::engine::api
