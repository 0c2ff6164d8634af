#include "tests/engine/ssh/SshConfigGenerator.h"

namespace hostdeck::test {

namespace {

const QStringList& targets()
{
    static const QStringList list = {QStringLiteral("web1"),
                                     QStringLiteral("web2"),
                                     QStringLiteral("WEB1"),
                                     QStringLiteral("db"),
                                     QStringLiteral("db.example.com"),
                                     QStringLiteral("app-01"),
                                     QStringLiteral("x9"),
                                     QStringLiteral("gw"),
                                     QStringLiteral("bastion"),
                                     QStringLiteral("proxy2"),
                                     QStringLiteral("zz"),
                                     QStringLiteral("10.0.0.7")};
    return list;
}

} // namespace

SshConfigGenerator::SshConfigGenerator(quint32 seed, QString dir, QString home)
    : m_random(seed), m_dir(std::move(dir)), m_home(std::move(home))
{
}

QString SshConfigGenerator::pick(const QStringList& from)
{
    return from.at(int(m_random.bounded(quint32(from.size()))));
}

bool SshConfigGenerator::chance(int percent)
{
    return int(m_random.bounded(100u)) < percent;
}

QString SshConfigGenerator::keyword(const QString& name)
{
    // Keywords are case-insensitive to ssh; write them the way people do, and sometimes not.
    if (chance(10))
        return name.toLower();
    if (chance(5))
        return name.toUpper();
    return name;
}

QString SshConfigGenerator::separator()
{
    return pick({QStringLiteral(" "), QStringLiteral(" "), QStringLiteral(" "), QStringLiteral("="),
                 QStringLiteral(" = "), QStringLiteral("\t"), QStringLiteral("= "),
                 QStringLiteral(" =")});
}

QString SshConfigGenerator::hostPatterns()
{
    static const QStringList patterns = {QStringLiteral("web1"),
                                         QStringLiteral("web2"),
                                         QStringLiteral("WEB1"),
                                         QStringLiteral("Web1"),
                                         QStringLiteral("db"),
                                         QStringLiteral("gw"),
                                         QStringLiteral("bastion"),
                                         QStringLiteral("proxy2"),
                                         QStringLiteral("app-01"),
                                         QStringLiteral("web*"),
                                         QStringLiteral("*.example.com"),
                                         QStringLiteral("w?b?"),
                                         QStringLiteral("*"),
                                         QStringLiteral("!web2"),
                                         QStringLiteral("!gw"),
                                         QStringLiteral("web1,web2"),
                                         QStringLiteral("web[12]"),
                                         QStringLiteral("db*"),
                                         QStringLiteral("\"web1\""),
                                         QStringLiteral("*1"),
                                         QStringLiteral("!*.example.com"),
                                         QStringLiteral("10.0.0.*"),
                                         QStringLiteral("x?"),
                                         QStringLiteral("'db'")};
    QStringList chosen;
    const int count = 1 + int(m_random.bounded(3u));
    for (int i = 0; i < count; ++i)
        chosen.append(pick(patterns));
    QString line = keyword(QStringLiteral("Host")) + separator() + chosen.join(u' ');
    if (chance(10))
        line +=
            pick({QStringLiteral(" # note"), QStringLiteral(" #note"), QStringLiteral("  # web3")});
    return line;
}

QString SshConfigGenerator::matchLine()
{
    static const QStringList criteria = {QStringLiteral("host web*,!web2"),
                                         QStringLiteral("host DB*"),
                                         QStringLiteral("host *.example.com"),
                                         QStringLiteral("host 10.0.0.*"),
                                         QStringLiteral("originalhost WEB1"),
                                         QStringLiteral("originalhost db,gw"),
                                         QStringLiteral("user root"),
                                         QStringLiteral("user deploy"),
                                         QStringLiteral("user r*,!admin"),
                                         QStringLiteral("localuser root"),
                                         QStringLiteral("localuser nobody"),
                                         QStringLiteral("final"),
                                         QStringLiteral("canonical"),
                                         QStringLiteral("!host gw"),
                                         QStringLiteral("!final"),
                                         QStringLiteral("host=web1"),
                                         QStringLiteral("Host \"db\""),
                                         QStringLiteral("!originalhost x?")};
    QString line = keyword(QStringLiteral("Match")) + u' ';
    if (chance(10))
        return line + pick({QStringLiteral("all"), QStringLiteral("final all"),
                            QStringLiteral("all # everything"), QStringLiteral("!all")});
    QStringList chosen;
    const int count = 1 + int(m_random.bounded(2u));
    for (int i = 0; i < count; ++i)
        chosen.append(pick(criteria));
    if (chance(4))
        chosen.append(pick({QStringLiteral("exec true"), QStringLiteral("exec false")}));
    return line + chosen.join(u' ');
}

QString SshConfigGenerator::jumpValue()
{
    return pick({QStringLiteral("gw"), QStringLiteral("bastion"), QStringLiteral("ops@gw:2201"),
                 QStringLiteral("gw,bastion"), QStringLiteral("bastion,proxy2"),
                 QStringLiteral("none"), QStringLiteral("NONE"),
                 QStringLiteral("ssh://jump@gw:2202"), QStringLiteral("[10.0.0.9]:2200"),
                 QStringLiteral("gw:ssh"), QStringLiteral("%r@gw"), QStringLiteral("bastion # c"),
                 QStringLiteral("10.9.8.7"), QStringLiteral("u@bastion,gw:2203")});
}

QString SshConfigGenerator::optionLine()
{
    struct Choice
    {
        const char* name;
        QStringList values;
    };
    static const QList<Choice> choices = {
        {"HostName",
         {QStringLiteral("%h.example.com"), QStringLiteral("10.0.0.%%"), QStringLiteral("Real-%h"),
          QStringLiteral("db.internal"), QStringLiteral("%h"), QStringLiteral("10.1.2.3"),
          QStringLiteral("HOST.Upper")}},
        {"User",
         {QStringLiteral("deploy"), QStringLiteral("root"), QStringLiteral("ops"),
          QStringLiteral("admin"), QStringLiteral("svc#1"), QStringLiteral("\"deploy\"")}},
        {"Port",
         {QStringLiteral("2222"), QStringLiteral("ssh"), QStringLiteral("http"),
          QStringLiteral("22"), QStringLiteral("8022"), QStringLiteral("https"),
          QStringLiteral("023")}},
        {"IdentityFile",
         {QStringLiteral("~/.ssh/id_%h"), QStringLiteral("~/.ssh/%r@%h:%p"),
          QStringLiteral("/keys/%u-%n-%d"), QStringLiteral("${HOME}/.ssh/k_%L"),
          QStringLiteral("/k/%i-%l-%C"), QStringLiteral("~/.ssh/id_ed25519"),
          QStringLiteral("%d/.ssh/%k"), QStringLiteral("\"/k/with space\"")}},
        {"UserKnownHostsFile",
         {QStringLiteral("~/.ssh/kh_%h"), QStringLiteral("/tmp/kh-%n-%p ${HOME}/kh2"),
          QStringLiteral("~/.ssh/known_hosts"), QStringLiteral("%d/kh-%r-%k"),
          QStringLiteral("none"), QStringLiteral("/kh/%C %%/x")}},
        {"GlobalKnownHostsFile", {QStringLiteral("/etc/ssh/kh_%h"), QStringLiteral("~/g1 /g2")}},
        {"HostKeyAlias",
         {QStringLiteral("MyAlias"), QStringLiteral("kh-alias"), QStringLiteral("Alias-%h")}},
        {"StrictHostKeyChecking",
         {QStringLiteral("yes"), QStringLiteral("no"), QStringLiteral("ask"),
          QStringLiteral("accept-new"), QStringLiteral("off"), QStringLiteral("True"),
          QStringLiteral("FALSE")}},
        {"ConnectTimeout",
         {QStringLiteral("10"), QStringLiteral("1m"), QStringLiteral("none"),
          QStringLiteral("1h5s"), QStringLiteral("0")}},
        {"ServerAliveInterval", {QStringLiteral("30"), QStringLiteral("0"), QStringLiteral("2m")}},
        {"HashKnownHosts", {QStringLiteral("yes"), QStringLiteral("no")}},
        {"BatchMode", {QStringLiteral("yes"), QStringLiteral("no")}},
        {"ControlPath",
         {QStringLiteral("~/.ssh/cm-%C"), QStringLiteral("/tmp/%r@%h:%p"), QStringLiteral("none"),
          QStringLiteral("%d/%L-%l-%n-%i-%k-%u")}},
        {"IdentityAgent",
         {QStringLiteral("none"), QStringLiteral("SSH_AUTH_SOCK"),
          QStringLiteral("~/agent-%h.sock")}},
        {"ProxyJump", {}},
        {"ProxyCommand", {QStringLiteral("nc %h %p"), QStringLiteral("none")}},
        {"ForwardAgent", {QStringLiteral("yes")}},
        {"Compression", {QStringLiteral("yes"), QStringLiteral("no")}},
        {"SendEnv", {QStringLiteral("LANG LC_*")}},
        {"LogLevel", {QStringLiteral("ERROR")}},
        {"IdentitiesOnly", {QStringLiteral("yes")}},
    };
    // Weighted towards what changes the connection.
    int index = int(m_random.bounded(quint32(choices.size())));
    if (chance(40))
        index = int(m_random.bounded(9u));
    const Choice& choice = choices.at(index);
    const QString name = QLatin1String(choice.name);
    if (name == QLatin1String("ProxyCommand") && !chance(30))
        return optionLine(); // rare
    const QString value = choice.values.isEmpty() ? jumpValue() : pick(choice.values);
    QString line =
        pick({QStringLiteral("  "), QStringLiteral("    "), QStringLiteral("\t"), QString()}) +
        keyword(name) + separator() + value;
    if (chance(8) && name != QLatin1String("ProxyJump"))
        line += QStringLiteral(" # comment");
    return line;
}

QString SshConfigGenerator::brokenLine()
{
    return pick({QStringLiteral("Port 0"), QStringLiteral("Port 70000"), QStringLiteral("Prot 22"),
                 QStringLiteral("User"), QStringLiteral("Host"), QStringLiteral("ProxyJump a,,b"),
                 QStringLiteral("Match host"), QStringLiteral("Match foo bar"),
                 QStringLiteral("User \"unterminated"), QStringLiteral("HostName %x.example"),
                 QStringLiteral("UserKnownHostsFile ${HOSTDECK_UNSET_VARIABLE}/kh"),
                 QStringLiteral("StrictHostKeyChecking maybe"), QStringLiteral("ConnectTimeout 5x"),
                 QStringLiteral("Match all host x"), QStringLiteral("User a b")});
}

QString SshConfigGenerator::includeLine(int depth, GeneratedSshConfig& config,
                                        const QString& prefix)
{
    const int id = ++m_include;
    const QString kind =
        pick({QStringLiteral("absolute"), QStringLiteral("glob"), QStringLiteral("relative"),
              QStringLiteral("tilde"), QStringLiteral("missing")});
    const auto content = [&](const QString& tag) -> QString {
        QStringList lines;
        if (chance(40))
            lines.append(optionLine()); // applies inside the including block
        const int blocks = 1 + int(m_random.bounded(2u));
        for (int b = 0; b < blocks; ++b)
            lines += block(depth + 1, config, prefix + tag);
        return lines.join(u'\n') + u'\n';
    };
    QString target;
    if (kind == QLatin1String("absolute")) {
        const QString path = QStringLiteral("%1/%2inc-%3.conf").arg(m_dir, prefix).arg(id);
        config.files.insert(path, content(QStringLiteral("a")));
        target = path;
    } else if (kind == QLatin1String("glob")) {
        for (const char* suffix : {"b", "a"}) {
            const QString path = QStringLiteral("%1/%2glob-%3-%4.conf")
                                     .arg(m_dir, prefix)
                                     .arg(id)
                                     .arg(QLatin1String(suffix));
            config.files.insert(path, content(QLatin1String(suffix)));
        }
        target = QStringLiteral("%1/%2glob-%3-*.conf").arg(m_dir, prefix).arg(id);
    } else if (kind == QLatin1String("relative") || kind == QLatin1String("tilde")) {
        const QString name = QStringLiteral("%1rel-%2.conf").arg(prefix).arg(id);
        config.files.insert(m_home + QStringLiteral("/.ssh/") + name, content(QStringLiteral("r")));
        target = kind == QLatin1String("relative") ? name : QStringLiteral("~/.ssh/") + name;
    } else {
        target = QStringLiteral("%1/%2absent-%3.conf").arg(m_dir, prefix).arg(id);
    }
    return pick({QStringLiteral("Include "), QStringLiteral("  Include "),
                 QStringLiteral("include=")}) +
           target;
}

QStringList SshConfigGenerator::block(int depth, GeneratedSshConfig& config, const QString& prefix)
{
    QStringList lines;
    lines.append(chance(25) ? matchLine() : hostPatterns());
    const int options = 1 + int(m_random.bounded(4u));
    for (int i = 0; i < options; ++i) {
        if (depth < 2 && chance(6))
            lines.append(includeLine(depth, config, prefix));
        else
            lines.append(optionLine());
        if (chance(5))
            lines.append(pick({QStringLiteral("# a comment"), QString(), QStringLiteral("   ")}));
    }
    return lines;
}

GeneratedSshConfig SshConfigGenerator::next()
{
    GeneratedSshConfig config;
    const QString prefix = QStringLiteral("c%1-").arg(++m_case);
    config.mainFile = QStringLiteral("%1/%2config").arg(m_dir, prefix);
    QStringList lines;
    if (chance(30)) {
        const int globals = 1 + int(m_random.bounded(2u));
        for (int i = 0; i < globals; ++i)
            lines.append(optionLine().trimmed()); // before any Host: applies to everything
    }
    QStringList jumps;
    if (chance(40)) {
        jumps = {QStringLiteral("Host gw"), QStringLiteral("  HostName 10.0.0.1")};
        if (chance(50))
            jumps.append(QStringLiteral("  User gwuser"));
        if (chance(50))
            jumps.append(QStringLiteral("  Port 2201"));
        if (chance(60))
            jumps.append(QStringLiteral("  ProxyJump none"));
        jumps += {QStringLiteral("Host bastion"), QStringLiteral("  HostName bastion.example.com")};
        if (chance(60))
            jumps.append(QStringLiteral("  ProxyJump gw"));
        if (chance(50))
            jumps += {QStringLiteral("Host proxy2"), QStringLiteral("  ProxyJump bastion")};
    }
    if (chance(50))
        lines += jumps;
    const int blocks = 2 + int(m_random.bounded(5u));
    for (int b = 0; b < blocks; ++b) {
        lines += block(0, config, prefix);
        if (b == 0 && chance(8))
            lines.append(includeLine(0, config, prefix)); // inside the first block
    }
    if (!jumps.isEmpty() && !lines.contains(jumps.first()))
        lines += jumps;
    if (chance(35)) {
        lines.append(QStringLiteral("Host *"));
        const int options = 1 + int(m_random.bounded(3u));
        for (int i = 0; i < options; ++i)
            lines.append(optionLine());
    }
    if (chance(5))
        lines.insert(int(m_random.bounded(quint32(lines.size() + 1))), brokenLine());
    config.files.insert(config.mainFile, lines.join(u'\n') + u'\n');
    QStringList pool = targets();
    for (int i = 0; i < 4; ++i)
        config.aliases.append(pool.takeAt(int(m_random.bounded(quint32(pool.size())))));
    return config;
}

} // namespace hostdeck::test
