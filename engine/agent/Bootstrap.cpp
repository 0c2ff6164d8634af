#include "engine/agent/Bootstrap.h"

#include "engine/agent/Bytecode.h"
#include "engine/util/Lzma.h"
#include "engine/wire/FrameCodec.h"

#include <QFile>
#include <QtEndian>

#include <algorithm>

namespace hostdeck::engine {

namespace {

// Python-2-compatible up to the version check, so an old interpreter can say what it is.
// `-c` puts the working directory (the login user's home, even under sudo) first on sys.path:
// it goes before the first import that is not built in, so no file there can stand in for a
// module the agent or a tool imports.
// `announce`: tell the controller we are reading (become: the controller holds the payload until
// then, so sudo's or su's password reader never sees it). `fromFds`: under su the protocol
// arrives on fds 3, 4 and 5 (the su stage's stdio; 0-2 are su's terminal): move it to 0-2 first.
QString loaderSource(qsizetype payloadSize, bool announce, bool fromFds)
{
    QString code = QStringLiteral("import sys,posix as os\n");
    if (fromFds)
        code += QStringLiteral("for i in 0,1,2:os.dup2(3+i,i);os.close(3+i)\n");
    code += QStringLiteral("if sys.version_info<(3,8):sys.stdout.write('HOSTDECK-PYTHON-TOO-OLD "
                           "%s\\n'%sys.version.split()[0]);"
                           "sys.stdout.flush();sys.exit(3)\n"
                           "sys.path=[p for p in sys.path if p]\n"
                           "import _lzma,binascii\n");
    if (announce)
        code += QStringLiteral("os.write(1,b'HOSTDECK-LOADER\\n')\n");
    code += QStringLiteral("n=%1;b=b''\n"
                           "while len(b)<n:\n"
                           " c=os.read(0,n-len(b))\n"
                           " if not c:sys.exit(4)\n"
                           " b+=c\n"
                           "exec(compile(_lzma.LZMADecompressor().decompress(binascii.a2b_base64(b)"
                           "),'hostdeck-boot.py',"
                           "'exec'))")
                .arg(payloadSize);
    return code;
}

// The su stage (PROTOCOL.md §1, Become): runs as the login user with `su USER -c CMD` as its
// arguments. su reads a password only from a terminal, and a terminal would mangle the binary
// protocol, so su gets a pseudo-terminal of its own as stdin/stdout/stderr, and the stage's own
// stdio (the protocol) travels beside it as fds 3-5 to the agent su starts. A prompt is known by
// the terminal's echo being off when su prints (PAM turns it off before it writes the prompt), so
// no prompt text in any language is matched. The stage then says HOSTDECK-SU-PROMPT:<prompt> on
// stderr and reads exactly one line from stdin — the controller writes the password there and
// nothing else until the loader announces itself — and types it into the terminal: the password
// is never on a command line, in an environment or in a file. A second prompt, or su exiting
// without the agent, ends the stage with HOSTDECK-SU-FAILED <code> <what su printed>. When the
// controller goes away (stdin hangs up) su gets 5 s to end with the agent, then its terminal is
// closed (a hang-up ends a su still waiting for a password).
// Python-2-compatible up to the version check, like the loader.
QString suStageSource()
{
    return QStringLiteral(
        R"PY(import sys
if sys.version_info<(3,8):sys.stdout.write('HOSTDECK-PYTHON-TOO-OLD %s\n'%sys.version.split()[0]);sys.stdout.flush();sys.exit(3)
sys.path=[p for p in sys.path if p]
import os,fcntl,select,termios
def say(t,w):os.write(2,b'\nHOSTDECK-SU-'+t+b' '.join(w.split())[-600:]+b'\n')
m,s=os.openpty()
p=os.fork()
if p==0:
 try:
  os.setsid();t=os.open(os.ttyname(s),os.O_RDWR);a=[fcntl.fcntl(i,fcntl.F_DUPFD,10) for i in(0,1,2)]
  for i in(0,1,2):os.dup2(t,i)
  for i in(0,1,2):os.dup2(a[i],3+i)
  os.execvp(sys.argv[1],sys.argv[1:])
 except Exception as e:os.write(2,('%s: %s'%(sys.argv[1],e)).encode())
 os._exit(127)
os.close(s);os.dup2(os.open('/dev/null',os.O_RDWR),1)
w=b'';q=0;h=None;P=select.poll();P.register(m,select.POLLIN);P.register(0,0)
while 1:
 e=dict(P.poll(h))
 if not e:break
 if e.get(0):P.unregister(0);h=5000
 if m not in e:continue
 try:d=os.read(m,4096)
 except OSError:d=b''
 if not d:break
 w=(w+d)[-4096:]
 try:x=termios.tcgetattr(m)[3]&termios.ECHO
 except termios.error:x=1
 if x:continue
 say(b'PROMPT:',w.replace(b'\r',b'').rstrip().split(b'\n')[-1])
 if q:break
 q=1;w=b'';l=bytearray();c=1
 while c and l[-1:]!=b'\n':
  c=os.read(0,1);l+=c
 if not c:break
 os.write(m,l);l[:]=bytes(len(l))
os.close(m)
r=os.waitpid(p,0)[1]
r=r>>8 if r&127==0 else 128+(r&127)
if r:say(b'FAILED %d '%r,w)
sys.exit(r))PY");
}

/// One argument for a POSIX shell (su runs its command through the target user's shell).
QString shellQuoted(const QStringList& argv)
{
    QStringList quoted;
    for (QString arg : argv)
        quoted << QLatin1Char('\'') + arg.replace(QLatin1Char('\''), QStringLiteral("'\\''")) +
                      QLatin1Char('\'');
    return quoted.join(QLatin1Char(' '));
}

QByteArray resource(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("hostdeck: %s is missing from this build", qPrintable(path));
    return file.readAll();
}

} // namespace

QByteArray Bootstrap::agentSource()
{
    return resource(QStringLiteral(":/hostdeck/agent/agent.py"));
}

const QByteArray& Bootstrap::payload()
{
    static const QByteArray packed =
        lzma::compress(resource(QStringLiteral(":/hostdeck/agent/boot.py")), 9, true).toBase64();
    return packed;
}

const QByteArray& Bootstrap::bootFrame(bool withBytecode)
{
    static const auto make = [](bool bytecode) {
        const QByteArray source = agentSource();
        const QByteArray packed = Bytecode::packedSource(QStringLiteral("agent"), source);
        QByteArray body(4, Qt::Uninitialized);
        qToBigEndian(quint32(packed.size()), body.data());
        body += packed;
        if (bytecode)
            body += Bytecode::forSource(QStringLiteral("agent"), source);
        return wire::encodeFrame(wire::FrameType::Boot, 0, body);
    };
    if (withBytecode) {
        static const QByteArray compiled = make(true);
        return compiled;
    }
    static const QByteArray plain = make(false);
    return plain;
}

QString Bootstrap::problem(const Options& options)
{
    if (options.become && options.becomeMethod == BecomeMethod::Su &&
        (options.becomeUser.startsWith(QLatin1Char('-')) ||
         std::any_of(options.becomeUser.cbegin(), options.becomeUser.cend(),
                     [](QChar c) { return c.isSpace() || c.category() == QChar::Other_Control; })))
        return QStringLiteral("become user '%1' is not a user name su accepts")
            .arg(options.becomeUser);
    return {};
}

Command Bootstrap::command(const Options& options)
{
    const QStringList interpreter = options.interpreter.isEmpty()
                                        ? QStringList{QStringLiteral("python3")}
                                        : options.interpreter;
    const QStringList python{QStringLiteral("-E"), QStringLiteral("-S"), QStringLiteral("-c")};
    QStringList argv;
    if (options.become && options.becomeMethod == BecomeMethod::Su) {
        // INTERPRETER -c STAGE su USER -c 'exec INTERPRETER -c LOADER': the stage as the login
        // user, the agent as USER.
        const QString user =
            options.becomeUser.isEmpty() ? QStringLiteral("root") : options.becomeUser;
        const QString inner = QStringLiteral("exec ") +
                              shellQuoted(interpreter + python +
                                          QStringList{loaderSource(payload().size(), true, true)});
        argv << interpreter << python << suStageSource() << QStringLiteral("su") << user
             << QStringLiteral("-c") << inner;
    } else {
        if (options.become) {
            argv << QStringLiteral("sudo") << QStringLiteral("-S") << QStringLiteral("-p")
                 << QString::fromLatin1(sudoPromptMarker());
            if (!options.becomeUser.isEmpty())
                argv << QStringLiteral("-u") << options.becomeUser;
            argv << QStringLiteral("--");
        }
        argv << interpreter << python << loaderSource(payload().size(), options.become, false);
    }
    Command command;
    command.program = argv.takeFirst();
    command.arguments = argv;
    return command;
}

qsizetype Bootstrap::bytesBeforeHandshake(const Options& options)
{
    const Command cmd = command(options);
    qsizetype total = cmd.program.toUtf8().size();
    for (const QString& arg : cmd.arguments)
        total += 1 + arg.toUtf8().size();
    return total + payload().size();
}

} // namespace hostdeck::engine
