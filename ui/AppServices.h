#pragma once

#include "engine/runner/TargetFactory.h"
#include "ui/MainWindowOptions.h"

#include <memory>

namespace hostdeck::engine {
class CredentialStore;
class EngineClient;
class KeychainCredentialProvider;
} // namespace hostdeck::engine

namespace hostdeck::ui {

class Prompts;

/// What the desktop app runs on, built once by the composition root (app/gui/main.cpp) — or by
/// a test — and handed to MainWindow: the keychain store, the prompts seam, the credentials
/// (keychain first, then a prompt), host-key decisions (a dialog), the user's target settings,
/// and the engine with its run service on its own thread. Lives on the GUI thread.
class AppServices
{
public:
    explicit AppServices(const MainWindowOptions& options);
    ~AppServices(); ///< stops the engine thread first

    engine::EngineClient* engine() const { return m_engine.get(); }
    engine::CredentialStore* store() const { return m_store.get(); }
    Prompts* prompts() const { return m_prompts.get(); }
    engine::KeychainCredentialProvider& credentials() const { return *m_credentials; }
    /// How inventory hosts become targets here (interpreter, ssh_config, known_hosts).
    const engine::TargetSettings& targetSettings() const { return m_settings; }
    void setTargetSettings(const engine::TargetSettings& settings) { m_settings = settings; }

private:
    std::unique_ptr<engine::CredentialStore> m_store;
    std::unique_ptr<Prompts> m_prompts;
    std::shared_ptr<engine::KeychainCredentialProvider> m_credentials;
    engine::TargetSettings m_settings;
    std::unique_ptr<engine::EngineClient> m_engine;
};

} // namespace hostdeck::ui
