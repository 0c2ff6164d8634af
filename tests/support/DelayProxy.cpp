#include "tests/support/DelayProxy.h"

#include <QStringList>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hostdeck::test {

namespace {
using Clock = std::chrono::steady_clock;
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kMaxHeld = 4 * 1024 * 1024;

void tune(int fd)
{
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); // no Nagle wait on top
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

sockaddr_in loopback(quint16 port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}
} // namespace

struct DelayProxy::Direction
{
    struct Chunk
    {
        Clock::time_point due;
        std::string data; ///< empty: the source's EOF, passed on as a shutdown
        int depth = 0;    ///< half trips on the causal chain that ends with it
    };
    int from = -1;
    int to = -1;
    std::deque<Chunk> held;
    size_t heldBytes = 0;
    size_t offset = 0;         ///< of the head chunk already written
    bool up = false;           ///< client -> server
    Direction* back = nullptr; ///< the other direction of the link
    int deliveredDepth = 0;    ///< depth of the last chunk written to `to`
    int deepest = 0;           ///< the deepest chunk written to `to` (server -> client only)
    int generation = 0;        ///< DelayProxy::m_generation when the link was accepted
    bool readEof = false;
    bool done = false; ///< EOF passed on
    bool failed = false;
};

struct DelayProxy::Link
{
    int client = -1;
    int server = -1;
    Direction up;   ///< client -> server
    Direction down; ///< server -> client

    ~Link()
    {
        if (client >= 0)
            ::close(client);
        if (server >= 0)
            ::close(server);
    }
    bool finished() const { return up.failed || down.failed || (up.done && down.done); }
};

DelayProxy::DelayProxy() = default;

DelayProxy::~DelayProxy()
{
    stop();
    for (const auto& [fd, upstream] : m_listeners)
        ::close(fd);
}

quint16 DelayProxy::addRoute(quint16 upstream)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof(address);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(fd, 128) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        m_error = QStringLiteral("delay proxy: cannot listen: %1")
                      .arg(QString::fromLocal8Bit(std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return 0;
    }
    m_listeners.emplace_back(fd, upstream);
    return ntohs(address.sin_port);
}

void DelayProxy::setRoundTrip(std::chrono::microseconds rtt)
{
    m_halfDelayUs = rtt.count() / 2;
}

std::chrono::microseconds DelayProxy::roundTrip() const
{
    return std::chrono::microseconds(m_halfDelayUs.load() * 2);
}

