#pragma once

#include <QString>

namespace hostdeck::test {

/// The source tree (HOSTDECK_SOURCE_DIR, set by CTest) and build tree.
QString sourceDir();
QString binaryDir();
/// The python3 the tests use for the agent (HOSTDECK_TEST_PYTHON or /usr/bin/python3).
QString python();
/// The python3 that compiled the build's embedded bytecode (HOSTDECK_BUILD_PYTHON, set by CTest;
/// else python()).
QString buildPython();
/// The folder of test-only tool modules (tests/support/tools).
QString testToolsDir();
/// Path of a program built in this tree (e.g. "app/hostdeck-cli").
QString builtProgram(const QString& relativePath);

} // namespace hostdeck::test
