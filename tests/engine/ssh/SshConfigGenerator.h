#pragma once

#include <QList>
#include <QMap>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

namespace hostdeck::test {

/// One generated OpenSSH client configuration: the main file, the files it includes, and the
/// destinations to ask about.
struct GeneratedSshConfig
{
    QString mainFile;
    QMap<QString, QString> files; ///< path -> content (the main file and every include)
    QStringList aliases;
};

/// Writes random but well-formed (and now and then deliberately broken) ssh_config files that
/// exercise what OpenSSH's parser and resolver do: Host patterns with `*`, `?`, `!`, commas,
/// brackets, case and comments; Match host/originalhost/user/localuser/all/final/canonical (and
/// a rare exec); Include (absolute, glob, relative to ~/.ssh, inside blocks, nested); `=`
/// separators and quoting; %-tokens and ${HOME}; ProxyJump chains through hops with their own
/// ProxyJump; service-name ports. Deterministic for a seed.
class SshConfigGenerator
{
public:
    /// Files go under `dir`; relative includes under `home`/.ssh.
    SshConfigGenerator(quint32 seed, QString dir, QString home);
    GeneratedSshConfig next();

private:
    QString pick(const QStringList& from);
    bool chance(int percent);
    QString keyword(const QString& name);
    QString separator();
    QString hostPatterns();
    QString matchLine();
    QString optionLine();
    QString jumpValue();
    QStringList block(int depth, GeneratedSshConfig& config, const QString& prefix);
    QString includeLine(int depth, GeneratedSshConfig& config, const QString& prefix);
    QString brokenLine();

    QRandomGenerator m_random;
    QString m_dir;
    QString m_home;
    int m_case = 0;
    int m_include = 0;
};

} // namespace hostdeck::test
