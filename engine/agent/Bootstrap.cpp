#include "agent/Bootstrap.h"

#include "agent/Bytecode.h"
#include "util/Lzma.h"
#include "wire/FrameCodec.h"

#include <QFile>
#include <QtEndian>

namespace hostdeck::engine {

namespace {

// Python-2-compatible up to the version check, so an old interpreter can say what it is.
// `-c` puts the working directory (the login user's home, even under sudo) first on sys.path:
// it goes before the first import that is not built in, so no file there can stand in for a
// module the agent or a tool imports.
// %1 = payload length, %2 = an optional "tell the controller we are reading" statement.
QString loaderSource(qsizetype payloadSize, bool announce)
{
    QString code =
        QStringLiteral("import sys,posix as os\n"
                       "if sys.version_info<(3,8):sys.stdout.write('HOSTDECK-PYTHON-TOO-OLD "
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

Command Bootstrap::command(const Options& options)
{
    QStringList argv;
    if (options.become) {
        argv << QStringLiteral("sudo") << QStringLiteral("-S") << QStringLiteral("-p")
             << QString::fromLatin1(sudoPromptMarker());
        if (!options.becomeUser.isEmpty())
            argv << QStringLiteral("-u") << options.becomeUser;
        argv << QStringLiteral("--");
    }
    argv << (options.interpreter.isEmpty() ? QStringList{QStringLiteral("python3")}
                                           : options.interpreter);
    argv << QStringLiteral("-E") << QStringLiteral("-S") << QStringLiteral("-c")
         << loaderSource(payload().size(), options.become);
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
