#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace hostdeck::test {

/// A local user made for one test (useradd with an empty skeleton, a password made up per run and
/// set through chpasswd's stdin) and removed with its home when the object goes, once none of its
/// processes is left. Each test names its own users, so tests running at once never change each
/// other's passwords. Needs root.
class TestUser
{
public:
    explicit TestUser(QString name);
    ~TestUser();
    TestUser(const TestUser&) = delete;
    TestUser& operator=(const TestUser&) = delete;

    /// Creates the user (replacing a leftover of the same name). Returns an error text or empty.
    QString create(const QString& shell = QStringLiteral("/bin/sh"));
    QString name() const { return m_name; }
    QByteArray password() const { return m_password; }
    QString home() const { return QStringLiteral("/home/") + m_name; }
    int uid() const;
    /// Pids of the processes running as this user (real uid).
    QList<qint64> processes() const;
    /// The password's hash as /etc/shadow holds it.
    QByteArray shadowHash() const;
    /// Deletes the user now (retrying while its processes end). Returns an error text or empty.
    QString remove();

    /// Runs a command, stdin fed from `input`; an error text (stderr) or empty.
    static QString run(const QString& program, const QStringList& arguments,
                       const QByteArray& input = {});

private:
    QString m_name;
    QByteArray m_password;
    bool m_created = false;
};

} // namespace hostdeck::test
