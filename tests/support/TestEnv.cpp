#include "tests/support/TestEnv.h"

#include <QDir>
#include <QFileInfo>

namespace hostdeck::test {

QString sourceDir()
{
    const QString dir = qEnvironmentVariable("HOSTDECK_SOURCE_DIR");
    return dir.isEmpty() ? QDir::currentPath() : dir;
}

QString binaryDir()
{
    const QString dir = qEnvironmentVariable("HOSTDECK_BINARY_DIR");
    return dir.isEmpty() ? QDir::currentPath() : dir;
}

QString python()
{
    const QString py = qEnvironmentVariable("HOSTDECK_TEST_PYTHON");
    if (!py.isEmpty())
        return py;
    return QFileInfo::exists(QStringLiteral("/usr/bin/python3"))
               ? QStringLiteral("/usr/bin/python3")
               : QStringLiteral("python3");
}

QString buildPython()
{
    const QString py = qEnvironmentVariable("HOSTDECK_BUILD_PYTHON");
    return py.isEmpty() ? python() : py;
}

QString testToolsDir()
{
    return sourceDir() + QStringLiteral("/tests/support/tools");
}

QString builtProgram(const QString& relativePath)
{
    return binaryDir() + QLatin1Char('/') + relativePath;
}

} // namespace hostdeck::test