QString DelayProxy::start()
{
    if (m_thread.joinable())
        return {};
    if (::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return QStringLiteral("delay proxy: pipe: %1")
            .arg(QString::fromLocal8Bit(std::strerror(errno)));
    m_stop = false;
    m_trace = qEnvironmentVariableIsSet("HOSTDECK_PROXY_TRACE");
    m_epoch = std::chrono::steady_clock::now();
    m_thread = std::thread([this] { run(); });
    return {};
}

void DelayProxy::stop()
{
    if (m_thread.joinable()) {
        m_stop = true;
        const char byte = 0;
        (void)::write(m_wake[1], &byte, 1);
        m_thread.join();
    }
    m_links.clear();
    for (int& fd : m_wake) {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
}

void DelayProxy::acceptOn(int listener, quint16 upstream)
{
    for (;;) {
        const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0)
            return;
        ++m_accepted;
        // A blocking connect: on loopback it completes at once.
        const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const sockaddr_in address = loopback(upstream);
        if (server < 0 ||
            ::connect(server, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
            if (server >= 0)
                ::close(server);
            ::close(client);
            continue;
        }
        tune(client);
        tune(server);
        auto link = std::make_unique<Link>();
        link->client = client;
        link->server = server;
        link->up.up = true;
        link->up.back = &link->down;
        link->down.back = &link->up;
        link->up.from = client;
        link->up.to = server;
        link->down.from = server;
        link->down.to = client;
        link->down.generation = m_generation.load();
        m_links.push_back(std::move(link));
    }
}

void DelayProxy::resetRoundTrips()
{
    ++m_generation;
    m_clientDepth = 0;
    for (std::atomic<int>& count : m_depthCount)
        count = 0;
}

QString DelayProxy::clientRoundTripSpread() const
{
    QStringList parts;
    for (int depth = 1; depth < kMaxCountedDepth; ++depth) {
        if (const int count = m_depthCount[size_t(depth)].load(); count > 0)
            parts << QStringLiteral("%1: %2").arg(depth / 2.0).arg(count);
    }
    return parts.join(QStringLiteral(", "));
}

bool DelayProxy::pumpRead(Direction& d, Clock::time_point now)
{
    bool progressed = false;
    const auto due = now + std::chrono::microseconds(m_halfDelayUs.load());
    // What its sender had been told so far, and one more half trip for this chunk.
    const int depth = d.back->deliveredDepth + 1;
    while (!d.readEof && !d.failed && d.heldBytes < kMaxHeld) {
        std::string buffer(kReadChunk, '\0');
        const ssize_t n = ::read(d.from, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                d.failed = true;
            break;
        }
        progressed = true;
        if (n == 0) {
            d.readEof = true;
            d.held.push_back({due, {}, depth});
            break;
        }
        buffer.resize(size_t(n));
        if (m_trace)
            std::fprintf(
                stderr, "%9.3f %s %zd\n",
                double(
                    std::chrono::duration_cast<std::chrono::microseconds>(now - m_epoch).count()) /
                    1000.0,
                d.up ? "->" : "<-", n);
        d.heldBytes += buffer.size();
        d.held.push_back({due, std::move(buffer), depth});
    }
    return progressed;
}

bool DelayProxy::pumpWrite(Direction& d, Clock::time_point now)
{
    bool progressed = false;
    while (!d.held.empty() && !d.failed && d.held.front().due <= now) {
        Direction::Chunk& head = d.held.front();
        if (head.data.empty()) {
            ::shutdown(d.to, SHUT_WR);
            d.done = true;
            d.held.pop_front();
            return true;
        }
        const ssize_t n =
            ::send(d.to, head.data.data() + d.offset, head.data.size() - d.offset, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                d.failed = true;
            break;
        }
        progressed = true;
        d.offset += size_t(n);
        if (d.offset < head.data.size())
            break;
        d.heldBytes -= head.data.size();
        d.offset = 0;
        d.deliveredDepth = head.depth;
        if (!d.up) {
            m_clientDepth = std::max(m_clientDepth.load(), head.depth);
            if (head.depth > d.deepest && d.generation == m_generation.load()) {
                if (d.deepest > 0)
                    --m_depthCount[size_t(std::min(d.deepest, kMaxCountedDepth - 1))];
                ++m_depthCount[size_t(std::min(head.depth, kMaxCountedDepth - 1))];
            }
            d.deepest = std::max(d.deepest, head.depth);
        }
        d.held.pop_front();
    }
    return progressed;
}

void DelayProxy::run()
{
    std::vector<pollfd> fds;
    std::vector<Direction*> readers;
    std::vector<Direction*> writers;
    while (!m_stop) {
        fds.clear();
        readers.clear();
        writers.clear();
        fds.push_back({m_wake[0], POLLIN, 0});
        for (const auto& [fd, upstream] : m_listeners)
            fds.push_back({fd, POLLIN, 0});
        const size_t linkStart = fds.size();
        auto now = Clock::now();
        auto wakeAt = Clock::time_point::max();
        for (const auto& link : m_links) {
            for (Direction* d : {&link->up, &link->down}) {
                if (!d->readEof && d->heldBytes < kMaxHeld) {
                    fds.push_back({d->from, POLLIN, 0});
                    readers.push_back(d);
                    writers.push_back(nullptr);
                }
                if (!d->held.empty()) {
                    if (d->held.front().due > now) {
                        wakeAt = std::min(wakeAt, d->held.front().due);
                    } else {
                        fds.push_back({d->to, POLLOUT, 0});
                        readers.push_back(nullptr);
                        writers.push_back(d);
                    }
                }
            }
        }
        int timeoutMs = -1;
        if (wakeAt != Clock::time_point::max()) {
            const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(wakeAt - now);
            // poll() rounds down to milliseconds: round up, never wake early in a busy loop.
            timeoutMs = int(std::max<long long>(0, (wait.count() + 999) / 1000));
        }
        if (::poll(fds.data(), fds.size(), timeoutMs) < 0 && errno != EINTR)
            break;
        if (fds[0].revents) {
            char drain[16];
            while (::read(m_wake[0], drain, sizeof(drain)) > 0) {
            }
        }
        for (size_t i = 0; i < m_listeners.size(); ++i) {
            if (fds[1 + i].revents & POLLIN)
                acceptOn(m_listeners[i].first, m_listeners[i].second);
        }
        now = Clock::now();
        for (size_t i = linkStart; i < fds.size(); ++i) {
            const size_t k = i - linkStart;
            if (readers[k] && fds[i].revents)
                pumpRead(*readers[k], now);
        }
        // Writes: everything due now, whatever poll said (a due chunk may have become due while
        // polling).
        for (const auto& link : m_links) {
            pumpWrite(link->up, now);
            pumpWrite(link->down, now);
        }
        std::erase_if(m_links, [](const std::unique_ptr<Link>& link) { return link->finished(); });
    }
}

} // namespace hostdeck::test
