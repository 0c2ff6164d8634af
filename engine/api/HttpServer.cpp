#include "engine/api/HttpServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>

namespace hostdeck::engine::api {

Q_LOGGING_CATEGORY(lcHttp, "hostdeck.engine.api.http")

// --- HttpReply -----------------------------------------------------------------------------

HttpReply::HttpReply(HttpConnection* connection, quint64 serial)
    : m_connection(connection), m_serial(serial)
{
}

bool HttpReply::isOpen() const
{
    return m_connection && m_connection->current(m_serial);
}

HttpConnection* HttpReply::connection() const
{
    return isOpen() ? m_connection.data() : nullptr;
}

qint64 HttpReply::backlog() const
{
    return isOpen() ? m_connection->m_socket->bytesToWrite() : -1;
}

void HttpReply::send(int status, const QByteArray& contentType, const QByteArray& body,
                     const HttpHeaders& headers) const
{
    if (!isOpen() || m_connection->m_streaming)
        return;
    HttpConnection* c = m_connection;
    HttpHeaders all = headers;
    if (!contentType.isEmpty())
        all.prepend({QByteArrayLiteral("Content-Type"), contentType});
    all.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    c->m_socket->write(httpHead(status, all, body.size(), c->m_keepAlive) + body);
    c->finishExchange();
}

void HttpReply::begin(int status, const QByteArray& contentType, const HttpHeaders& headers) const
{
    if (!isOpen() || m_connection->m_streaming)
        return;
    HttpConnection* c = m_connection;
    HttpHeaders all = headers;
    all.prepend({QByteArrayLiteral("Content-Type"), contentType});
    all.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    c->m_streaming = true;
    // An HTTP/1.0 client cannot read chunks: the body then ends when the connection does.
    c->m_chunked = c->m_keepAlive;
    QByteArray head = httpHead(status, all, c->m_chunked ? -1 : 0, c->m_keepAlive);
    if (!c->m_chunked)
        head.replace("Content-Length: 0\r\n", "");
    c->m_socket->write(head);
    c->m_socket->flush();
}

void HttpReply::write(const QByteArray& data) const
{
    if (!isOpen() || !m_connection->m_streaming || data.isEmpty())
        return;
    HttpConnection* c = m_connection;
    c->m_socket->write(c->m_chunked ? httpChunk(data) : data);
    c->m_socket->flush();
}

void HttpReply::end() const
{
    if (!isOpen() || !m_connection->m_streaming)
        return;
    HttpConnection* c = m_connection;
    if (c->m_chunked)
        c->m_socket->write(httpLastChunk());
    c->m_socket->flush();
    c->finishExchange();
}

// --- HttpConnection ------------------------------------------------------------------------

HttpConnection::HttpConnection(QTcpSocket* socket, const Options& options, Handler handler,
                               QObject* parent)
    : QObject(parent), m_socket(socket), m_options(options), m_handler(std::move(handler)),
      m_parser(options.limits)
{
    m_socket->setParent(this);
    // Qt stops reading from the kernel past this: a client that sends while its request is
    // being answered fills its own TCP window, not our memory.
    m_socket->setReadBufferSize(options.limits.maxRequestLine + options.limits.maxHeaderBytes);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_busy)
            return;
        if (m_buffer.isEmpty() && !m_parser.headersDone())
            return close(); // idle keep-alive connection
        respondError(408, QStringLiteral("the request did not arrive in time"));
    });
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::close);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError)
            qCDebug(lcHttp) << "socket error" << m_socket->errorString();
        close();
    });
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_streaming && m_socket->bytesToWrite() < m_options.drainMark)
            emit drained();
    });
    m_timer.start(m_options.idleTimeout);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::onReadyRead()
{
    if (m_busy || m_closing)
        return; // read after the current exchange (the socket's read buffer is bounded)
    m_buffer += m_socket->readAll();
    processBuffer();
}

