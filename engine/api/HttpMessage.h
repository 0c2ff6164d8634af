#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <utility>

namespace hostdeck::engine::api {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

/// One parsed HTTP/1.x request. Header names are lower-case; a repeated header keeps its last
/// value (none of the headers this server reads may repeat).
struct HttpRequest
{
    QByteArray method;
    QByteArray target; ///< as sent: path and query
    QString path;      ///< percent-decoded path
    QUrlQuery query;
    int minorVersion = 1; ///< HTTP/1.0 or HTTP/1.1
    QHash<QByteArray, QByteArray> headers;
    QByteArray body;

    QByteArray header(const QByteArray& lowerName) const { return headers.value(lowerName); }
    bool keepAlive() const;
};

/// Reads requests from a connection's bytes, bounded everywhere before anything is buffered:
/// the request line, the header block, the header count and the body (Content-Length only; a
/// chunked request body is refused). Bad input gives the status to answer and why.
struct HttpLimits
{
    int maxRequestLine = 8 * 1024;
    int maxHeaderBytes = 32 * 1024;
    int maxHeaders = 64;
    qint64 maxBody = 1024 * 1024;
};

class HttpRequestParser
{
public:
    using Limits = HttpLimits;
    enum class State
    {
        NeedMore,
        Done,
        Failed
    };

    explicit HttpRequestParser(Limits limits = {}) : m_limits(limits) {}

    /// Consumes what it can from `buffer`; Done leaves the next request's bytes in it.
    State feed(QByteArray& buffer);
    HttpRequest take();
    int errorStatus() const { return m_errorStatus; }
    const QString& errorText() const { return m_errorText; }
    /// True once the header block is complete (the body may still be coming).
    bool headersDone() const { return m_phase == Phase::Body; }
    const Limits& limits() const { return m_limits; }

private:
    enum class Phase
    {
        Head,
        Body
    };
    State fail(int status, QString text);
    State parseHead(const QByteArray& head);

    Limits m_limits;
    Phase m_phase = Phase::Head;
    HttpRequest m_request;
    qint64 m_bodyLeft = 0;
    int m_errorStatus = 0;
    QString m_errorText;
};

/// "OK", "Not Found", ... for the statuses this server uses.
QByteArray httpReason(int status);
/// The status line and headers of a response (Content-Length given, or chunked when < 0).
QByteArray httpHead(int status, const HttpHeaders& headers, qint64 contentLength, bool keepAlive);
/// One chunk of a chunked body (an empty `data` is skipped: the last chunk is httpLastChunk()).
QByteArray httpChunk(const QByteArray& data);
inline QByteArray httpLastChunk()
{
    return QByteArrayLiteral("0\r\n\r\n");
}

} // namespace hostdeck::engine::api
