#pragma once

#include "engine/runner/EngineClient.h"
#include "engine/runner/KeychainCredentialProvider.h"
#include "engine/ssh/StaticCredentialProvider.h"

#include <QObject>

#include <functional>
#include <memory>

namespace hostdeck::engine {
class CredentialStore;
class HostKeyDecider;
} // namespace hostdeck::engine

namespace hostdeck::cli {

/// Each command parses its own arguments (everything after the sub-command word), runs
/// asynchronously on the event loop and reports its exit code through `done`.
using Done = std::function<void(int exitCode)>;

/// What the CLI's commands share, built once by main(): the keychain store and the credential
/// providers on the main thread, and the engine (on its own thread) once a command has read the
/// options that shape it.
class CliServices
{
public:
    struct EngineOptions
    {
        QStringList toolsDirs; ///< --tools-dir; empty: the user tools folder
        std::chrono::milliseconds readyTimeout{std::chrono::seconds(30)};
        std::shared_ptr<engine::HostKeyDecider> hostKeys; ///< null: unknown keys refused
    };

    CliServices();
    ~CliServices();

    engine::CredentialStore* store() const { return m_store.get(); }
    /// Secrets typed or piped in (--password-stdin): asked after the keychain.
    engine::StaticCredentialProvider& typed() const { return *m_typed; }
    engine::KeychainCredentialProvider& keychain() const { return *m_keychain; }
    /// The engine, made on first use with `options` (later calls return the same one).
    engine::EngineClient* engine(const EngineOptions& options);

private:
    std::unique_ptr<engine::CredentialStore> m_store;
    std::shared_ptr<engine::StaticCredentialProvider> m_typed;
    std::shared_ptr<engine::KeychainCredentialProvider> m_keychain;
    std::unique_ptr<engine::EngineClient> m_engine;
};

} // namespace hostdeck::cli