void HttpConnection::processBuffer()
{
    while (!m_busy && !m_closing && !m_buffer.isEmpty()) {
        if (!m_parser.headersDone() && !m_timer.isActive())
            m_timer.start(m_options.headerTimeout);
        if (m_timer.remainingTime() > m_options.headerTimeout.count())
            m_timer.start(m_options.headerTimeout);
        switch (m_parser.feed(m_buffer)) {
        case HttpRequestParser::State::NeedMore:
            return;
        case HttpRequestParser::State::Failed:
            m_keepAlive = false;
            return respondError(m_parser.errorStatus(), m_parser.errorText());
        case HttpRequestParser::State::Done: {
            m_timer.stop();
            HttpRequest request = m_parser.take();
            m_keepAlive = request.keepAlive();
            m_busy = true;
            ++m_serial;
            m_handler(request, HttpReply(this, m_serial));
            break;
        }
        }
    }
}

void HttpConnection::respondError(int status, const QString& message)
{
    m_keepAlive = false;
    m_busy = true;
    ++m_serial;
    const QJsonObject error{{QStringLiteral("kind"), QStringLiteral("usage")},
                            {QStringLiteral("message"), message}};
    HttpReply(this, m_serial)
        .send(status, QByteArrayLiteral("application/json"),
              QJsonDocument(QJsonObject{{QStringLiteral("error"), error}})
                  .toJson(QJsonDocument::Compact));
}

void HttpConnection::finishExchange()
{
    m_busy = false;
    m_streaming = false;
    m_chunked = false;
    if (!m_keepAlive) {
        m_closing = true;
        m_socket->disconnectFromHost(); // after what is still to be written
        return;
    }
    m_timer.start(m_options.idleTimeout);
    // The next request may already be here (in our buffer or the socket's).
    QTimer::singleShot(0, this, [this] {
        if (m_busy || m_closing || !m_socket)
            return;
        m_buffer += m_socket->readAll();
        processBuffer();
    });
}

void HttpConnection::close()
{
    if (m_socket->state() != QAbstractSocket::UnconnectedState && !m_closing) {
        m_closing = true;
        m_socket->abort();
    }
    m_closing = true;
    m_busy = false;
    m_timer.stop();
    if (!m_gone) {
        m_gone = true;
        emit closed();
        deleteLater();
    }
}

// --- HttpServer ----------------------------------------------------------------------------

HttpServer::HttpServer(HttpConnection::Handler handler, Options options, QObject* parent)
    : QObject(parent), m_handler(std::move(handler)), m_options(options)
{
}

HttpServer::~HttpServer() = default;

Result<quint16> HttpServer::listen(quint16 port)
{
    auto* v4 = new QTcpServer(this);
    if (!v4->listen(QHostAddress::LocalHost, port)) {
        const QString why = v4->errorString();
        delete v4;
        return makeError(ErrorKind::Connect,
                         QStringLiteral("cannot listen on 127.0.0.1:%1: %2").arg(port).arg(why));
    }
    m_port = v4->serverPort();
    m_servers << v4;
    auto* v6 = new QTcpServer(this);
    if (v6->listen(QHostAddress::LocalHostIPv6, m_port)) {
        m_servers << v6;
    } else {
        qCInfo(lcHttp) << "not listening on [::1]:" << m_port << v6->errorString();
        delete v6;
    }
    for (QTcpServer* server : std::as_const(m_servers)) {
        server->setMaxPendingConnections(64);
        connect(server, &QTcpServer::newConnection, this,
                [this, server] { onNewConnection(server); });
    }
    return m_port;
}

QList<QHostAddress> HttpServer::addresses() const
{
    QList<QHostAddress> list;
    for (QTcpServer* server : m_servers)
        list << server->serverAddress();
    return list;
}

void HttpServer::onNewConnection(QTcpServer* server)
{
    while (QTcpSocket* socket = server->nextPendingConnection()) {
        if (m_connections >= m_options.maxConnections) {
            socket->write(httpHead(503, {{"Content-Type", "application/json"}}, 0, false));
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        ++m_connections;
        auto* connection = new HttpConnection(socket, m_options.connection, m_handler, this);
        connect(connection, &HttpConnection::closed, this, [this] { --m_connections; });
    }
}

} // namespace hostdeck::engine::api
