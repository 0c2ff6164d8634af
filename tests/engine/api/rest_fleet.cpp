// A loopback fleet of real sshd for the REST tests (tests/support/SshdFixture): starts N servers
// (plus U whose keys are not in known_hosts), writes an inventory of the N, known_hosts and the
// client key's path, prints {inventory, known_hosts, key, user, ports, unknown: [{port,
// fingerprint}]} as one JSON line, then waits until its standard input closes and stops every
// process it started.
//   rest_fleet --hosts N --unknown U --secret TEXT
#include "tests/support/SshdFixture.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>

#include <cstdio>
#include <unistd.h>

using namespace hostdeck::test;

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    int hosts = 20;
    int unknown = 1;
    QString secret;
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QStringLiteral("--hosts"))
            hosts = args.at(i + 1).toInt();
        else if (args.at(i) == QStringLiteral("--unknown"))
            unknown = args.at(i + 1).toInt();
        else if (args.at(i) == QStringLiteral("--secret"))
            secret = args.at(i + 1);
    }
    SshdFixture fixture;
    if (const QString error = fixture.setUp(); !error.isEmpty()) {
        std::fprintf(stderr, "rest_fleet: %s\n", qPrintable(error));
        return 1;
    }
    QStringList known;
    QStringList inventory{
        QStringLiteral("all:"), QStringLiteral("  vars:"),
        QStringLiteral("    ansible_user: ") + fixture.user(),
        QStringLiteral("    ansible_ssh_private_key_file: ") + fixture.clientKey(),
        // Not a connection variable: it must never reach an API response.
        QStringLiteral("    deploy_token: \"%1\"").arg(secret), QStringLiteral("  children:"),
        QStringLiteral("    web:"), QStringLiteral("      hosts:")};
    QJsonArray ports;
    QStringList db;
    QJsonArray unknownServers;
    for (int i = 0; i < hosts + unknown; ++i) {
        const int server = fixture.startServer();
        if (server < 0) {
            std::fprintf(stderr, "rest_fleet: %s\n", qPrintable(fixture.lastError()));
            return 1;
        }
        if (i >= hosts) { // out of known_hosts and the inventory
            unknownServers.append(
                QJsonObject{{QStringLiteral("port"), fixture.port(server)},
                            {QStringLiteral("fingerprint"), fixture.hostKeyFingerprint(server)}});
            continue;
        }
        known << fixture.knownHostsLine(server);
        ports.append(fixture.port(server));
        const QString entry = QStringLiteral("h%1:").arg(i, 2, 10, QLatin1Char('0'));
        const QStringList lines{
            QStringLiteral("        ") + entry, QStringLiteral("          ansible_host: 127.0.0.1"),
            QStringLiteral("          ansible_port: %1").arg(fixture.port(server))};
        // Every other host is in `web`, the rest in `db`: patterns have something to select.
        if (i % 2 == 0)
            inventory << lines;
        else
            db << lines;
    }
    inventory << QStringLiteral("    db:") << QStringLiteral("      hosts:") << db;
    const QJsonObject info{
        {QStringLiteral("inventory"), fixture.writeFile(QStringLiteral("fleet.yml"), inventory)},
        {QStringLiteral("known_hosts"), fixture.writeFile(QStringLiteral("known_hosts"), known)},
        {QStringLiteral("key"), fixture.clientKey()},
        {QStringLiteral("user"), fixture.user()},
        {QStringLiteral("ports"), ports},
        {QStringLiteral("unknown"), unknownServers}};
    std::printf("%s\n", QJsonDocument(info).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    QSocketNotifier stdinClosed(0, QSocketNotifier::Read);
    QObject::connect(&stdinClosed, &QSocketNotifier::activated, &app, [&app] {
        char buffer[256];
        if (::read(0, buffer, sizeof buffer) <= 0)
            app.quit();
    });
    app.exec();
    fixture.stopAll();
    return 0;
}
