#include "tests/support/TestUser.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QThread>

#include <pwd.h>

namespace hostdeck::test {

TestUser::TestUser(QString name) : m_name(std::move(name)) {}

TestUser::~TestUser()
{
    if (m_created)
        remove();
}

QString TestUser::run(const QString& program, const QStringList& arguments, const QByteArray& input)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForStarted(5000))
        return QStringLiteral("cannot start %1").arg(program);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(20000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0)
        return QStringLiteral("%1 %2 failed: %3")
            .arg(program, arguments.join(u' '),
                 QString::fromLocal8Bit(process.readAllStandardError()).trimmed());
    return {};
}

QString TestUser::create(const QString& shell)
{
    if (getpwnam(m_name.toLocal8Bit().constData()))
        run(QStringLiteral("userdel"), {QStringLiteral("-r"), QStringLiteral("-f"), m_name});
    if (const QString error =
            run(QStringLiteral("useradd"),
                {QStringLiteral("-m"), QStringLiteral("-k"), QStringLiteral("/dev/null"),
                 QStringLiteral("-s"), shell, m_name});
        !error.isEmpty())
        return error;
    m_created = true;
    QByteArray bytes(18, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()),
                                          bytes.size() / 4);
    m_password = bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return run(QStringLiteral("chpasswd"), {}, m_name.toUtf8() + ':' + m_password + '\n');
}

int TestUser::uid() const
{
    const passwd* entry = getpwnam(m_name.toLocal8Bit().constData());
    return entry ? int(entry->pw_uid) : -1;
}

QList<qint64> TestUser::processes() const
{
    QList<qint64> pids;
    const QByteArray uidText = QByteArray::number(uid());
    for (const QString& entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile status(QStringLiteral("/proc/%1/status").arg(entry));
        if (entry.toLongLong() <= 0 || !status.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("Uid:") && line.mid(4).simplified().split(' ').value(0) == uidText)
                pids << entry.toLongLong();
        }
    }
    return pids;
}

QByteArray TestUser::shadowHash() const
{
    QFile shadow(QStringLiteral("/etc/shadow"));
    if (!shadow.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray& line : shadow.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(':');
        if (fields.size() > 1 && fields[0] == m_name.toLocal8Bit())
            return fields[1];
    }
    return {};
}

QString TestUser::remove()
{
    if (!m_created)
        return {};
    // userdel refuses while the user has processes (an agent that is still exiting).
    QElapsedTimer clock;
    clock.start();
    QString error;
    do {
        error = run(QStringLiteral("userdel"), {QStringLiteral("-r"), m_name});
        if (error.isEmpty())
            break;
        QThread::msleep(50);
    } while (clock.elapsed() < 5000);
    if (!error.isEmpty())
        error =
            run(QStringLiteral("userdel"), {QStringLiteral("-r"), QStringLiteral("-f"), m_name});
    m_created = !error.isEmpty() && getpwnam(m_name.toLocal8Bit().constData());
    return error;
}

} // namespace hostdeck::test
