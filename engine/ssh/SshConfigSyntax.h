#pragma once

#include "engine/util/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

/// The lexical rules of OpenSSH 9.2's client configuration (readconf.c, misc.c, match.c), written
/// from the manual pages and checked against `ssh -G`: how a line splits into keyword and
/// arguments, how patterns, ports, times, ProxyJump specs and %/${}/~ expansions read.
namespace hostdeck::engine::sshconfig {

/// One configuration line as OpenSSH splits it.
struct ConfigLine
{
    QString keyword;  ///< lower case
    QStringList args; ///< quotes and backslash escapes removed; a word starting with '#' ends them
    QString rest;     ///< the raw text after the keyword (Match, ProxyJump, ProxyCommand read it)
};

/// nullopt for a blank or comment line. Errors: unbalanced quotes, a keyword without argument.
Result<std::optional<ConfigLine>> splitLine(const QString& line);

/// The words of `text` as OpenSSH's strdelim() cuts them (whitespace, '=' and double quotes;
/// no single quotes, no escapes): how `Match` criteria are read.
QStringList delimitedWords(const QString& text);

/// `*` and `?` glob, case-sensitive, whole string (OpenSSH match_pattern()).
bool matchPattern(QStringView text, QStringView pattern);
/// Comma-separated patterns, `!` negates: 1 match, 0 none, -1 a negated pattern matched.
int matchPatternList(const QString& text, const QString& list, bool lowerCase);

int portNumber(const QString& text); ///< a number 0-65535 or a service name; -1 when neither
int seconds(const QString& text);    ///< OpenSSH time format ("90", "1m30s"); -1 when invalid

enum class KeywordKind
{
    Unknown,     ///< "Bad configuration option": an error unless IgnoreUnknown matches
    Known,       ///< an OpenSSH 9.2 (Debian) client keyword
    Deprecated,  ///< accepted and ignored
    Unsupported, ///< accepted with a warning (compiled out of OpenSSH)
};
KeywordKind keywordKind(const QString& lowerKeyword);
/// Debian's and OpenSSH's alternative spellings mapped to the canonical keyword.
QString canonicalKeyword(const QString& lowerKeyword);

/// One `[user@]host[:port]` (or `ssh://[user@]host[:port]`) hop of a ProxyJump list.
struct JumpHop
{
    QString user; ///< empty: not given
    QString host;
    int port = -1; ///< -1: not given
};
/// A parsed ProxyJump value: hops first to last; `none` gives isNone.
struct JumpSpec
{
    bool isNone = false;
    QList<JumpHop> hops;
    QString extra;     ///< the text before the last hop, as written (OpenSSH passes it on as -J)
    QStringList parts; ///< each hop as written
    QString display() const; ///< as `ssh -G` prints it
};
/// Reads a ProxyJump value as OpenSSH 9.2 does (comment and anything after whitespace dropped).
Result<JumpSpec> parseJump(const QString& rawValue);

/// The files an `Include` argument names, sorted (glob with '~' as $HOME, relative paths under
/// ~/.ssh for a user config and /etc/ssh for the system one); none when nothing matches.
Result<QStringList> includeFiles(const QString& argument, bool userConfig);

QString homeDirectory(); ///< the login's home from the password database (OpenSSH's %d and ~)
QString localUserName();
QString localHostName(); ///< gethostname(): %l; %L is the part before the first dot

/// `~/x` and `~user/x` as OpenSSH's tilde_expand_filename().
Result<QString> expandTilde(const QString& path);
/// `%x` tokens from `tokens` (`%%` is a percent; without `percent` a % is kept) and, with
/// `environment`, `${NAME}` (a variable that is not set is an error), in one pass as OpenSSH.
Result<QString> expand(const QString& text, const QHash<QChar, QString>& tokens, bool environment,
                       bool percent = true);

} // namespace hostdeck::engine::sshconfig
