#pragma once

#include "engine/ssh/SshConfigResolver.h"
#include "engine/ssh/SshHostConfig.h"
#include "engine/util/Result.h"

namespace hostdeck::engine::detail {

/// One reading of the ssh config files for one destination, as OpenSSH's readconf.c does it:
/// lines in order, Host/Match decide what applies, the first value obtained wins. Values are
/// stored raw in the SshHostConfig; SshConfigResolver expands them once the reading is done.
class SshConfigReader
{
public:
    SshConfigReader(const SshConfigQuery& query, SshHostConfig& config);

    /// Applies the command line (-l, -p, -J) before any file, as ssh does.
    Status applyCommandLine();
    /// One pass over the files. `host` is what Host lines match: the name as given in the first
    /// pass, the final host name in the final pass.
    Status readPass(const SshConfigFiles& files, const QString& host, bool finalPass);
    bool wantsFinalPass() const { return m_wantFinal; }
    /// Where the values that Hostdeck cannot reproduce were set (ProxyCommand...), for messages.
    QString proxyCommandWhere() const { return m_proxyCommandWhere; }

private:
    enum Flag
    {
        UserConfig = 1,
        CheckPermissions = 2,
        NeverMatch = 4,
    };
    Status readFile(const QString& path, int flags, bool& active, int depth, bool mustExist);
    Status processLine(const QString& file, int line, const QString& text, int flags, bool& active,
                       int depth);
    Status include(const QString& file, int line, const QStringList& args, int flags, bool& active,
                   int depth);
    Result<bool> matchLine(const QString& file, int line, const QString& rest, int flags);
    Status option(const QString& file, int line, const QString& keyword, const QStringList& args,
                  const QString& rest, bool active);
    void unsupported(const QString& file, int line, const QString& message);

    const SshConfigQuery& m_query;
    SshHostConfig& m_c;
    QString m_host;
    bool m_final = false;
    bool m_wantFinal = false;
    bool m_jumpSet = false;         ///< ProxyJump (or "none") obtained: ProxyCommand is ignored
    bool m_proxyCommandSet = false; ///< ProxyCommand (or a jump) obtained: ProxyJump is ignored
    bool m_ignoreUnknownSet = false;
    QString m_ignoreUnknown;
    QString m_proxyCommandWhere;
};

} // namespace hostdeck::engine::detail
