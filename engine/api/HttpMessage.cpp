#include "engine/api/HttpMessage.h"

#include <QUrl>

namespace hostdeck::engine::api {

namespace {

bool isToken(const QByteArray& text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

bool HttpRequest::keepAlive() const
{
    const QByteArray connection = header("connection").toLower();
    if (minorVersion == 0)
        return connection.contains("keep-alive");
    return !connection.contains("close");
}

HttpRequestParser::State HttpRequestParser::fail(int status, QString text)
{
    m_errorStatus = status;
    m_errorText = std::move(text);
    return State::Failed;
}

HttpRequestParser::State HttpRequestParser::feed(QByteArray& buffer)
{
    if (m_errorStatus)
        return State::Failed;
    if (m_phase == Phase::Head) {
        // Empty lines before a request are allowed (RFC 9112 §2.2).
        qsizetype skip = 0;
        while (skip + 1 < buffer.size() && buffer.at(skip) == '\r' && buffer.at(skip + 1) == '\n')
            skip += 2;
        if (skip)
            buffer.remove(0, skip);
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            const qsizetype lineEnd = buffer.indexOf("\r\n");
            if ((lineEnd < 0 ? buffer.size() : lineEnd) > m_limits.maxRequestLine)
                return fail(414, QStringLiteral("request line longer than %1 bytes")
                                     .arg(m_limits.maxRequestLine));
            if (buffer.size() > m_limits.maxRequestLine + m_limits.maxHeaderBytes)
                return fail(431, QStringLiteral("header block longer than %1 bytes")
                                     .arg(m_limits.maxHeaderBytes));
            return State::NeedMore;
        }
        if (end > m_limits.maxRequestLine + m_limits.maxHeaderBytes)
            return fail(
                431,
                QStringLiteral("header block longer than %1 bytes").arg(m_limits.maxHeaderBytes));
        const QByteArray head = buffer.left(end);
        buffer.remove(0, end + 4);
        if (const State state = parseHead(head); state == State::Failed)
            return state;
        m_phase = Phase::Body;
    }
    const qint64 take = std::min<qint64>(m_bodyLeft, buffer.size());
    m_request.body.append(buffer.constData(), take);
    buffer.remove(0, take);
    m_bodyLeft -= take;
    return m_bodyLeft == 0 ? State::Done : State::NeedMore;
}

HttpRequestParser::State HttpRequestParser::parseHead(const QByteArray& head)
{
    const QList<QByteArray> lines = head.split('\n');
    QByteArray requestLine = lines.constFirst();
    if (!requestLine.endsWith('\r') && lines.size() > 1)
        return fail(400, QStringLiteral("header lines must end with CRLF"));
    if (requestLine.endsWith('\r'))
        requestLine.chop(1);
    if (requestLine.size() > m_limits.maxRequestLine)
        return fail(
            414, QStringLiteral("request line longer than %1 bytes").arg(m_limits.maxRequestLine));
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || !parts.at(1).startsWith('/'))
        return fail(400, QStringLiteral("malformed request line"));
    if (parts.at(2) == "HTTP/1.1")
        m_request.minorVersion = 1;
    else if (parts.at(2) == "HTTP/1.0")
        m_request.minorVersion = 0;
    else
        return fail(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are spoken here"));
    m_request.method = parts.at(0);
    m_request.target = parts.at(1);
    const qsizetype question = m_request.target.indexOf('?');
    const QByteArray rawPath = question < 0 ? m_request.target : m_request.target.left(question);
    m_request.path = QUrl::fromPercentEncoding(rawPath);
    if (question >= 0)
        m_request.query = QUrlQuery(QString::fromUtf8(m_request.target.mid(question + 1)));
    if (lines.size() - 1 > m_limits.maxHeaders)
        return fail(431, QStringLiteral("more than %1 headers").arg(m_limits.maxHeaders));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines.at(i);
        if (!line.endsWith('\r') && i + 1 < lines.size())
            return fail(400, QStringLiteral("header lines must end with CRLF"));
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.left(colon)))
            return fail(400, QStringLiteral("malformed header line %1").arg(i));
        m_request.headers.insert(line.left(colon).toLower(), line.mid(colon + 1).trimmed());
    }
    if (m_request.minorVersion == 1 && !m_request.headers.contains("host"))
        return fail(400, QStringLiteral("HTTP/1.1 request without a Host header"));
    if (m_request.headers.contains("transfer-encoding"))
        return fail(411, QStringLiteral("send the body with a Content-Length (chunked request "
                                        "bodies are not accepted)"));
    const QByteArray length = m_request.header("content-length");
    if (!length.isEmpty()) {
        bool ok = false;
        const qint64 n = length.toLongLong(&ok);
        if (!ok || n < 0)
            return fail(400, QStringLiteral("bad Content-Length"));
        if (n > m_limits.maxBody)
            return fail(413,
                        QStringLiteral("request body larger than %1 bytes").arg(m_limits.maxBody));
        m_bodyLeft = n;
    }
    return State::NeedMore;
}

HttpRequest HttpRequestParser::take()
{
    HttpRequest request = std::move(m_request);
    m_request = {};
    m_phase = Phase::Head;
    m_bodyLeft = 0;
    return request;
}

QByteArray httpReason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Status";
    }
}

QByteArray httpHead(int status, const HttpHeaders& headers, qint64 contentLength, bool keepAlive)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReason(status) + "\r\n";
    for (const auto& [name, value] : headers)
        head += name + ": " + value + "\r\n";
    if (contentLength >= 0)
        head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    else
        head += "Transfer-Encoding: chunked\r\n";
    head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    return head;
}

QByteArray httpChunk(const QByteArray& data)
{
    if (data.isEmpty())
        return {};
    return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n";
}

} // namespace hostdeck::engine::api
