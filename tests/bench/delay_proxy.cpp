// A delay proxy for measuring by hand (the benchmarks use DelayProxy in-process):
//   delay_proxy --rtt MS UPSTREAM_PORT...
// prints "UPSTREAM LISTEN" per route, then forwards with MS/2 added in each direction until
// SIGTERM or SIGINT.
#include "tests/support/DelayProxy.h"

#include <QCoreApplication>
#include <QStringList>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <unistd.h>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    double rttMs = 50;
    if (args.size() >= 2 && args.first() == QStringLiteral("--rtt")) {
        rttMs = args.at(1).toDouble();
        args = args.mid(2);
    }
    if (args.isEmpty()) {
        std::fprintf(stderr, "usage: delay_proxy --rtt MS UPSTREAM_PORT...\n");
        return 2;
    }
    hostdeck::test::DelayProxy proxy;
    proxy.setRoundTrip(std::chrono::microseconds(qint64(rttMs * 1000)));
    for (const QString& arg : std::as_const(args)) {
        const quint16 port = proxy.addRoute(quint16(arg.toUInt()));
        if (port == 0) {
            std::fprintf(stderr, "%s\n", qPrintable(proxy.lastError()));
            return 1;
        }
        std::printf("%s %u\n", qPrintable(arg), unsigned(port));
    }
    std::fflush(stdout);
    if (const QString error = proxy.start(); !error.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    int received = 0;
    sigwait(&stopSignals, &received);
    proxy.stop();
    return 0;
}
