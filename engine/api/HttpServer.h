#pragma once

#include "engine/api/HttpMessage.h"
#include "engine/util/Result.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <functional>

class QTcpServer;
class QTcpSocket;

namespace hostdeck::engine::api {

class HttpConnection;

struct HttpConnectionOptions
{
    HttpLimits limits;
    std::chrono::milliseconds headerTimeout{std::chrono::seconds(10)};
    std::chrono::milliseconds idleTimeout{std::chrono::seconds(60)};
    qint64 drainMark = 256 * 1024; ///< HttpConnection::drained() below this backlog
};

struct HttpServerOptions
{
    HttpConnectionOptions connection;
    int maxConnections = 512;
};

/// The answer to one request, as a small value the handler may keep (a stream outlives the
/// handler call). Every call is a no-op once the connection is gone or the reply was completed.
class HttpReply
{
public:
    HttpReply() = default;
    HttpReply(HttpConnection* connection, quint64 serial);

    void send(int status, const QByteArray& contentType, const QByteArray& body,
              const HttpHeaders& headers = {}) const;
    /// Starts a streamed (chunked) body; write() pieces, then end().
    void begin(int status, const QByteArray& contentType, const HttpHeaders& headers = {}) const;
    void write(const QByteArray& data) const;
    void end() const;
    bool isOpen() const;
    /// Bytes handed to the socket and not yet written (a slow reader's backlog); -1 when closed.
    qint64 backlog() const;
    /// The connection, for its drained()/closed() signals (null once gone).
    HttpConnection* connection() const;

private:
    QPointer<HttpConnection> m_connection;
    quint64 m_serial = 0;
};

/// One client connection: reads requests one at a time (keep-alive, no pipelined overlap),
/// bounded by the parser's limits and timeouts, and writes the replies.
class HttpConnection final : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest&, HttpReply)>;
    using Options = HttpConnectionOptions;
    HttpConnection(QTcpSocket* socket, const Options& options, Handler handler,
                   QObject* parent = nullptr);
    ~HttpConnection() override;

signals:
    /// A stream's backlog fell below the drain mark: write more.
    void drained();
    void closed();

private:
    friend class HttpReply;
    void onReadyRead();
    void processBuffer();
    void respondError(int status, const QString& message);
    void finishExchange();
    void close();
    bool current(quint64 serial) const { return m_busy && serial == m_serial && m_socket; }

    QTcpSocket* m_socket;
    Options m_options;
    Handler m_handler;
    HttpRequestParser m_parser;
    QByteArray m_buffer;
    QTimer m_timer; ///< header timeout while a request arrives, idle timeout between requests
    quint64 m_serial = 0;
    bool m_busy = false;
    bool m_streaming = false;
    bool m_chunked = false;
    bool m_keepAlive = true;
    bool m_closing = false;
    bool m_gone = false;
};

/// A small HTTP/1.1 server on QTcpServer (see docs/REST.md for why not QtHttpServer 6.4): the
/// loopback addresses only, a bounded number of connections, requests handed to one handler on
/// the server's thread.
class HttpServer final : public QObject
{
    Q_OBJECT
public:
    using Options = HttpServerOptions;
    explicit HttpServer(HttpConnection::Handler handler, Options options = {},
                        QObject* parent = nullptr);
    ~HttpServer() override;

    /// Listens on 127.0.0.1 and, when the machine has IPv6, ::1 on the same port (0: any free).
    Result<quint16> listen(quint16 port);
    quint16 port() const { return m_port; }
    QList<QHostAddress> addresses() const;
    int connectionCount() const { return m_connections; }

private:
    void onNewConnection(QTcpServer* server);

    HttpConnection::Handler m_handler;
    Options m_options;
    QList<QTcpServer*> m_servers;
    quint16 m_port = 0;
    int m_connections = 0;
};

} // namespace hostdeck::engine::api
