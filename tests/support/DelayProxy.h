#pragma once

#include <QString>
#include <QtGlobal>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace hostdeck::test {

/// A TCP proxy on 127.0.0.1 that holds every chunk it forwards for half the round-trip time in
/// each direction: a network tens of milliseconds away, for a kernel without netem. One thread
/// serves every route; bytes keep their order, nothing is dropped, and the TCP connect itself is
/// not delayed (a real network adds one round trip for it, the same for every client).
/// Memory is bounded: a direction stops reading while 4 MiB wait for their time.
class DelayProxy
{
public:
    DelayProxy();
    ~DelayProxy();
    DelayProxy(const DelayProxy&) = delete;
    DelayProxy& operator=(const DelayProxy&) = delete;

    /// A new listening port forwarding to 127.0.0.1:`upstream`; 0 on error (see lastError()).
    /// Only before start().
    quint16 addRoute(quint16 upstream);
    /// Starts the proxy thread. Returns an error text, empty on success.
    QString start();
    /// Stops the thread and closes every socket (also done by the destructor).
    void stop();
    /// Round-trip time added from now on (chunks already held keep theirs). Any thread.
    void setRoundTrip(std::chrono::microseconds rtt);
    std::chrono::microseconds roundTrip() const;
    /// Round trips a client has waited for so far (any thread): the longest causal chain of
    /// chunks, each sent after the one before it reached its sender, that ended at a client, in
    /// half trips / 2 (the longest over all connections). Bytes sent without waiting for an answer
    /// (pipelined) add nothing. The difference between two readings is what happened between
    /// them on a connection that stayed open (a warm call).
    double clientRoundTrips() const { return m_clientDepth.load() / 2.0; }
    /// Counts anew from now (any thread): chains on connections already open go on from where
    /// they are, new connections start from nothing.
    void resetRoundTrips();
    /// How the connections accepted since the last resetRoundTrips() spread over round trips, as
    /// "7: 46, 8: 4" (each connection's longest chain; any thread). Shows whether the longest
    /// chain is the rule or a few connections that a loaded machine served late.
    QString clientRoundTripSpread() const;
    /// Connections accepted so far (any thread).
    int connections() const { return m_accepted.load(); }
    QString lastError() const { return m_error; }

private:
    struct Direction;
    struct Link;
    void run();
    void acceptOn(int listener, quint16 upstream);
    bool pumpRead(Direction& d, std::chrono::steady_clock::time_point now);
    bool pumpWrite(Direction& d, std::chrono::steady_clock::time_point now);

    std::vector<std::pair<int, quint16>> m_listeners; ///< fd, upstream port
    std::vector<std::unique_ptr<Link>> m_links;
    std::atomic<long long> m_halfDelayUs{0};
    std::atomic<int> m_accepted{0};
    std::atomic<int> m_clientDepth{0};
    static constexpr int kMaxCountedDepth = 256;
    /// Connections of the current generation by the depth of their longest chain to the client.
    std::array<std::atomic<int>, kMaxCountedDepth> m_depthCount{};
    std::atomic<int> m_generation{0};
    std::atomic<bool> m_stop{false};
    bool m_trace =
        false; ///< HOSTDECK_PROXY_TRACE: every chunk read on stderr (ms, direction, bytes)
    std::chrono::steady_clock::time_point m_epoch;
    int m_wake[2] = {-1, -1};
    std::thread m_thread;
    QString m_error;
};

} // namespace hostdeck::test
