// Unit tests of the known_hosts reader: OpenSSH's own hashed names, patterns, markers and the
// decision rules measured with the real ssh (see tst_knownhostsdiff for the live comparison).
#include "engine/ssh/KnownHosts.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace hostdeck::engine;
using namespace Qt::StringLiterals;

namespace {

// Public keys made with ssh-keygen; the hash below is `ssh-keygen -H` of "[127.0.0.1]:42224".
const QString ed =
    u"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMQtUl523JS7UKy/VFCh2zAzPWmwDBL6KOKp4Y8U/gX/"_s;
const QString otherEd =
    u"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKYAmiQRebWYpHneCeJseLb+kGYhQSetxNsfjthldXvd"_s;
const QString ec =
    u"ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLhaayi0KQCMxb7ZwA4"
    u"jzU4BU3UIsjgZkFUsFK/ypD3OSvbiulpciHtM33XDPJKaGQ/gMBPJxgRpjylyqdm99cQ="_s;
const QString opensshHash = u"|1|0/5Va2jD1U555V2QguVqC/+zD+k=|/2zsEZbpXv5b9sMgfmG7Egr6FPQ="_s;

QByteArray blob(const QString& key)
{
    return QByteArray::fromBase64(key.section(u' ', 1, 1).toLatin1());
}

} // namespace

class TestKnownHosts : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString file(const QString& name, const QStringList& lines)
    {
        const QString path = m_dir.filePath(name);
        QFile out(path);
        out.open(QIODevice::WriteOnly | QIODevice::Truncate);
        out.write(lines.join(u'\n').toUtf8() + '\n');
        return path;
    }

    KnownHostsVerdict::Status status(const QStringList& lines, const QString& key,
                                     const QString& name = u"[127.0.0.1]:42224"_s,
                                     const QString& portless = u"127.0.0.1"_s)
    {
        return KnownHosts::check({file(u"kh"_s, lines)}, name, portless, blob(key)).status;
    }

private slots:
    void hostFields_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("matches");
        QTest::newRow("openssh hash") << opensshHash << u"[127.0.0.1]:42224"_s << true;
        QTest::newRow("hash other port") << opensshHash << u"[127.0.0.1]:42225"_s << false;
        QTest::newRow("list") << u"a,[127.0.0.1]:42224"_s << u"[127.0.0.1]:42224"_s << true;
        QTest::newRow("case") << u"KH-ALIAS"_s << u"kh-alias"_s << true;
        QTest::newRow("wildcards") << u"[127.0.0.*]:*"_s << u"[127.0.0.1]:42224"_s << true;
        QTest::newRow("negated") << u"*,![127.0.0.1]:42224"_s << u"[127.0.0.1]:42224"_s << false;
        QTest::newRow("portless is not bracketed")
            << u"127.0.0.1"_s << u"[127.0.0.1]:42224"_s << false;
    }
    void hostFields()
    {
        QFETCH(QString, field);
        QFETCH(QString, name);
        QTEST(KnownHosts::hostFieldMatches(field, name), "matches");
    }

    void decisions()
    {
        using S = KnownHostsVerdict::Status;
        QCOMPARE(status({u"[127.0.0.1]:42224 "_s + ed}, ed), S::Ok);
        QCOMPARE(status({opensshHash + u' ' + ed}, ed), S::Ok);
        QCOMPARE(status({u"[127.0.0.1]:42224 "_s + otherEd}, ed), S::Changed);
        QCOMPARE(status({u"[127.0.0.1]:42224 "_s + ec}, ed), S::Changed); // other type: changed
        QCOMPARE(status({u"[127.0.0.1]:42224 "_s + otherEd, u"[127.0.0.1]:42224 "_s + ed}, ed),
                 S::Ok);
        // @revoked wins over a trusted line; hashed names too.
        QCOMPARE(status({u"@revoked * "_s + ed, u"[127.0.0.1]:42224 "_s + ed}, ed), S::Revoked);
        QCOMPARE(status({u"@revoked "_s + opensshHash + u' ' + ed}, ed), S::Revoked);
        QCOMPARE(status({u"@revoked otherhost "_s + ed, u"[127.0.0.1]:42224 "_s + ed}, ed), S::Ok);
        // @cert-authority never trusts the key itself (Hostdeck sees no certificates).
        QCOMPARE(status({u"@cert-authority * "_s + ed}, ed), S::Unknown);
        QCOMPARE(status({u"@bogus [127.0.0.1]:42224 "_s + ed}, ed), S::Unknown);
        // A portless entry serves a non-standard port when nothing is known with the port...
        QCOMPARE(status({u"127.0.0.1 "_s + ed}, ed), S::Ok);
        QCOMPARE(status({u"127.0.0.1 "_s + otherEd}, ed), S::Unknown); // ...only when it matches
        QCOMPARE(status({u"127.0.0.1 "_s + ed}, ed, u"[127.0.0.1]:42224"_s, QString()), S::Unknown);
        QCOMPARE(status({u"[127.0.0.1]:42224 "_s + otherEd, u"127.0.0.1 "_s + ed}, ed), S::Changed);
        // A type that does not match its key makes the line invalid, as in ssh.
        QCOMPARE(status({u"[127.0.0.1]:42224 ssh-ed25519 "_s + ec.section(u' ', 1)}, ed),
                 S::Unknown);
    }

    void severalFiles()
    {
        const QString first = file(u"first"_s, {u"# nothing"_s});
        const QString second = file(u"second"_s, {u"[127.0.0.1]:42224 "_s + ed});
        const KnownHostsVerdict verdict =
            KnownHosts::check({first, u"none"_s, m_dir.filePath(u"missing"_s), second},
                              u"[127.0.0.1]:42224"_s, {}, blob(ed));
        QCOMPARE(verdict.status, KnownHostsVerdict::Status::Ok);
        QCOMPARE(verdict.decisive.file, second);
        QCOMPARE(verdict.decisive.line, 1);
    }

    void offerOrder()
    {
        const QString kh = file(u"order"_s, {u"[h]:2 "_s + ec});
        QVERIFY(KnownHosts::preferredAlgorithms({kh}, u"[h]:2"_s)
                    .startsWith(u"ecdsa-sha2-nistp256,ssh-ed25519,"_s));
        // ssh disregards a type whose first trusted key is revoked.
        const QString revoked = file(u"revoked"_s, {u"[h]:2 "_s + ec, u"@revoked * "_s + ec});
        QVERIFY(
            KnownHosts::preferredAlgorithms({revoked}, u"[h]:2"_s).startsWith(u"ssh-ed25519,"_s));
        QVERIFY(!KnownHosts::preferredAlgorithms({}, u"x"_s).contains(u"ssh-rsa,"_s)); // no SHA-1
    }

    void recordedLines()
    {
        const QByteArray plain = KnownHosts::formatLine(u"[Host]:2200"_s, blob(ed), false);
        QCOMPARE(plain, QString(u"[host]:2200 "_s + ed).toUtf8());
        const QByteArray hashed = KnownHosts::formatLine(u"kh-alias"_s, blob(ed), true);
        QVERIFY(hashed.startsWith("|1|"));
        QVERIFY(KnownHosts::hostFieldMatches(QString::fromLatin1(hashed.split(' ').first()),
                                             u"kh-alias"_s));
        QVERIFY(hashed.endsWith(ed.section(u' ', 1).toLatin1()));
    }
};

QTEST_GUILESS_MAIN(TestKnownHosts)
#include "tst_knownhosts.moc"
